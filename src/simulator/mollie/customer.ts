import { CustomerError, fetchJson, land, postAction } from '../_shared/customer.js';
import type { Fault } from '../faults.js';
import type { MollieScenario } from './types.js';

export interface PayAsCustomerResult {
  readonly txn: string;
  readonly returnUrl: string;
  /** quittance's answer to the return (null when not followed). */
  readonly returnStatus: number | null;
  readonly location: string | null;
}

/**
 * A shopper's browser: follows `_links.checkout.href` (GET), acts there, then comes back to redirectUrl with a plain
 * GET, as Mollie redirects it whatever happened; nothing comes back with it.
 */
export async function payAsCustomer(options: {
  readonly checkout: { readonly method: string; readonly url: string };
  readonly scenario: MollieScenario;
  readonly faults?: readonly Fault[];
  readonly followReturn?: boolean;
}): Promise<PayAsCustomerResult> {
  const { checkout, scenario, faults = [], followReturn = true } = options;
  if (checkout.method.toUpperCase() !== 'GET') {
    throw new CustomerError('checkout', 0, `Mollie's checkout is a link (GET), not ${checkout.method}`);
  }
  const { txn } = await fetchJson<{ txn: string }>('checkout', checkout.url, {
    headers: { accept: 'application/json' },
  });
  const { returnUrl } = await postAction<{ returnUrl: string }>(new URL('/checkout-act', checkout.url), {
    txn,
    scenario,
    faults,
  });
  if (!followReturn) return { txn, returnUrl, returnStatus: null, location: null };
  const back = await land(returnUrl);
  return { txn, returnUrl, returnStatus: back.status, location: back.location };
}
