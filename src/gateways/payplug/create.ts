import { QuittanceError } from '../../core/index.js';
import { isObject } from '../_shared/json.js';
import { clip } from '../_shared/request.js';
import type { Checkout, CheckoutRequest, GatewayAccount } from '../gateway.js';
import { callPayplug, said, shownBase } from './api.js';
import { keyModeProblem, type PayplugCredentials } from './credentials.js';
import { PAYMENT_ID } from './map.js';

type Account = GatewayAccount<PayplugCredentials>;

/** The query flag the cancel URL carries, so a person reading the logs sees the customer gave up (nothing trusts it). */
export const CANCEL_FLAG = 'payplug_cancelled';

/**
 * The body of `POST /v1/payments` (shared/protocols.md §2; payplug-php `lib/Payplug/Resource/Payment.php` `create`,
 * `tests/unit_tests/Resource/PaymentTest.php`): amount in cents, currency, `hosted_payment{return_url, cancel_url}`,
 * `notification_url`, `metadata`. PayPlug has no order-id field: the order reference and our payment id travel in
 * `metadata`, which every fetched payment object gives back.
 *
 * Not sent: `billing` / `shipping` (or the deprecated `customer`). API version 2019-08-06 may require them for 3-D
 * Secure [UNCONFIRMED]; CheckoutRequest carries no customer data, so an account that needs them fails here with
 * PayPlug's own message naming the fields (VALIDATION_FAILED).
 */
export function createPaymentBody(request: CheckoutRequest): Record<string, unknown> {
  return {
    amount: request.amount.value,
    currency: request.amount.currency,
    hosted_payment: { return_url: request.urls.return, cancel_url: cancelUrl(request.urls.return) },
    notification_url: request.urls.notify,
    metadata: { quittance_payment_id: request.paymentId, order_ref: request.orderRef },
  };
}

/** Our return URL with `payplug_cancelled=1`: the return route reads only the path, then asks PayPlug. */
export function cancelUrl(returnUrl: string): string {
  const url = new URL(returnUrl);
  url.searchParams.set(CANCEL_FLAG, '1');
  return url.toString();
}

/**
 * Creates the payment at PayPlug; the customer is then sent to `hosted_payment.payment_url` (a GET link) and the
 * payment's `pay_…` id becomes its gateway reference. Throws QuittanceError:
 * - CONFIG_INVALID: the secret key is of the other mode than the account;
 * - UNSUPPORTED_CURRENCY: not EUR;
 * - VALIDATION_FAILED: PayPlug refused what we sent (400, 422…; asking again will not help), its message quoted;
 * - GATEWAY_UNAVAILABLE: unreachable, timed out, 5xx, key refused (401/403), or an answer we cannot read.
 */
export async function initPayplugPayment(
  account: Account,
  request: CheckoutRequest,
  io: { readonly fetch: typeof fetch; readonly signal: AbortSignal },
): Promise<{ readonly checkout: Checkout; readonly gatewayRef: string }> {
  const problem = keyModeProblem(account.id, account.mode, account.credentials);
  if (problem) throw new QuittanceError('CONFIG_INVALID', problem);
  if (request.amount.currency !== 'EUR') {
    throw new QuittanceError(
      'UNSUPPORTED_CURRENCY',
      `PayPlug takes payments in EUR only, not ${clip(request.amount.currency, 8)}.`,
    );
  }
  const where = `PayPlug's API (POST payments at ${shownBase(account.credentials)})`;
  const result = await callPayplug(account, 'POST', 'payments', createPaymentBody(request), io);
  if (result.kind === 'unreachable') {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      result.timedOut
        ? `${where} did not answer in time.`
        : `${where} could not be reached (${result.detail}).`,
    );
  }
  const { status } = result;
  if (status === 401 || status === 403) {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      `${where} refused the secret key (HTTP ${status}${said(result.error)}): check credentials.secretKey of the ` +
        `account ${account.id}.`,
    );
  }
  if (status >= 500 || status === 408 || status === 429) {
    throw new QuittanceError('GATEWAY_UNAVAILABLE', `${where} answered HTTP ${status}${said(result.error)}.`);
  }
  if (status >= 400) {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      `${where} refused the payment (HTTP ${status}${said(result.error)}).`,
    );
  }
  if (status < 200 || status > 299) {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      `${where} answered HTTP ${status}${status >= 300 ? ': check credentials.apiBase' : ''}.`,
    );
  }
  const created = readCreated(result.json);
  if (typeof created === 'string') {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      `${where} answered something quittance cannot read: ${created}.`,
    );
  }
  return {
    checkout: { method: 'GET', url: created.paymentUrl, fields: {} },
    gatewayRef: created.id,
  };
}

/** The created payment's id and hosted page; a string says what is wrong. */
export function readCreated(json: unknown): { readonly id: string; readonly paymentUrl: string } | string {
  if (!isObject(json)) return 'the answer is not a JSON object';
  const id = json.id;
  if (typeof id !== 'string' || !PAYMENT_ID.test(id)) return 'the answer has no pay_… id';
  const hosted = isObject(json.hosted_payment) ? json.hosted_payment : undefined;
  const paymentUrl = hosted?.payment_url;
  if (typeof paymentUrl !== 'string') return `the payment ${id} has no hosted_payment.payment_url`;
  let url: URL;
  try {
    url = new URL(paymentUrl);
  } catch {
    return `the payment ${id} gives a payment_url that is not a URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `the payment ${id} gives a payment_url that is not http(s)`;
  }
  return { id, paymentUrl: url.toString() };
}
