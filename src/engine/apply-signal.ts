import type { Kysely } from 'kysely';
import { type Effect, isPaid, type PaymentState, settle } from '../core/index.js';
import type { GatewaySignal } from '../gateways/gateway.js';
import { enqueue } from '../jobs/queue.js';
import { insertEvent } from '../store/repos/events.js';
import {
  findPaymentByLookup,
  type PaymentRecord,
  updatePaymentIfUnchanged,
} from '../store/repos/payments.js';
import { insertSignal, type JournaledSettlement } from '../store/repos/signals.js';
import type { Database } from '../store/schema.js';
import { scheduleOverdueCheck } from './alerts/overdue.js';
import type { Engine } from './engine.js';

export interface AppliedSignal {
  readonly signalId: string;
  readonly settlement: JournaledSettlement;
  readonly reason: string;
  readonly payment: PaymentState | null;
  /** The path the signal came by and the account it was settled for (metrics, after the commit). */
  readonly source: GatewaySignal['source'];
  readonly accountId: string;
}

/** The shop's webhook delivery of an event. */
export const EFFECT_TASK = 'deliver-webhook';
/** In-process handlers registered in library mode (`onPaid`, `onFailed`, …). */
export const HANDLER_TASK = 'run-handlers';

const MAX_VERSION_RETRIES = 5;

/**
 * Journals one verified signal and folds it into its payment, inside the caller's transaction.
 *
 * Concurrency: the payment row is read, settled in memory by the pure `settle()`, then written
 * back only if its version has not moved. On SQLite the transaction holds the only write lock so the
 * check always passes; on a database with concurrent writers a racing writer makes the update touch
 * no row, and we read again and settle against the newer state, so two instances receiving the same
 * notification at once produce one `applied` and one `duplicate`. The unique index on
 * (payment, status) for applied signals and the unique key on effect jobs are the last guard.
 */
export async function applySignal(
  engine: Engine,
  tx: Kysely<Database>,
  input: {
    readonly accountId: string;
    readonly signal: GatewaySignal;
    readonly inboxId: string | null;
    /** When set, the signal must be about this payment (the return URL names it). */
    readonly expectedPaymentId?: string;
  },
): Promise<AppliedSignal> {
  const { signal } = input;
  const now = engine.clock();
  const signalId = engine.ids('signal');
  const origin = { source: signal.source, accountId: input.accountId };
  const journal = (payment: PaymentRecord | null, settlement: JournaledSettlement, reason: string) =>
    insertSignal(tx, {
      id: signalId,
      paymentId: payment?.id ?? null,
      inboxId: input.inboxId,
      source: signal.source,
      status: signal.status,
      gatewayStatus: signal.gatewayStatus ?? null,
      amount: signal.amount ?? null,
      gatewayRef: signal.gatewayRef ?? null,
      settlement,
      reason,
      facts: signal.facts ? { ...signal.facts } : null,
      now,
    });

  for (let attempt = 0; attempt < MAX_VERSION_RETRIES; attempt++) {
    const payment = await findPaymentByLookup(tx, input.accountId, signal.lookup);
    if (!payment) {
      const reason = `no payment of account ${input.accountId} matches ${describeLookup(signal.lookup)}`;
      await journal(null, 'unmatched', reason);
      return { signalId, settlement: 'unmatched', reason, payment: null, ...origin };
    }
    if (input.expectedPaymentId && payment.id !== input.expectedPaymentId) {
      const reason = `the signed data is about payment ${payment.id}, not ${input.expectedPaymentId}`;
      await journal(null, 'rejected', reason);
      return { signalId, settlement: 'rejected', reason, payment: null, ...origin };
    }
    // A gateway reference fixed at the start (Triveneto's PaymentID) is never replaced: a message naming another is
    // about another transaction, or forged with a copied security code. Journaled on the payment for the person who
    // looks at it; the caller refuses the request (PAYMENT_MISMATCH).
    if (
      signal.lookup.gatewayRefFixed &&
      payment.gatewayRef !== null &&
      signal.gatewayRef !== payment.gatewayRef
    ) {
      const reason =
        signal.gatewayRef === undefined
          ? `the message names no gateway transaction, but payment ${payment.id} was started at the gateway as ${payment.gatewayRef}`
          : `the message speaks of gateway transaction ${signal.gatewayRef}, but payment ${payment.id} was started at the gateway as ${payment.gatewayRef}`;
      await journal(payment, 'rejected', reason);
      return { signalId, settlement: 'rejected', reason, payment: null, ...origin };
    }
    const result = settle(payment, signal);
    const changed =
      result.payment.status !== payment.status ||
      result.payment.needsReview !== payment.needsReview ||
      result.payment.gatewayRef !== payment.gatewayRef;
    if (changed && !(await updatePaymentIfUnchanged(tx, payment, result.payment, now))) continue;
    await journal(
      payment,
      result.settlement,
      signal.note ? `${result.reason} (${signal.note})` : result.reason,
    );
    // Paid by a return, a poll or an operator: will the gateway's notification come? (alerts/overdue.ts)
    if (
      result.settlement === 'applied' &&
      signal.source !== 'notification' &&
      !isPaid(payment.status) &&
      isPaid(result.payment.status)
    ) {
      await scheduleOverdueCheck(engine, tx, payment);
    }
    for (const effect of result.effects) {
      await recordEffect(engine, tx, {
        effect,
        payment,
        after: result.payment,
        reason: result.reason,
        signalId,
        now,
      });
    }
    return {
      signalId,
      settlement: result.settlement,
      reason: result.reason,
      payment: result.payment,
      ...origin,
    };
  }
  throw new Error(`payment changed ${MAX_VERSION_RETRIES} times while settling one signal`);
}

