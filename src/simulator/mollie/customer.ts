import { type HostedPageVisit, payOnHostedPage } from '../_shared/customer.js';
import type { Fault } from '../faults.js';
import type { MollieScenario } from './types.js';

export type PayAsCustomerResult = HostedPageVisit;

/**
 * A shopper's browser: follows `_links.checkout.href`, acts there, then comes back to redirectUrl with a plain GET, as
 * Mollie redirects it whatever happened; nothing comes back with it (not even the id).
 */
export function payAsCustomer(options: {
  readonly checkout: { readonly method: string; readonly url: string };
  readonly scenario: MollieScenario;
  readonly faults?: readonly Fault[];
  readonly followReturn?: boolean;
}): Promise<PayAsCustomerResult> {
  return payOnHostedPage({ ...options, gateway: 'Mollie', actPath: '/checkout-act' });
}
