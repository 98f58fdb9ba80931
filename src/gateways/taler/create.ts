import { QuittanceError } from '../../core/index.js';
import { isObject } from '../_shared/json.js';
import { clip } from '../_shared/request.js';
import type { Checkout, CheckoutRequest, GatewayAccount } from '../gateway.js';
import { formatTalerAmount } from './amount.js';
import { callTaler, ORDER_ID } from './api.js';
import { payDeadlineSeconds, shownBase, TALER_CURRENCY, type TalerCredentials } from './credentials.js';
import { getOrder } from './status.js';

type Account = GatewayAccount<TalerCredentials>;

/**
 * The body of `POST [/instances/$INSTANCE]/private/orders` (docs.taler.net merchant API `PostOrderRequest`;
 * shared/protocols.md §5):
 * - `order.amount` as `CUR:value`; `order.summary` names the shop's order;
 * - `order.order_id` = our merchantRef (our payment id: unique per account, URL-safe), so a retried creation names
 *   the same order and a webhook's `order_id` finds the payment;
 * - `order.fulfillment_url`: the shop's fulfillment URL (digital goods, `${ORDER_ID}` already replaced by the
 *   engine: protocols.md §5 says not to rely on the backend replacing it), else our return URL, where the wallet or the
 *   status page sends the browser once paid; `order.fulfillment_message` when the shop gave one;
 * - `order.pay_deadline` (Timestamp `{t_s}`): creation + `payDeadlineSeconds`, so quittance knows when an unpaid order
 *   expired; `order.refund_deadline` when `refundDelaySeconds` is set (never before the pay deadline);
 * - `session_id`: the shop's session of the customer, which binds the payment to that browser session and lets the
 *   backend detect a repurchase (`already_paid_order_id`) [the top-level `session_id` of PostOrderRequest is recent:
 *   older backends ignore it; the GET below passes it too].
 */
export function createOrderBody(account: Account, request: CheckoutRequest): Record<string, unknown> {
  const now = Math.floor(request.now.getTime() / 1000);
  const payDeadline = now + payDeadlineSeconds(account.credentials);
  const refundDelay = account.credentials.refundDelaySeconds;
  const fulfillmentUrl = request.fulfillment?.url ?? request.urls.return;
  const message = request.fulfillment?.message;
  return {
    order: {
      amount: formatTalerAmount(request.amount),
      summary: clip(`Order ${request.orderRef}`, 200),
      order_id: request.merchantRef,
      fulfillment_url: fulfillmentUrl,
      ...(message !== undefined && message !== '' && { fulfillment_message: message }),
      pay_deadline: { t_s: payDeadline },
      ...(refundDelay !== undefined && {
        refund_deadline: { t_s: Math.max(payDeadline, now + refundDelay) },
      }),
    },
    ...(request.sessionId !== undefined && request.sessionId !== '' && { session_id: request.sessionId }),
  };
}

/**
 * Creates the order at the merchant backend, then reads it back (`GET private/orders/$ID`) for its `taler_pay_uri`.
 *
 * The customer is sent to quittance's waiting page (`request.urls.wait`), not to the backend's `order_status_url`:
 * the waiting page shows the `taler://pay/…` URI as a QR code and a link (`Checkout.walletUri`), learns the result
 * from the long-poll watch job and then sends the customer to the shop's page, so the shop hears from quittance
 * whichever way the customer pays (wallet extension, phone). `order_status_url` stays available in the order for a
 * shop that prefers Taler's own page.
 *
 * Throws QuittanceError:
 * - UNSUPPORTED_CURRENCY: a currency the account's backend does not use;
 * - VALIDATION_FAILED: the backend refused the order (400, 409 with another order under this id, 410 out of stock,
 *   451 legal reasons such as a KYC requirement), its words quoted;
 * - GATEWAY_UNAVAILABLE: unreachable, timed out, 5xx, token refused (401/403), unknown instance (404), or an answer
 *   quittance cannot read. The token never appears in a message.
 */