/**
 * Records the event the shop will be told of, and the jobs that tell it, in the caller's
 * transaction. The event row is keyed by the effect key, so racing writers that both observed the
 * same change create one event, one webhook delivery job and one handler job.
 */
async function recordEffect(
  engine: Engine,
  tx: Kysely<Database>,
  input: {
    effect: Effect;
    payment: PaymentRecord;
    after: PaymentState;
    reason: string;
    signalId: string;
    now: Date;
  },
) {
  const { effect, payment, after, now } = input;
  const eventId = engine.ids('event');
  const created = await insertEvent(tx, {
    id: eventId,
    accountId: payment.accountId,
    paymentId: payment.id,
    type: effect.type,
    signalId: input.signalId,
    effectKey: effect.key,
    payload: {
      type: effect.type,
      paymentId: payment.id,
      account: payment.accountId,
      orderRef: payment.orderRef,
      status: after.status,
      amount: { value: payment.amount.value, currency: payment.amount.currency },
      gatewayRef: after.gatewayRef,
      needsReview: after.needsReview,
      reason: input.reason,
    },
    now,
  });
  if (!created) return;
  const account = engine.config.accounts.get(payment.accountId);
  const tasks = [
    ...(account?.shop.webhookUrl ? [EFFECT_TASK] : []),
    ...(engine.handlers.has(effect.type) ? [HANDLER_TASK] : []),
  ];
  for (const task of tasks) {
    await enqueue(tx, {
      id: engine.ids('job'),
      task,
      payload: { eventId, type: effect.type, paymentId: payment.id },
      runAt: now,
      ...(task === EFFECT_TASK ? { maxAttempts: engine.settings.deliveryMaxAttempts } : {}),
      uniqueKey: `${task}:${eventId}`,
      now,
    });
  }
}

function describeLookup(lookup: GatewaySignal['lookup']): string {
  const parts = Object.entries(lookup)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${v}`);
  return parts.length ? parts.join(', ') : 'nothing (the message names no payment)';
}
