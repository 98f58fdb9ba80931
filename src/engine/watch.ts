import type { Kysely } from 'kysely';
import { isFinal } from '../core/index.js';
import type { StatusAnswer, StatusQuery } from '../gateways/gateway.js';
import type { Backoff } from '../jobs/backoff.js';
import { enqueue } from '../jobs/queue.js';
import { PermanentJobError, type TaskDefinition } from '../jobs/worker.js';
import { findPayment, type PaymentRecord } from '../store/repos/payments.js';
import type { Database } from '../store/schema.js';
import { type AppliedSignal, applySignal } from './apply-signal.js';
import { abandonedAfterMs, type Engine } from './engine.js';
import { announce } from './ingest.js';

export const WATCH_TASK = 'watch-payment';

/** One long-poll: what the gateway is asked to hold the answer for (Taler's `timeout_ms`). */
const LONG_POLL_MS = 25_000;
/** Beyond the long-poll, how long the answer may take to arrive before the call counts as failed. */
const LONG_POLL_GRACE_MS = 10_000;
/**
 * How long a payment is watched after its creation: the customer is at the checkout in the first
 * minutes; after this (or the adapter's abandonment horizon, when sooner) reconciliation's schedule
 * takes over, so an abandoned payment does not hold a connection for a day.
 */
const WATCH_WINDOW_MS = 30 * 60_000;

const WATCH_BACKOFF: Backoff = { schedule: [1_000, 5_000, 15_000, 30_000, 60_000], jitter: 0.2 };
const WATCH_MAX_ATTEMPTS = 10;

export interface WatchPayload {
  readonly paymentId: string;
}

/**
 * Starts watching a payment whose gateway tells by long-poll (adapters with `watchStatus`), inside
 * the caller's transaction. One job per payment (its unique key), however often this is called.
 */
export async function scheduleWatch(
  engine: Engine,
  tx: Kysely<Database>,
  payment: { readonly id: string; readonly accountId: string },
): Promise<boolean> {
  const adapter = engine.config.accounts.get(payment.accountId)?.adapter;
  if (!adapter?.watchStatus) return false;
  const now = engine.clock();
  const payload: WatchPayload = { paymentId: payment.id };
  return enqueue(tx, {
    id: engine.ids('job'),
    task: WATCH_TASK,
    payload,
    runAt: now,
    maxAttempts: WATCH_MAX_ATTEMPTS,
    uniqueKey: `watch:${payment.id}`,
    now,
  });
}

/**
 * The gateway's way of telling, for gateways that have no notification of their own but hold a
 * status request open until something changes (GNU Taler: `GET /private/orders/$ID?timeout_ms=`).
 *
 * One job per payment loops: long-poll, fold what changed into the payment (the same `applySignal`
 * as every other observation, as `poll` signals, one transaction per answer), until the payment is
 * final or its watch window closes; then reconciliation's schedule is the safety net, as for every
 * gateway. A failed call throws, so the worker retries the job with WATCH_BACKOFF.
 *
 * Concurrency: a long-poll holds its job for up to LONG_POLL_MS, so watch jobs run in a lane of their
 * own (runtime.ts: a second worker claiming only this task, with its own, larger concurrency): open
 * payments never starve webhook deliveries or reconciliation, and the lane's size bounds how many
 * connections quittance holds open at the gateway. The worker renews the lease while a call is held;
 * a process killed mid-call leaves the lease to lapse and another worker resumes the watch. Running
 * twice is harmless: the second application of the same state is a `duplicate`.
 */
export function watchTask(engine: Engine): TaskDefinition {
  return {
    backoff: WATCH_BACKOFF,
    async run(job, context) {
      const { paymentId } = parsePayload(job.payload);
      for (;;) {
        if (context.signal.aborted) return;
        const payment = await findPayment(engine.store.db, paymentId);
        if (!payment) throw new PermanentJobError(`payment ${paymentId} does not exist`);
        const account = engine.config.accounts.get(payment.accountId);
        const watchStatus = account?.adapter.watchStatus;
        if (!account || !watchStatus || isFinal(payment.status) || payment.needsReview) return;
        const end =
          payment.createdAt.getTime() + Math.min(WATCH_WINDOW_MS, abandonedAfterMs(engine, account.adapter));
        const left = end - engine.clock().getTime();
        if (left <= 0) return;

        const timeoutMs = Math.min(LONG_POLL_MS, left);
        const asked = Date.now();
        const signal = AbortSignal.any([context.signal, AbortSignal.timeout(timeoutMs + LONG_POLL_GRACE_MS)]);
        let answer: StatusAnswer;
        try {
          answer = await watchStatus.call(
            account.adapter,
            account,
            { ...queryOf(payment), knownStatus: payment.status },
            { fetch: engine.fetch, signal, now: engine.clock(), timeoutMs },
          );
        } catch (error) {
          if (context.signal.aborted) return;
          throw new Error(
            `watching ${paymentId} at ${account.adapter.displayName} failed: ${(error as Error).message}`,
          );
        }
        if (answer.kind === 'failed') {
          if (!answer.retryable) throw new PermanentJobError(answer.reason);
          throw new Error(`watching ${paymentId} at ${account.adapter.displayName} failed: ${answer.reason}`);
        }
        // The gateway has no such order (yet): nothing to wait for here; reconciliation decides on expiry.
        if (answer.kind === 'not-found') return;
        if (answer.signals.length === 0) {
          // A gateway that answers "nothing new" at once instead of holding the request must not make us spin.
          if (Date.now() - asked < 1_000) await sleep(1_000, context.signal);
          continue;
        }
        const applied = await engine.store.db.transaction().execute(async (tx) => {
          const results: AppliedSignal[] = [];
          for (const s of answer.signals) {
            results.push(await applySignal(engine, tx, { accountId: account.id, signal: s, inboxId: null }));
          }
          return results;
        });
        announce(engine, applied);
        // An answer that changed nothing (the same state again) must not spin: wait for the next change.
        if (applied.every((a) => a.settlement !== 'applied')) {
          await sleep(Math.min(1_000, left), context.signal);
        }
      }
    },
  };
}

function queryOf(payment: PaymentRecord): StatusQuery {
  return {
    paymentId: payment.id,
    orderRef: payment.orderRef,
    merchantRef: payment.merchantRef,
    gatewayRef: payment.gatewayRef,
    amount: payment.amount,
    createdAt: payment.createdAt,
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

function parsePayload(payload: unknown): WatchPayload {
  const p = payload as Partial<WatchPayload> | null;
  if (!p || typeof p.paymentId !== 'string') {
    throw new PermanentJobError(`not a watch payload: ${JSON.stringify(payload)}`);
  }
  return { paymentId: p.paymentId };
}
