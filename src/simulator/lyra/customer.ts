import { encodeForm } from '../../gateways/_shared/form-codec.js';
import type { Fault } from '../faults.js';
import type { ReturnPayload } from './payment.js';
import type { Scenario } from './types.js';

export interface PayAsCustomerOptions {
  /** The form the merchant's checkout builds: where to send it and what. */
  readonly checkout: {
    readonly method: string;
    readonly url: string;
    readonly fields: Readonly<Record<string, string>>;
  };
  readonly scenario: Scenario;
  readonly faults?: readonly Fault[];
  /** Post the return fields to the shop, as the browser would. Default true. */
  readonly followReturn?: boolean;
}

export interface PayAsCustomerResult {
  readonly txn: string;
  /** The shop's answer to the return, null when followReturn is false. */
  readonly returnStatus: number | null;
  readonly location: string | null;
  readonly returnPayload: ReturnPayload;
}

export class CustomerError extends Error {
  override readonly name = 'CustomerError';
  constructor(
    readonly step: 'checkout' | 'pay',
    readonly status: number,
    readonly body: string,
  ) {
    super(`${step} answered ${status}: ${body.slice(0, 300)}`);
  }
}

/** A shopper's browser: posts the checkout form, acts on the hosted page, comes back to the shop. */
export async function payAsCustomer(options: PayAsCustomerOptions): Promise<PayAsCustomerResult> {
  const { checkout, scenario, faults = [], followReturn = true } = options;
  const form = encodeForm(checkout.fields);
  const isGet = checkout.method.toUpperCase() === 'GET';
  const opened = await fetch(isGet ? `${checkout.url}?${form}` : checkout.url, {
    method: isGet ? 'GET' : 'POST',
    headers: {
      accept: 'application/json',
      ...(isGet ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
    },
    ...(isGet ? {} : { body: form }),
  });
  const openedBody = await opened.text();
  if (!opened.ok) throw new CustomerError('checkout', opened.status, openedBody);
  const { txn } = JSON.parse(openedBody) as { txn: string };

  const paid = await fetch(new URL('/vads-payment/pay', checkout.url), {
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
