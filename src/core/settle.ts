import type { Effect } from './effects.js';
import { effectsOfMove } from './effects.js';
import { formatMoney, sameMoney } from './money.js';
import type { PaymentState } from './payment.js';
import type { Settlement, Signal } from './signal.js';
import { isFinal } from './status.js';
import { move } from './transitions.js';

export interface SettleResult {
  readonly payment: PaymentState;
  readonly settlement: Exclude<Settlement, 'rejected'>;
  readonly effects: readonly Effect[];
  /** One sentence a person can read on the timeline. */
  readonly reason: string;
}

/**
 * Folds one verified signal into a payment. Pure and total: it never throws for a well-typed input
 * and never looks at a clock. `rejected` is not decided here: a signal that failed verification
 * never reaches `settle()`.
 */
export function settle(payment: PaymentState, signal: Signal): SettleResult {
  if (signal.source === 'operator' && signal.override) return overrule(payment, signal, signal.override.ref);
  if (signal.amount && !sameMoney(signal.amount, payment.amount)) {
    return conflict(
      payment,
      `${signal.source} reports ${formatMoney(signal.amount)} but the order is ${formatMoney(payment.amount)}`,
    );
  }

  const otherTransaction =
    signal.gatewayRef !== undefined &&
    payment.gatewayRef !== null &&
    signal.gatewayRef !== payment.gatewayRef &&
    isFinal(payment.status);
  if (otherTransaction) {
    return conflict(
      payment,
      `${signal.source} speaks of transaction ${signal.gatewayRef} but the payment was settled by ${payment.gatewayRef}`,
    );
  }

  switch (move(payment.status, signal.status)) {
    case 'duplicate':
      return { payment, settlement: 'duplicate', effects: [], reason: `already ${payment.status}` };
    case 'stale':
      return {
        payment,
        settlement: 'stale',
        effects: [],
        reason: `${signal.status} arrived after ${payment.status}: an earlier step, kept for the record`,
      };
    case 'conflict':
      return conflict(payment, `${signal.status} contradicts the final status ${payment.status}`);
    case 'apply': {
      const next: PaymentState = {
        ...payment,
        status: signal.status,
        gatewayRef: signal.gatewayRef ?? payment.gatewayRef,
      };
      return {
        payment: next,
        settlement: 'applied',
        effects: effectsOfMove(payment.id, payment.status, signal.status),
        reason: `${payment.status} → ${signal.status}`,
      };
    }
  }
}

function conflict(payment: PaymentState, reason: string): SettleResult {
  return {
    payment: { ...payment, needsReview: true },
    settlement: 'conflict',
    // The shop hears of a conflict once, when the payment becomes flagged; later contradictions
    // (the same forged notice resent, the return repeating a wrong amount) are journaled on the
    // timeline for the person reviewing it, not sent again.
    effects: payment.needsReview
      ? []
      : [{ type: 'payment.conflict', key: `${payment.id}:payment.conflict`, paymentId: payment.id }],
    reason,
  };
}

/** A person's decision after review: applied as stated, with the shop told of every milestone it implies. */
function overrule(payment: PaymentState, signal: Signal, ref: string): SettleResult {
  if (signal.status === payment.status && !payment.needsReview) {
    return { payment, settlement: 'duplicate', effects: [], reason: `already ${payment.status}` };
  }
  const effects = effectsOfMove(payment.id, payment.status, signal.status).map((e) => ({
    ...e,
    key: `${e.key}:operator:${ref}`,
  }));
  return {
    payment: { ...payment, status: signal.status, needsReview: false },
    settlement: 'applied',
    effects,
    reason: `operator decided ${signal.status} (was ${payment.status}${payment.needsReview ? ', flagged' : ''})`,
  };
}
