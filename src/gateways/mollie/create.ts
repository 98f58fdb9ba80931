import { QuittanceError } from '../../core/index.js';
import { isObject } from '../_shared/json.js';
import { clip } from '../_shared/request.js';
import type { Checkout, CheckoutRequest, GatewayAccount } from '../gateway.js';
import { formatMollieAmount } from './amount.js';
import { callMollie, where } from './api.js';
import { keyModeProblem, type MollieCredentials } from './credentials.js';
import { supportsMollieCurrency } from './currencies.js';
import { PAYMENT_ID } from './map.js';

type Account = GatewayAccount<MollieCredentials>;

/**
 * The body of `POST /v2/payments` (docs.mollie.com/reference/create-payment; @mollie/api-client `PaymentCreateParams`):
 * amount as a decimal string, description, redirectUrl (the customer's way back), webhookUrl (Mollie calls it with
 * `id=tr_…` on every status change), metadata (any JSON, given back on every fetched payment: our payment id and the
 * order reference travel there, Mollie has no order-id field for payments).
 */
export function createPaymentBody(request: CheckoutRequest): Record<string, unknown> {
  return {
    amount: formatMollieAmount(request.amount),
    // Mollie shows it to the customer and on bank statements (docs: "maximum 255 characters").
    description: clip(`Order ${request.orderRef}`, 250),
    redirectUrl: request.urls.return,
    webhookUrl: request.urls.notify,
    metadata: { quittance_payment_id: request.paymentId, order_ref: request.orderRef },
  };
}

/**
 * The `Idempotency-Key` of the creation (docs.mollie.com/reference/api-idempotency: a retried POST with the same key
 * gets the first answer): one per payment of ours, so a checkout retried after a lost answer creates no second
 * payment at Mollie.
 */
export function idempotencyKey(paymentId: string): string {
  return `quittance-create-${paymentId}`;
}

/**
 * Creates the payment at Mollie; the customer is then sent to `_links.checkout.href` (a GET link) and the payment's
 * `tr_…` id becomes its gateway reference. Throws QuittanceError:
 * - CONFIG_INVALID: the API key is of the other mode than the account;
 * - UNSUPPORTED_CURRENCY: a currency Mollie does not take;
 * - VALIDATION_FAILED: Mollie refused what we sent (422…; asking again will not help), its words quoted;
 * - GATEWAY_UNAVAILABLE: unreachable, timed out, 5xx, key refused (401/403), or an answer we cannot read.
 */
export async function initMolliePayment(
  account: Account,
  request: CheckoutRequest,
  io: { readonly fetch: typeof fetch; readonly signal: AbortSignal },
): Promise<{ readonly checkout: Checkout; readonly gatewayRef: string }> {
  const problem = keyModeProblem(account.id, account.mode, account.credentials);
  if (problem) throw new QuittanceError('CONFIG_INVALID', problem);
  if (!supportsMollieCurrency(request.amount.currency)) {
    throw new QuittanceError(
      'UNSUPPORTED_CURRENCY',
      `Mollie does not take payments in ${clip(request.amount.currency, 8)}.`,
    );
  }
  const at = where(account, 'POST payments');
  const result = await callMollie(account, 'POST', 'payments', io, {
    body: createPaymentBody(request),
    idempotencyKey: idempotencyKey(request.paymentId),
  });
  if (result.kind === 'unreachable') {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      result.timedOut ? `${at} did not answer in time.` : `${at} could not be reached (${result.detail}).`,
    );
  }
  const { status, said } = result;
  if (status === 401 || status === 403) {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      `${at} refused the API key (HTTP ${status}${said}): check credentials.apiKey of the account ${account.id}.`,
    );
  }
  if (status >= 500 || status === 408 || status === 429) {
    throw new QuittanceError('GATEWAY_UNAVAILABLE', `${at} answered HTTP ${status}${said}.`);
  }
  if (status >= 400) {
    throw new QuittanceError('VALIDATION_FAILED', `${at} refused the payment (HTTP ${status}${said}).`);
  }
  if (status < 200 || status > 299) {
    const hint = status >= 300 ? ': check credentials.apiBase' : '';
    throw new QuittanceError('GATEWAY_UNAVAILABLE', `${at} answered HTTP ${status}${hint}.`);
  }
  const created = readCreated(result.json);
  if (typeof created === 'string') {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      `${at} answered something quittance cannot read: ${created}.`,
    );
  }
  return { checkout: { method: 'GET', url: created.checkoutUrl, fields: {} }, gatewayRef: created.id };
}

/** The created payment's id and checkout link; a string says what is wrong. */
export function readCreated(json: unknown): { readonly id: string; readonly checkoutUrl: string } | string {
  if (!isObject(json)) return 'the answer is not a JSON object';
  const id = json.id;
  if (typeof id !== 'string' || !PAYMENT_ID.test(id)) return 'the answer has no tr_… id';
  const links = isObject(json._links) ? json._links : {};
  const href = isObject(links.checkout) ? links.checkout.href : undefined;
  if (typeof href !== 'string') return `the payment ${id} has no _links.checkout.href`;
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return `the payment ${id} gives a checkout link that is not a URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `the payment ${id} gives a checkout link that is not http(s)`;
  }
  return { id, checkoutUrl: url.toString() };
}
