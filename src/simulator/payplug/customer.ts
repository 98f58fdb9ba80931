import type { Fault } from '../faults.js';
import type { PayplugScenario } from './types.js';

export class CustomerError extends Error {
  override readonly name = 'CustomerError';
  constructor(
    readonly step: 'checkout' | 'pay' | 'return',
    readonly status: number,
    readonly body: string,
  ) {
    super(`${step} answered ${status}: ${body.slice(0, 300)}`);
  }
}

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
  const opened = await fetch(checkout.url, { headers: { accept: 'application/json' } });
  const openedBody = await opened.text();
  if (!opened.ok) throw new CustomerError('checkout', opened.status, openedBody);
  const { txn } = JSON.parse(openedBody) as { txn: string };

  const acted = await fetch(new URL('/pay-act', checkout.url), {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ txn, scenario, faults }),
  });
  const actedBody = await acted.text();
  if (!acted.ok) throw new CustomerError('pay', acted.status, actedBody);
  const { returnUrl } = JSON.parse(actedBody) as { returnUrl: string };
  if (!followReturn) return { txn, returnUrl, returnStatus: null, location: null };

  const back = await fetch(returnUrl, { redirect: 'manual' });
  await back.body?.cancel();
  return { txn, returnUrl, returnStatus: back.status, location: back.headers.get('location') };
}
