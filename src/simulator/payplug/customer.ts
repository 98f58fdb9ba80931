import { type HostedPageVisit, payOnHostedPage } from '../_shared/customer.js';
import type { Fault } from '../faults.js';
import type { PayplugScenario } from './types.js';

export type PayAsCustomerResult = HostedPageVisit;

/**
 * A shopper's browser: follows the checkout link to the hosted page (GET payment_url), acts there, then comes back
 * to return_url (or cancel_url) with a plain GET, as PayPlug redirects it; nothing signed comes back.
 */
export function payAsCustomer(options: {
  readonly checkout: { readonly method: string; readonly url: string };
  readonly scenario: PayplugScenario;
  readonly faults?: readonly Fault[];
  readonly followReturn?: boolean;
}): Promise<PayAsCustomerResult> {
  return payOnHostedPage({ ...options, gateway: 'PayPlug', actPath: '/pay-act' });
}
