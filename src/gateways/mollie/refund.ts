import type { Money } from '../../core/index.js';
import { clip } from '../_shared/request.js';
import type { GatewayAccount, RefundAnswer, StatusIo, StatusQuery } from '../gateway.js';
import { formatMollieAmount } from './amount.js';
import { callMollie, where } from './api.js';
import { keyModeProblem, type MollieCredentials } from './credentials.js';
import { PAYMENT_ID } from './map.js';

/**
 * `POST /v2/payments/{id}/refunds {amount, description, metadata}` (docs.mollie.com/reference/create-refund;
 * @mollie/api-client `paymentRefunds.create`), with an `Idempotency-Key` derived from our refund id so a retried call
 * cannot refund twice. Mollie answers 201 with the refund (`queued`/`pending`); the payment's `amountRefunded` moves
 * when the refund is processed, and Mollie then calls the payment's webhook: the new state arrives as a notification,
 * so the accepted answer carries no signal. Refusals: 404 (no such payment for this key), 422 (more than what is left,
 * a payment that cannot be refunded) with Mollie's words.
 */
export async function refundMolliePayment(
  account: GatewayAccount<MollieCredentials>,
  query: StatusQuery,
  request: { readonly amount: Money; readonly reason: string; readonly refundId: string },
  io: StatusIo,
): Promise<RefundAnswer> {
  const problem = keyModeProblem(account.id, account.mode, account.credentials);
  if (problem) return { kind: 'failed', code: 'CONFIG_INVALID', reason: problem, retryable: false };
  const id = query.gatewayRef;
  if (!id || !PAYMENT_ID.test(id)) {
    return {
      kind: 'refused',
      code: 'UNKNOWN_AT_GATEWAY',
      reason: `the payment ${clip(query.paymentId)} has no Mollie id (tr_…): it was never created at Mollie.`,
    };
  }
  if (request.amount.value <= 0) {
    return { kind: 'refused', code: 'INVALID_AMOUNT', reason: 'a refund must be more than zero.' };
  }
  const at = where(account, `POST payments/${id}/refunds`);
  const result = await callMollie(account, 'POST', `payments/${encodeURIComponent(id)}/refunds`, io, {
    body: {
      amount: formatMollieAmount(request.amount),
      description: clip(request.reason, 140),
      metadata: { quittance_refund_id: request.refundId },
    },
    idempotencyKey: `quittance-refund-${request.refundId}`,
  });
  if (result.kind === 'unreachable') {
    const why = result.timedOut ? 'did not answer in time' : `could not be reached (${result.detail})`;
    return { kind: 'failed', code: 'GATEWAY_UNAVAILABLE', reason: `${at} ${why}.`, retryable: true };
  }
  const { status, said } = result;
  if (status === 201 || status === 200) {
    return {
      kind: 'accepted',
      signals: [],
      detail: `Mollie accepted the refund of the payment ${id}${said}.`,
    };
  }
  if (status === 404) {
    return { kind: 'refused', code: 'UNKNOWN_AT_GATEWAY', reason: `Mollie has no payment ${id}${said}.` };
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'failed',
      code: 'UNAUTHORIZED',
      reason: `${at} refused the API key (HTTP ${status}${said}).`,
      retryable: false,
    };
  }
  if (status >= 500 || status === 408 || status === 429) {
    return {
      kind: 'failed',
      code: 'GATEWAY_UNAVAILABLE',
      reason: `${at} answered HTTP ${status}${said}.`,
      retryable: true,
    };
  }
  return {
    kind: 'refused',
    code: 'VALIDATION_FAILED',
    reason: `${at} refused the refund (HTTP ${status}${said}).`,
  };
}
