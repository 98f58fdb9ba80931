import type { Kysely } from 'kysely';
import { type Effect, type PaymentState, settle } from '../core/index.js';
import type { GatewaySignal } from '../gateways/gateway.js';
import { enqueue } from '../jobs/queue.js';
import {
  findPaymentByLookup,
  type PaymentRecord,
  updatePaymentIfUnchanged,
} from '../store/repos/payments.js';
import { insertSignal, type JournaledSettlement } from '../store/repos/signals.js';
import type { Database } from '../store/schema.js';
import type { Engine } from './engine.js';

export interface AppliedSignal {
  readonly signalId: string;
  readonly settlement: JournaledSettlement;
  readonly reason: string;
  readonly payment: PaymentState | null;
}

/** The task name under which effects wait for the worker (shop webhooks, handlers). */
export const EFFECT_TASK = 'deliver-event';

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
      return { signalId, settlement: 'unmatched', reason, payment: null };
    }
    if (input.expectedPaymentId && payment.id !== input.expectedPaymentId) {
      const reason = `the signed data is about payment ${payment.id}, not ${input.expectedPaymentId}`;
      await journal(null, 'rejected', reason);
      return { signalId, settlement: 'rejected', reason, payment: null };
    }
    const result = settle(payment, signal);
    const changed =
      result.payment.status !== payment.status ||
      result.payment.needsReview !== payment.needsReview ||
      result.payment.gatewayRef !== payment.gatewayRef;
    if (changed && !(await updatePaymentIfUnchanged(tx, payment, result.payment, now))) continue;
    await journal(payment, result.settlement, result.reason);
    for (const effect of result.effects) await enqueueEffect(engine, tx, effect, signalId, now);
    return { signalId, settlement: result.settlement, reason: result.reason, payment: result.payment };
  }
  throw new Error(`payment changed ${MAX_VERSION_RETRIES} times while settling one signal`);
}

async function enqueueEffect(
  engine: Engine,
  tx: Kysely<Database>,
  effect: Effect,
  signalId: string,
  now: Date,
) {
  await enqueue(tx, {
    id: engine.ids('job'),
    task: EFFECT_TASK,
    payload: { type: effect.type, paymentId: effect.paymentId, signalId, eventId: engine.ids('event') },
    runAt: now,
    uniqueKey: `effect:${effect.key}`,
    now,
  });
}

function describeLookup(lookup: GatewaySignal['lookup']): string {
  const parts = Object.entries(lookup)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${v}`);
  return parts.length ? parts.join(', ') : 'nothing (the message names no payment)';
}
