import { CustomerError, fetchJson, land, postAction } from '../_shared/customer.js';
import type { Fault } from '../faults.js';
import type { AdyenScenario } from './types.js';

/** A shopper's browser: opens the payment link (GET), acts there, then comes back to returnUrl with a plain GET. */
export async function payAsCustomer(options: {
  readonly checkout: { readonly method: string; readonly url: string };
  readonly scenario: AdyenScenario;
  readonly faults?: readonly Fault[];
  readonly followReturn?: boolean;
}): Promise<{ readonly txn: string; readonly returnStatus: number | null }> {
  const { checkout, scenario, faults = [], followReturn = true } = options;
  if (checkout.method.toUpperCase() !== 'GET') {
    throw new CustomerError('checkout', 0, `a payment link is opened with GET, not ${checkout.method}`);
  }
  const { txn } = await fetchJson<{ txn: string }>('checkout', checkout.url, {
    headers: { accept: 'application/json' },
  });
  const { returnUrl } = await postAction<{ returnUrl: string }>(new URL('/pay-act', checkout.url), {
    txn,
    scenario,
    faults,
  });
  if (!followReturn) return { txn, returnStatus: null };
  const back = await land(returnUrl);
  return { txn, returnStatus: back.status };
}
