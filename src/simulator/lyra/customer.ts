import { encodeForm } from '../../gateways/_shared/form-codec.js';
import { type CustomerPlan, fetchJson, land, postAction } from '../_shared/customer.js';
import type { ReturnPayload } from './payment.js';

/** `checkout`: the form the merchant's checkout builds, posted (or sent as a GET query) to the hosted page. */
export interface PayAsCustomerOptions extends CustomerPlan {
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

/** A shopper's browser: posts the checkout form, acts on the hosted page, comes back to the shop. */
export async function payAsCustomer(options: PayAsCustomerOptions): Promise<PayAsCustomerResult> {
  const { checkout, scenario, faults = [], followReturn = true } = options;
  const form = encodeForm(checkout.fields);
  const isGet = checkout.method.toUpperCase() === 'GET';
  const { txn } = await fetchJson<{ txn: string }>(
    'checkout',
    isGet ? `${checkout.url}?${form}` : checkout.url,
    {
      method: isGet ? 'GET' : 'POST',
      headers: {
        accept: 'application/json',
        ...(isGet ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      ...(isGet ? {} : { body: form }),
    },
  );
  const returnPayload = await postAction<ReturnPayload>(new URL('/vads-payment/pay', checkout.url), {
    txn,
    scenario,
    faults,
  });
  if (!followReturn) return { txn, returnStatus: null, location: null, returnPayload };

  const back = await land(returnPayload.returnUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: encodeForm(returnPayload.fields),
  });
  return { txn, returnStatus: back.status, location: back.location, returnPayload };
}