export async function initTalerPayment(
  account: Account,
  request: CheckoutRequest,
  io: { readonly fetch: typeof fetch; readonly signal: AbortSignal },
): Promise<{ readonly checkout: Checkout; readonly gatewayRef: string }> {
  const { credentials } = account;
  const currency = request.amount.currency;
  if (
    credentials.currency !== undefined ? currency !== credentials.currency : !TALER_CURRENCY.test(currency)
  ) {
    throw new QuittanceError(
      'UNSUPPORTED_CURRENCY',
      `the Taler backend of the account ${account.id} takes ${credentials.currency ?? 'codes of 3 to 11 letters'}, ` +
        `not ${clip(currency, 12)}.`,
    );
  }
  const where = `the Taler backend (POST private/orders at ${shownBase(credentials)})`;
  const result = await callTaler(account, 'POST', 'private/orders', createOrderBody(account, request), io);
  if (result.kind === 'unreachable') {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      result.timedOut
        ? `${where} did not answer in time.`
        : `${where} could not be reached (${result.detail}).`,
    );
  }
  const { status } = result;
  const orderId = request.merchantRef;
  if (status === 401 || status === 403) {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      `${where} refused the access token (HTTP ${status}${result.said}): check credentials.token of the account ` +
        `${account.id}.`,
    );
  }
  if (status === 404) {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      `${where} answered 404${result.said}: the instance is unknown, check credentials.backendUrl of the account ` +
        `${account.id}.`,
    );
  }
  if (status === 410) {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      `${where} refused the order: a product is out of stock${result.said}.`,
    );
  }
  if (status === 451) {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      `${where} refused the order for legal reasons (HTTP 451, e.g. a KYC check the merchant must pass)${result.said}.`,
    );
  }
  if (status >= 500 || status === 408 || status === 429) {
    throw new QuittanceError('GATEWAY_UNAVAILABLE', `${where} answered HTTP ${status}${result.said}.`);
  }
  // 409: an order with this id exists. Our order ids are our payment ids, so it is ours when a previous attempt
  // reached the backend but its answer was lost: read it back and go on if it is the same unpaid order.
  if (status !== 409) {
    if (status >= 400) {
      throw new QuittanceError(
        'VALIDATION_FAILED',
        `${where} refused the order (HTTP ${status}${result.said}).`,
      );
    }
    if (status < 200 || status > 299) {
      throw new QuittanceError(
        'GATEWAY_UNAVAILABLE',
        `${where} answered HTTP ${status}${status >= 300 ? ': check credentials.backendUrl' : ''}.`,
      );
    }
    const created = isObject(result.json) ? result.json.order_id : undefined;
    if (created !== orderId) {
      throw new QuittanceError(
        'GATEWAY_UNAVAILABLE',
        `${where} answered something quittance cannot read: ${
          typeof created === 'string' && ORDER_ID.test(created)
            ? `the order id ${created} instead of ${orderId}`
            : 'no order_id'
        }.`,
      );
    }
  }
  const read = await getOrder(
    account,
    { orderId, source: 'poll', sessionId: request.sessionId },
    { fetch: io.fetch, signal: io.signal, now: request.now },
  );
  const order = read.order;
  if (read.answer.kind === 'failed' || read.answer.kind === 'not-found' || order === undefined) {
    const why = read.answer.kind === 'found' ? 'no order' : read.answer.reason;
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      `the order ${orderId} was created but cannot be read back: ${why}`,
    );
  }
  if (status === 409) {
    const same =
      order.status === 'unpaid' &&
      order.amount !== undefined &&
      order.amount.value === request.amount.value &&
      order.amount.currency === request.amount.currency;
    if (!same) {
      throw new QuittanceError(
        'VALIDATION_FAILED',
        `${where} already has another order ${orderId} (HTTP 409${result.said}); quittance will not reuse it.`,
      );
    }
  }
  if (order.status !== 'unpaid' || order.payUri === undefined || !isWalletUri(order.payUri)) {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      `the Taler backend gives no taler://pay URI for the new order ${orderId} (status ${order.status}).`,
    );
  }
  return {
    checkout: { method: 'GET', url: request.urls.wait, fields: {}, walletUri: order.payUri },
    gatewayRef: orderId,
  };
}

/** `taler://pay/…` or, for a backend on plain HTTP (tests, demos), `taler+http://pay/…`. */
export function isWalletUri(value: string): boolean {
  return /^taler(\+http)?:\/\/pay\/[\x21-\x7e]+$/i.test(value) && value.length <= 2048;
}
