import { encodeForm } from '../../gateways/_shared/form-codec.js';
import { CustomerError, type CustomerPlan, fetchJson, land, postAction } from '../_shared/customer.js';
import type { PaypalScenario } from './types.js';

/**
 * A buyer's browser: posts the Buy Now form to PayPal, acts on PayPal's page, then goes back to `return` (or
 * `cancel_return`) with a plain GET (rm=1): nothing signed comes back; the IPN is the message.
 */
export async function payAsCustomer(
  options: Omit<CustomerPlan, 'scenario'> & {
    readonly scenario: PaypalScenario;
    readonly followReturn?: boolean;
  },
): Promise<{ readonly txn: string; readonly returnUrl: string; readonly returnStatus: number | null }> {
  const { checkout, scenario, faults = [], followReturn = true } = options;
  if (checkout.method.toUpperCase() !== 'POST') {
    throw new CustomerError('checkout', 0, `a PayPal button is a form POST, not ${checkout.method}`);
  }
  const { txn } = await fetchJson<{ txn: string }>('checkout', checkout.url, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body: encodeForm(checkout.fields),
  });
  const { returnUrl } = await postAction<{ returnUrl: string }>(new URL('/pay-act', checkout.url), {
    txn,
    scenario,
    faults,
  });
  if (!followReturn) return { txn, returnUrl, returnStatus: null };
  const back = await land(returnUrl);
  return { txn, returnUrl, returnStatus: back.status };
}
