import { encodeForm } from '../../gateways/_shared/form-codec.js';
import { type CustomerPlan, fetchJson, land, postAction } from '../_shared/customer.js';
import type { CustomerDestination, TrivenetoResult } from './types.js';

/** `checkout`: what the merchant answered, GET `PaymentURL?PaymentID=…` (gateways/triveneto/init.ts `checkoutOf`). */
export interface PayAsCustomerOptions extends CustomerPlan {
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

/** A shopper's browser: opens the hosted page, acts on it, goes where the gateway sends it. */
export async function payAsCustomer(options: PayAsCustomerOptions): Promise<PayAsCustomerResult> {
  const { checkout, scenario, faults = [], follow = () => true } = options;
  const pageUrl = new URL(checkout.url);
  for (const [name, value] of Object.entries(checkout.fields)) pageUrl.searchParams.set(name, value);
  const isGet = checkout.method.toUpperCase() === 'GET';
  const { txn } = await fetchJson<{ txn: string }>('checkout', isGet ? pageUrl : checkout.url, {
    method: isGet ? 'GET' : 'POST',
    headers: {
      accept: 'application/json',
      ...(isGet ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
    },
    ...(isGet ? {} : { body: encodeForm(checkout.fields) }),
  });
  const answer = await postAction<{ result: TrivenetoResult } & CustomerDestination>(
    new URL('/cg301/hppaction/pay', checkout.url),
    { txn, scenario, faults },
  );
  const destination: CustomerDestination = { via: answer.via, location: answer.location };
  if (!follow(destination.location)) return { txn, result: answer.result, destination, followed: null };
  return { txn, result: answer.result, destination, followed: await land(destination.location) };
}
