import { encodeForm } from '../../gateways/_shared/form-codec.js';
import { type CustomerPlan, fetchJson, land, postAction } from '../_shared/customer.js';
import type { ReturnPayload } from './payment.js';

/** `checkout`: the Paypage POST form the merchant's checkout builds. */
export interface PayAsCustomerOptions extends CustomerPlan {
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

/**
 * A shopper's browser: posts the Paypage form to `<apiBase>/paymentInit`, acts on the page (the simulator's
 * `<apiBase>/pay`), then posts the manual response back to the shop's normalReturnUrl.
 */
export async function payAsCustomer(options: PayAsCustomerOptions): Promise<PayAsCustomerResult> {
  const { checkout, scenario, faults = [], followReturn = true } = options;
  const { txn } = await fetchJson<{ txn: string }>('paymentInit', checkout.url, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body: encodeForm(checkout.fields),
  });
  const returnPayload = await postAction<ReturnPayload>(payUrl(checkout.url), { txn, scenario, faults });
  if (!followReturn) return { txn, returnStatus: null, location: null, returnPayload };

  const back = await land(returnPayload.returnUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: encodeForm(returnPayload.fields),
  });
  return { txn, returnStatus: back.status, location: back.location, returnPayload };
}

/** `<apiBase>/paymentInit` → `<apiBase>/pay`. */
export function payUrl(paymentInitUrl: string): string {
  return new URL('pay', paymentInitUrl).href;
}
