import type { Kysely } from 'kysely';
import { formatMoney, isFinal } from '../core/index.js';
import type { Backoff } from '../jobs/backoff.js';
import { enqueue } from '../jobs/queue.js';
import { PermanentJobError, type TaskDefinition } from '../jobs/worker.js';
import { findPayment, type PaymentRecord } from '../store/repos/payments.js';
import type { Database } from '../store/schema.js';
import { raiseAlert } from './alerts/raise.js';
import { abandonedAfterMs, type Engine } from './engine.js';
import { formatDuration, reconcilePayment } from './reconcile.js';

export const RECONCILE_TASK = 'reconcile-payment';
export const PAYMENT_STUCK_ALERT = 'payment-stuck';

/** Attempts of one step when the gateway does not answer; after the last, the schedule moves on. */
const STEP_MAX_ATTEMPTS = 8;

/** Retries of one step whose question went unanswered: soon, then less often (the next step is later anyway). */
const STEP_BACKOFF: Backoff = {
  schedule: [15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000],
  jitter: 0.2,
};

export interface ReconcilePayload {
  readonly paymentId: string;
  /**
   * Index in `settings.reconcileSchedule`: this check runs at created_at + schedule[step]; one past
   * the end is the check at the adapter's `abandonedAfterMs` (see `reconcileCheckAt`).
   */
  readonly step: number;
}

/**
 * When check `step` of a payment runs: at its creation + `schedule[step]`; then, once past the
 * schedule, one more check at creation + the adapter's `abandonedAfterMs` if that comes later than
 * the last one (the moment a payment the gateway has no trace of may be called expired, so a short
 * schedule still ends every abandoned payment as `expired`); undefined after that.
 */
export function reconcileCheckAt(
  engine: Engine,
  payment: { readonly accountId: string; readonly createdAt: Date },
  step: number,
): Date | undefined {
  const schedule = engine.settings.reconcileSchedule;
  const created = payment.createdAt.getTime();
  const delay = schedule[step];
  if (delay !== undefined) return new Date(created + delay);
  const adapter = engine.config.accounts.get(payment.accountId)?.adapter;
  const last = schedule.at(-1) ?? 0;
  if (step === schedule.length && adapter?.fetchStatus && abandonedAfterMs(engine, adapter) > last) {
    return new Date(created + abandonedAfterMs(engine, adapter));
  }
  return undefined;
}

/**
 * Schedules check `step` of a payment (see `reconcileCheckAt`), inside the caller's transaction.
 * The unique key makes scheduling the same step twice (a job run twice after a lost lease, a retried
 * checkout) a no-op. False when there is no such step, or it was scheduled already.
 */
export async function scheduleReconcile(
  engine: Engine,
  tx: Kysely<Database>,
  payment: { readonly id: string; readonly accountId: string; readonly createdAt: Date },
  step: number,
): Promise<boolean> {
  const runAt = reconcileCheckAt(engine, payment, step);
  if (runAt === undefined) return false;
  const payload: ReconcilePayload = { paymentId: payment.id, step };
  return enqueue(tx, {
    id: engine.ids('job'),
    task: RECONCILE_TASK,
    payload,
    runAt,
    maxAttempts: STEP_MAX_ATTEMPTS,
    uniqueKey: `reconcile:${payment.id}:${step}`,
    now: engine.clock(),
  });
}

/**
 * The janitor (DESIGN.md, "Reconcile"): each payment gets a chain of checks at the schedule's delays
 * after its creation (1 min, 5 min, 15 min, 1 h, 6 h, 24 h by default). A check:
 *
 * - does nothing when the payment is already final (the usual case: the notification came);
 * - else asks the gateway (`reconcilePayment`); an unanswered question is thrown so the worker retries
 *   the step with STEP_BACKOFF, except on its last attempt, when the chain moves on regardless;
 * - if the payment is still not final, schedules the next check (one more at the adapter's
 *   `abandonedAfterMs` when the schedule ends before it), or, after the last one, raises a
 *   `payment-stuck` alert for a person.
 *
 * A gateway with no status API is not polled again after the first check: its alert already asks a
 * person to look, and asking again cannot help. Refused credentials, on the other hand, keep the
 * chain going: once someone fixes the configuration, the next check succeeds.
 */
export function reconcileTask(engine: Engine): TaskDefinition {
  return {
    backoff: STEP_BACKOFF,
    async run(job, context) {
      const { paymentId, step } = parsePayload(job.payload);
      const payment = await findPayment(engine.store.db, paymentId);
      if (!payment) throw new PermanentJobError(`payment ${paymentId} does not exist`);
      if (isFinal(payment.status)) return;

      const result = await reconcilePayment(engine, paymentId, {
        reason: `scheduled check ${step + 1}`,
        signal: context.signal,
      });
      // Stopped (the worker stops, the lease was lost): the step runs again, it must not move on.
      if (context.signal.aborted) throw new Error('interrupted: the check will run again');
      if (result.outcome === 'failed' && job.attempts < job.maxAttempts) {
        throw new Error(`the gateway did not answer: ${result.reason}`);
      }
      if (isFinal(result.status)) return;
      const account = engine.config.accounts.get(payment.accountId);
      if (result.outcome === 'impossible' && !account?.adapter.fetchStatus) return;

      if (reconcileCheckAt(engine, payment, step + 1) === undefined) {
        await raiseStuck(engine, { ...payment, status: result.status }, step + 1, result.reason);
        return;
      }
      await engine.store.db.transaction().execute((tx) => scheduleReconcile(engine, tx, payment, step + 1));
    },
  };
}

function parsePayload(payload: unknown): ReconcilePayload {
  const p = payload as Partial<ReconcilePayload> | null;
  if (!p || typeof p.paymentId !== 'string' || !Number.isInteger(p.step) || (p.step as number) < 0) {
    throw new PermanentJobError(`not a reconcile payload: ${JSON.stringify(payload)}`);
  }
  return { paymentId: p.paymentId, step: p.step as number };
}

async function raiseStuck(
  engine: Engine,
  payment: PaymentRecord,
  checks: number,
  lastAnswer: string,
): Promise<void> {
  const account = engine.config.accounts.get(payment.accountId);
  const gateway = account?.adapter.displayName ?? 'the gateway';
  const age = engine.clock().getTime() - payment.createdAt.getTime();
  const { created: raised } = await raiseAlert(engine, engine.store.db, {
    kind: PAYMENT_STUCK_ALERT,
    accountId: payment.accountId,
    paymentId: payment.id,
    message:
      `Payment ${payment.id} (order ${payment.orderRef}, ${formatMoney(payment.amount)}) is still ` +
      `${payment.status} ${formatDuration(age)} after its creation, after ${checks} checks at ${gateway}; ` +
      `the last answer: ${lastAnswer.replace(/\.?$/, '.')} quittance will not ask again. A person must check it in the back office ` +
      `of ${gateway} and record what it shows: quittance settle ${payment.id} --status <status> --reason "<what you saw>" --by <name>.`,
  });
  if (raised) {
    engine.logger.warn({ paymentId: payment.id, status: payment.status }, 'payment stuck; alert raised');
  }
}
