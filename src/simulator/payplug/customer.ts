import { CustomerError, fetchJson, land, postAction } from '../_shared/customer.js';
import type { Fault } from '../faults.js';
import type { PayplugScenario } from './types.js';

export interface PayAsCustomerResult {
  readonly txn: string;
  readonly returnUrl: string;
  /** quittance's answer to the return (null when not followed). */
  readonly returnStatus: number | null;
  readonly location: string | null;
}

/**
 * A shopper's browser: follows the checkout link to the hosted page (GET payment_url), acts there, then comes back
 * to return_url (or cancel_url) with a plain GET, as PayPlug redirects it; nothing signed comes back.
 */
export async function payAsCustomer(options: {
  readonly checkout: { readonly method: string; readonly url: string };
  readonly scenario: PayplugScenario;
  readonly faults?: readonly Fault[];
  readonly followReturn?: boolean;
}): Promise<PayAsCustomerResult> {
  const { checkout, scenario, faults = [], followReturn = true } = options;
  if (checkout.method.toUpperCase() !== 'GET') {
    throw new CustomerError('checkout', 0, `PayPlug's checkout is a link (GET), not ${checkout.method}`);
  }
  const { txn } = await fetchJson<{ txn: string }>('checkout', checkout.url, {
    headers: { accept: 'application/json' },
  });
  const { returnUrl } = await postAction<{ returnUrl: string }>(new URL('/pay-act', checkout.url), {
    txn,
    scenario,
    faults,
  });
  if (!followReturn) return { txn, returnUrl, returnStatus: null, location: null };

  const back = await land(returnUrl);
  return { txn, returnUrl, returnStatus: back.status, location: back.location };
}
