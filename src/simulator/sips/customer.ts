import { encodeForm } from '../../gateways/_shared/form-codec.js';
import type { Fault } from '../faults.js';
import type { Scenario } from '../platform.js';
import type { ReturnPayload } from './payment.js';

export interface PayAsCustomerOptions {
  /** The Paypage POST form the merchant's checkout builds: where to send it and what. */
  readonly checkout: {
    readonly method: string;
    readonly url: string;
    readonly fields: Readonly<Record<string, string>>;
  };
  readonly scenario: Scenario;
  readonly faults?: readonly Fault[];
  /** Post the manual response to normalReturnUrl, as the browser would. Default true. */
  readonly followReturn?: boolean;
}

export interface PayAsCustomerResult {
  readonly txn: string;
  /** The shop's answer to the manual response, null when followReturn is false. */
  readonly returnStatus: number | null;
  readonly location: string | null;
  readonly returnPayload: ReturnPayload;
}

export class CustomerError extends Error {
  override readonly name = 'CustomerError';
  constructor(
    readonly step: 'paymentInit' | 'pay',
    readonly status: number,
    readonly body: string,
  ) {
    super(`${step} answered ${status}: ${body.slice(0, 300)}`);
  }
}

/**
 * A shopper's browser: posts the Paypage form to `<apiBase>/paymentInit`, acts on the page (the simulator's
 * `<apiBase>/pay`), then posts the manual response back to the shop's normalReturnUrl.
 */
export async function payAsCustomer(options: PayAsCustomerOptions): Promise<PayAsCustomerResult> {
  const { checkout, scenario, faults = [], followReturn = true } = options;
  const opened = await fetch(checkout.url, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body: encodeForm(checkout.fields),
  });
  const openedBody = await opened.text();
  if (!opened.ok) throw new CustomerError('paymentInit', opened.status, openedBody);
  const { txn } = JSON.parse(openedBody) as { txn: string };

  const paid = await fetch(payUrl(checkout.url), {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ txn, scenario, faults }),
  });
  const paidBody = await paid.text();
  if (!paid.ok) throw new CustomerError('pay', paid.status, paidBody);
  const returnPayload = JSON.parse(paidBody) as ReturnPayload;
  if (!followReturn) return { txn, returnStatus: null, location: null, returnPayload };

  const back = await fetch(returnPayload.returnUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: encodeForm(returnPayload.fields),
    redirect: 'manual',
  });
  await back.body?.cancel();
  return { txn, returnStatus: back.status, location: back.headers.get('location'), returnPayload };
}

/** `<apiBase>/paymentInit` → `<apiBase>/pay`. */
export function payUrl(paymentInitUrl: string): string {
  return new URL('pay', paymentInitUrl).href;
}
