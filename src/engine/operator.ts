import { isPaymentStatus, type PaymentStatus, QuittanceError } from '../core/index.js';
import { findPayment } from '../store/repos/payments.js';
import { type AppliedSignal, applySignal } from './apply-signal.js';
import type { Engine } from './engine.js';
import { announce } from './ingest.js';

export interface OperatorDecision {
  readonly paymentId: string;
  readonly status: string;
  /** Why, for the timeline: "bank confirmed by phone", "customer paid twice, refunded by hand". */
  readonly reason: string;
  /** Who decided. */
  readonly by: string;
  /**
   * true: the person overrules (resolves a conflict or corrects a final status). false: the signal
   * goes through the state machine like any observation, and a contradiction is flagged.
   */
  readonly resolve: boolean;
}

/** Records a person's action as an `operator` signal through the one state machine. */
export async function settleByOperator(engine: Engine, decision: OperatorDecision): Promise<AppliedSignal> {
  const status = decision.status;
  if (!isPaymentStatus(status)) {
    throw new QuittanceError('VALIDATION_FAILED', `unknown status "${status}"`, { field: 'status' });
  }
  if (decision.reason.trim().length === 0 || decision.by.trim().length === 0) {
    throw new QuittanceError('VALIDATION_FAILED', 'an operator action needs a reason and a name', {
      field: decision.reason.trim() ? 'by' : 'reason',
    });
  }
  const payment = await findPayment(engine.store.db, decision.paymentId);
  if (!payment) throw new QuittanceError('UNKNOWN_PAYMENT', `no payment ${decision.paymentId}`);
  const ref = engine.ids('signal');
  const applied = await engine.store.db.transaction().execute((tx) =>
    applySignal(engine, tx, {
      accountId: payment.accountId,
      inboxId: null,
      signal: {
        source: 'operator',
        status: status as PaymentStatus,
        note: `${decision.by}: ${decision.reason}`,
        lookup: { paymentId: payment.id },
        facts: { by: decision.by, reason: decision.reason, resolve: String(decision.resolve) },
        ...(decision.resolve ? { override: { ref } } : {}),
      },
    }),
  );
  announce(engine, [applied]);
  return applied;
}
