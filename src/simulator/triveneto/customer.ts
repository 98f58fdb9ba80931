import { encodeForm } from '../../gateways/_shared/form-codec.js';
import type { Fault } from '../faults.js';
import type { Scenario } from '../platform.js';
import type { CustomerDestination, TrivenetoResult } from './types.js';

export interface PayAsCustomerOptions {
  /** The checkout the merchant answered: GET `PaymentURL?PaymentID=…` (gateways/triveneto/init.ts `checkoutOf`). */
  readonly checkout: {
    readonly method: string;
    readonly url: string;
    readonly fields: Readonly<Record<string, string>>;
  };
  readonly scenario: Scenario;
  readonly faults?: readonly Fault[];
  /**
   * Which of the gateway's redirects the browser follows (one request, redirect: 'manual'). Default: every one. The
   * platform follows only those to quittance: the demo's shop pages are fictional hosts.
   */
  readonly follow?: (location: string) => boolean;
}

export interface PayAsCustomerResult {
  /** The PaymentID. */
  readonly txn: string;
  readonly result: TrivenetoResult;
  /** Where the gateway sent the browser after the NotificationMessage exchange. */
  readonly destination: CustomerDestination;
  /** The answer of the page the browser was sent to, when followed. */
  readonly followed: { readonly status: number; readonly location: string | null } | null;
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

/** A shopper's browser: opens the hosted page, acts on it, goes where the gateway sends it. */
export async function payAsCustomer(options: PayAsCustomerOptions): Promise<PayAsCustomerResult> {
  const { checkout, scenario, faults = [], follow = () => true } = options;
  const pageUrl = new URL(checkout.url);
  for (const [name, value] of Object.entries(checkout.fields)) pageUrl.searchParams.set(name, value);
  const isGet = checkout.method.toUpperCase() === 'GET';
  const opened = await fetch(isGet ? pageUrl : checkout.url, {
    method: isGet ? 'GET' : 'POST',
    headers: {
      accept: 'application/json',
      ...(isGet ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
    },
    ...(isGet ? {} : { body: encodeForm(checkout.fields) }),
  });
  const openedBody = await opened.text();
  if (!opened.ok) throw new CustomerError('checkout', opened.status, openedBody);
  const { txn } = JSON.parse(openedBody) as { txn: string };

  const paid = await fetch(new URL('/cg301/hppaction/pay', checkout.url), {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ txn, scenario, faults }),
  });
  const paidBody = await paid.text();
  if (!paid.ok) throw new CustomerError('pay', paid.status, paidBody);
  const answer = JSON.parse(paidBody) as { result: TrivenetoResult } & CustomerDestination;
  const destination: CustomerDestination = { via: answer.via, location: answer.location };
  if (!follow(destination.location)) return { txn, result: answer.result, destination, followed: null };

  const landed = await fetch(destination.location, { redirect: 'manual' });
  await landed.body?.cancel();
  return {
    txn,
    result: answer.result,
    destination,
    followed: { status: landed.status, location: landed.headers.get('location') },
  };
}
