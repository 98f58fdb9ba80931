import type { Money } from '../../core/index.js';
import { isObject } from '../_shared/json.js';
import { clip } from '../_shared/request.js';
import type { GatewayAccount, RefundAnswer, StatusIo, StatusQuery } from '../gateway.js';
import { formatTalerAmount } from './amount.js';
import { callTaler } from './api.js';
import { shownBase, type TalerCredentials } from './credentials.js';
import { getOrder } from './status.js';

type Account = GatewayAccount<TalerCredentials>;

/** The tag quittance appends to a refund's reason, so a retried refund is recognised in `refund_details`. */
export function refundTag(refundId: string): string {
  return `[quittance ${refundId}]`;
}

/**
 * `POST [/instances/$INSTANCE]/private/orders/$ORDER_ID/refund {"refund": "CUR:x", "reason": "…"}` (docs.taler.net
 * merchant API "Giving Refunds"; shared/protocols.md §5). Taler's `refund` is the order's refund TOTAL, not an
 * increment: the backend raises the refunded amount to it (taler-wallet-core `test-refund-incremental.ts` gives 2.5,
 * then 5, then 10 and ends with `refund_amount` 10). So:
 * 1. the order is read first (`GET private/orders/$ID`): it must be paid, in the same currency, and the refund must
 *    fit what is left;
 * 2. a refund whose tag (`[quittance <refundId>]`, appended to the reason) is already in `refund_details` was granted
 *    by an earlier attempt whose answer was lost: nothing is posted again (Taler takes no idempotency key);
 * 3. the new total (refunded so far + `amount`) is posted; two refunds racing compute the same total and the backend
 *    grants it once: a race can refund too little, never twice;
 * 4. on 200 the order is read again for the new state's signals. The customer's wallet still has to pick the refund
 *    up (`taler_refund_uri`, `refund_pending` until then).
 * Refusals: 403 (refund deadline passed, or the order is not paid), 404 (unknown order), 409 (more than was paid),
 * 410 (too late: the exchange may have wired the money), 451 (legal reasons).
 */
export async function refundTalerOrder(
  account: Account,
  query: StatusQuery,
  request: { readonly amount: Money; readonly reason: string; readonly refundId: string },
  io: StatusIo,
): Promise<RefundAnswer> {
  const orderId = query.gatewayRef ?? query.merchantRef;
  const before = await getOrder(account, { orderId, source: 'poll', query }, io);
  if (before.answer.kind === 'failed') return before.answer;
  if (before.answer.kind === 'not-found') {
    return { kind: 'refused', code: 'UNKNOWN_AT_GATEWAY', reason: before.answer.reason };
  }
  const order = before.order;
  if (order === undefined || order.status !== 'paid') {
    return {
      kind: 'refused',
      code: 'VALIDATION_FAILED',
      reason: `the Taler order ${orderId} is ${order?.status ?? 'unreadable'}, not paid: there is nothing to refund.`,
    };
  }
  if (request.amount.currency !== order.amount.currency) {
    return {
      kind: 'refused',
      code: 'INVALID_CURRENCY',
      reason: `the order ${orderId} was paid in ${order.amount.currency}, not ${clip(request.amount.currency, 12)}.`,
    };
  }
  if (request.amount.value <= 0) {
    return { kind: 'refused', code: 'INVALID_AMOUNT', reason: 'a refund must be more than zero.' };
  }
  const tag = refundTag(request.refundId);
  if (order.refundReasons.some((r) => r.includes(tag))) {
    return {
      kind: 'accepted',
      signals: before.answer.signals,
      detail: `the refund ${request.refundId} was already granted on the order ${orderId}.`,
    };
  }
  const already = order.refunded ? (order.refundAmount?.value ?? 0) : 0;
  const total = already + request.amount.value;
  if (total > order.amount.value) {
    return {
      kind: 'refused',
      code: 'VALIDATION_FAILED',
      reason:
        `the order ${orderId} was paid ${formatTalerAmount(order.amount)} and ${formatTalerAmount({ ...order.amount, value: already })} ` +
        `is refunded already: ${formatTalerAmount(request.amount)} more would exceed what was paid.`,
    };
  }
  const where = `the Taler backend (POST private/orders/${orderId}/refund at ${shownBase(account.credentials)})`;
  const reason = `${clip(request.reason, 200)} ${tag}`.trim();
  const result = await callTaler(
    account,
    'POST',
    `private/orders/${encodeURIComponent(orderId)}/refund`,
    { refund: formatTalerAmount({ value: total, currency: order.amount.currency }), reason },
    io,
  );
  if (result.kind === 'unreachable') {
    return {
      kind: 'failed',
      code: 'GATEWAY_UNAVAILABLE',
      reason: result.timedOut
        ? `${where} did not answer in time; asking again is safe (the refund is recognised by its tag).`
        : `${where} could not be reached (${result.detail}).`,
      retryable: true,
    };
  }
  const { status, said } = result;
  if (status === 401) {
    return {
      kind: 'failed',
      code: 'UNAUTHORIZED',
      reason: `${where} refused the access token (HTTP 401${said}): check credentials.token of the account ${account.id}.`,
      retryable: false,
    };
  }
  const refusals: Readonly<Record<number, string>> = {
    403: 'the refund deadline has passed or the order is not paid',
    404: 'the backend does not know the order',
    409: 'the refund would exceed what was paid',
    410: 'it is too late: the exchange may already have wired the money to the merchant',
    451: 'the refund cannot be granted for legal reasons',
  };
  const refusal = refusals[status];
  if (refusal !== undefined) {
    return {
      kind: 'refused',
      code: 'VALIDATION_FAILED',
      reason: `${where} refused: ${refusal} (HTTP ${status}${said}).`,
    };
  }
  if (status >= 500 || status === 408 || status === 429) {
    return {
      kind: 'failed',
      code: 'GATEWAY_UNAVAILABLE',
      reason: `${where} answered HTTP ${status}${said}.`,
      retryable: true,
    };
  }
  if (status < 200 || status > 299) {
    return { kind: 'refused', code: 'VALIDATION_FAILED', reason: `${where} answered HTTP ${status}${said}.` };
  }
  const uri =
    isObject(result.json) && typeof result.json.taler_refund_uri === 'string'
      ? result.json.taler_refund_uri
      : undefined;
  const after = await getOrder(account, { orderId, source: 'poll', query }, io);
  const detail =
    `refund total of the order ${orderId} raised to ${formatTalerAmount({ value: total, currency: order.amount.currency })}` +
    (uri ? `; the customer's wallet picks it up at ${clip(uri, 200)}` : '');
  const signals = after.answer.kind === 'found' ? after.answer.signals : [];
  // The GET after a granted refund failed: the refund stands; the watch or reconciliation will see the new state.
  if (after.answer.kind === 'found' && signals.length > 0) return { kind: 'accepted', signals, detail };
  const expected = total >= order.amount.value ? 'refunded' : 'partially_refunded';
  return {
    kind: 'accepted',
    signals: [],
    detail: `${detail} (expected state: ${expected}; not read back yet)`,
  };
}
