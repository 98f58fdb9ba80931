import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Capabilities } from '../store/dialect.js';
import type { Database } from '../store/schema.js';
import { type Backoff, DEFAULT_BACKOFF, retryDelay } from './backoff.js';
import {
  claimJobs,
  completeJob,
  extendLease,
  failJob,
  type JobRecord,
  nextDueAt,
  releaseJob,
} from './queue.js';

/** Thrown by a handler when retrying cannot help (bad configuration, a malformed payload). */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
}

/**
 * Thrown by a handler that knows when trying again makes sense (a `Retry-After` answer): the attempt
 * counts as failed, and the next one runs no earlier than `at` (nor earlier than the task's backoff).
 */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
  readonly at: Date;

  constructor(at: Date, message?: string, options?: ErrorOptions) {
    super(message ?? `retry no earlier than ${at.toISOString()}`, options);
    this.at = at;
  }
}

export interface JobContext {
  /** Aborts when the worker stops or the job's lease is lost: stop work, it will run again. */
  readonly signal: AbortSignal;
  readonly workerId: string;
}

export interface TaskDefinition {
  run(job: JobRecord, context: JobContext): Promise<void>;
  /** Retry delays for this task (default: exponential, 1 s to 1 h, ±20%). */
  readonly backoff?: Backoff;
}

export interface WorkerOptions {
  readonly db: Kysely<Database>;
  readonly capabilities: Capabilities;
  readonly tasks: Readonly<Record<string, TaskDefinition>>;
  readonly clock?: () => Date;
  readonly random?: () => number;
  readonly concurrency?: number;
  /** How long a claimed job is ours; renewed every third of it while the job runs. */
  readonly leaseMs?: number;
  /** Longest sleep when nothing is due: bounds how late a job enqueued by another process starts. */
  readonly pollMs?: number;
  readonly workerId?: string;
  readonly onError?: (error: unknown, job: JobRecord | undefined) => void;
}

export interface Worker {
  readonly id: string;
  /** Look for work now (called after a commit that enqueued something). */
  wake(): void;
  /** Stops claiming, waits for running jobs up to `graceMs`, then aborts and releases the rest. */
  stop(graceMs?: number): Promise<void>;
  /** Resolves when no job is due now and none is running (tests, the demo). */
  drained(): Promise<void>;
}

/**
 * Runs queued jobs. The lifecycle, as graphile-worker's localQueue documents its modes:
 *
 * - CLAIMING: take up to `concurrency - running` due jobs in one statement (see `claimJobs`).
 * - RUNNING: each job runs with an AbortSignal; a timer renews its lease every leaseMs/3. If renewal
 *   finds the lease gone (we were paused longer than the lease, another worker took the job), the
 *   signal aborts and our result is discarded: the other attempt owns the job now.
 * - SLEEPING: when nothing is due, sleep until the next job's run_at, at most `pollMs`, or until
 *   `wake()`. Other processes' jobs are found by that poll; our own by wake().
 * - STOPPING: no new claims; running jobs get `graceMs`, then are aborted and their leases released
 *   so another worker can start them at once instead of waiting for the lease to lapse.
 *
 * A killed process needs none of this: its leases lapse and the jobs are claimed again, which is
 * why every handler must be safe to run twice (at-least-once delivery).
 */
export function startWorker(options: WorkerOptions): Worker {
  const clock = options.clock ?? (() => new Date());
  const random = options.random ?? Math.random;
  const concurrency = options.concurrency ?? 4;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 1_000;
  const workerId = options.workerId ?? `w_${randomBytes(6).toString('hex')}`;
  const taskNames = Object.keys(options.tasks);
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  const drainWaiters: Array<() => void> = [];
  let stopping = false;
  let wakeUp: (() => void) | undefined;
  let woken = false;

  const report = (error: unknown, job?: JobRecord) => options.onError?.(error, job);

  async function runOne(job: JobRecord, controller: AbortController): Promise<void> {
    const task = options.tasks[job.task];
    let leaseLost = false;
    const renew = setInterval(
      async () => {
        try {
          const now = clock();
          const kept = await extendLease(options.db, job, {
            workerId,
            until: new Date(now.getTime() + leaseMs),
            now,
          });
          if (!kept) {
            leaseLost = true;
            controller.abort(new Error('lease lost'));
          }
        } catch (error) {
          report(error, job);
        }
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    );
    try {
      if (!task) throw new PermanentJobError(`no handler for task "${job.task}"`);
      await task.run(job, { signal: controller.signal, workerId });
      // A lost lease means another attempt owns the job; completeJob checks the lease holder anyway.
      if (!leaseLost) await completeJob(options.db, job, workerId, clock());
    } catch (error) {
      if (leaseLost) return;
      if (controller.signal.aborted && stopping) {
        await releaseJob(options.db, job, workerId, clock()).catch((e) => report(e, job));
      } else {
        const now = clock();
        const delay = retryDelay(task?.backoff ?? DEFAULT_BACKOFF, job.attempts, random());
        const retryAt = Math.max(
          now.getTime() + delay,
          error instanceof RetryLaterError ? error.at.getTime() : 0,
        );
        await failJob(options.db, job, {
          workerId,
          now,
          error: describe(error),
          retryAt: new Date(retryAt),
          permanent: error instanceof PermanentJobError,
        }).catch((e) => report(e, job));
      }
    } finally {
      clearInterval(renew);
    }
  }

  function start(job: JobRecord): void {
    const controller = new AbortController();
    const done = runOne(job, controller)
      .catch((error) => report(error, job))
      .finally(() => {
        running.delete(job.id);
        loopWake();
      });
    running.set(job.id, { controller, done });
  }

  function loopWake(): void {
    woken = true;
    wakeUp?.();
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      woken = false;
      let claimed: JobRecord[] = [];
      const free = concurrency - running.size;
      if (free > 0) {
        try {
          claimed = await claimJobs(options.db, options.capabilities, {
            workerId,
            now: clock(),
            leaseMs,
            limit: free,
            tasks: taskNames,
          });
        } catch (error) {
          report(error, undefined);
        }
      }
      for (const job of claimed) start(job);
      if (claimed.length > 0 && claimed.length === free) continue;
      if (claimed.length === 0 && running.size === 0) {
        for (const resolve of drainWaiters.splice(0)) resolve();
      }
      if (woken || stopping) continue;
      let sleepMs = pollMs;
      try {
        const due = await nextDueAt(options.db);
        if (due) sleepMs = Math.min(pollMs, Math.max(0, due.getTime() - clock().getTime()));
      } catch (error) {
        report(error, undefined);
      }
      if (woken || stopping) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, sleepMs));
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = undefined;
    }
  }

  const looping = loop();

  return {
    id: workerId,
    wake: loopWake,
    async stop(graceMs = 10_000) {
      stopping = true;
      loopWake();
      await looping;
      const all = Promise.all([...running.values()].map((r) => r.done));
      const timeout = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), graceMs).unref(),
      );
      if ((await Promise.race([all, timeout])) === 'timeout') {
        for (const r of running.values()) r.controller.abort(new Error('worker stopping'));
        await all;
      }
    },
    drained() {
      return new Promise<void>((resolve) => {
        drainWaiters.push(resolve);
        loopWake();
      });
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
