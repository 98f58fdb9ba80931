import { formatMoney, isPaid, type Money, QuittanceError, successRank } from '../core/index.js';
import type { GatewaySignal, RefundAnswer } from '../gateways/gateway.js';
import { findPayment } from '../store/repos/payments.js';
import { type AppliedSignal, applySignal } from './apply-signal.js';
import type { Engine } from './engine.js';
import { announce } from './ingest.js';

/** How long a refund call may take before quittance says it could not tell. */
const REFUND_TIMEOUT_MS = 20_000;

export interface RefundRequest {
  readonly paymentId: string;
  /** Minor units; default: the whole amount of the payment. */
  readonly amount?: number | undefined;
  readonly reason: string;
  /** Who asked, for the timeline. */
  readonly by: string;
}

export interface RefundResult {
  readonly refundId: string;
  readonly amount: Money;
  /** What the gateway said, in words (Taler: the refund URI the customer's wallet picks up). */
  readonly detail: string | null;
  /** The payment's new state, as the gateway reported it right after the refund. */
  readonly applied: readonly AppliedSignal[];
}

/**
 * Gives (part of) a paid payment back through its gateway's refund API (`adapter.refund`), then folds
 * the state the gateway reports into the payment like any `poll` signal: the state machine, not this
 * function, decides what `partially_refunded` or `refunded` means for the payment, and the shop is told
 * through the usual events. The call runs outside any transaction; nothing is written when it fails.
 * Refusals (not paid yet, more than was paid, a gateway without refunds) are QuittanceErrors with
 * stable codes; a gateway that cannot be reached is GATEWAY_UNAVAILABLE, and asking again is safe where
 * the gateway takes our `refundId` as an idempotency key.
 */
export async function refundPayment(engine: Engine, request: RefundRequest): Promise<RefundResult> {
  if (request.reason.trim().length === 0 || request.by.trim().length === 0) {
    throw new QuittanceError('VALIDATION_FAILED', 'a refund needs a reason and a name', {
      field: request.reason.trim() ? 'by' : 'reason',
    });
  }
  const payment = await findPayment(engine.store.db, request.paymentId);
  if (!payment) throw new QuittanceError('UNKNOWN_PAYMENT', `no payment ${request.paymentId}`);
  const account = engine.config.accounts.get(payment.accountId);
  const refund = account?.adapter.refund;
  if (!account || !refund) {
    const name = account?.adapter.displayName ?? `the gateway of account ${payment.accountId}`;
    throw new QuittanceError(
      'NOT_SUPPORTED',
      `quittance cannot refund through ${name}: refund in its back office, then record it with ` +
        `quittance settle ${payment.id} --status refunded --reason "<what you did>" --by <name>`,
    );
  }
  if (!isPaid(payment.status) || successRank(payment.status) < successRank('captured')) {
    throw new QuittanceError(
      'PAYMENT_STATE',
      `payment ${payment.id} is ${payment.status}: only a captured payment can be refunded`,
    );
  }
  const value = request.amount ?? payment.amount.value;
  if (!Number.isSafeInteger(value) || value <= 0 || value > payment.amount.value) {
    throw new QuittanceError(
      'INVALID_AMOUNT',
      `the refund must be more than 0 and at most the payment's ${formatMoney(payment.amount)}`,
      { field: 'amount' },
    );
  }
  const amount: Money = { value, currency: payment.amount.currency };
  const refundId = engine.ids('refund');
  let answer: RefundAnswer;
  try {
    answer = await refund.call(
      account.adapter,
      account,
      {
        paymentId: payment.id,
        orderRef: payment.orderRef,
        merchantRef: payment.merchantRef,
        gatewayRef: payment.gatewayRef,
        amount: payment.amount,
        createdAt: payment.createdAt,
      },
      { amount, reason: request.reason, refundId },
      { fetch: engine.fetch, signal: AbortSignal.timeout(REFUND_TIMEOUT_MS), now: engine.clock() },
    );
  } catch (error) {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      `asking ${account.adapter.displayName} to refund failed: ${(error as Error).message}; check its back office before trying again`,
    );
  }
  if (answer.kind === 'refused') throw new QuittanceError(answer.code, answer.reason);
  if (answer.kind === 'failed') {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      `${account.adapter.displayName} did not confirm the refund: ${answer.reason}`,
    );
  }
  const note = `refund ${refundId} of ${formatMoney(amount)} asked by ${request.by}: ${request.reason}`;
  const applied = await engine.store.db.transaction().execute(async (tx) => {
    const results: AppliedSignal[] = [];
    for (const signal of answer.signals) {
      const withNote: GatewaySignal = { ...signal, note: signal.note ? `${note}; ${signal.note}` : note };
      results.push(await applySignal(engine, tx, { accountId: account.id, signal: withNote, inboxId: null }));
    }
    return results;
  });
  announce(engine, applied);
  return { refundId, amount, detail: answer.detail ?? null, applied };
}
