import { CustomerError, fetchJson, land, postAction } from '../_shared/customer.js';
import type { Fault } from '../faults.js';
import type { StripeScenario } from './types.js';

/**
 * A shopper's browser at Stripe Checkout: follows the session url (GET), acts, then comes back to success_url or
 * cancel_url with a plain GET; nothing signed comes back.
 */
export async function payAsCustomer(options: {
  readonly checkout: { readonly method: string; readonly url: string };
  readonly scenario: StripeScenario;
  readonly faults?: readonly Fault[];
  readonly followReturn?: boolean;
}): Promise<{ readonly txn: string; readonly returnUrl: string; readonly returnStatus: number | null }> {
  const { checkout, scenario, faults = [], followReturn = true } = options;
  if (checkout.method.toUpperCase() !== 'GET') {
    throw new CustomerError('checkout', 0, `Stripe Checkout is a link (GET), not ${checkout.method}`);
  }
  const { txn } = await fetchJson<{ txn: string }>('checkout', checkout.url, {
    headers: { accept: 'application/json' },
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
