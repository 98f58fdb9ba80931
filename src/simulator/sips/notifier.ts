import { setMaxListeners } from 'node:events';
import { postOnce } from '../lyra/attempt.js';
import { RETRY_DELAYS_MS, type SimClock } from './clock.js';
import type { Attempt } from './types.js';

/** The live record of one automatic response; `transactions()` hands out copies. */
export interface ResponseRecord {
  readonly n: number;
  readonly responseCode: string;
  readonly forged: boolean;
  delivered: boolean;
  gaveUp: boolean;
  readonly attempts: Attempt[];
}

export interface ResponseJob {
  readonly record: ResponseRecord;
  readonly url: string;
  /** Ms since start before which the first attempt does not start. */
  readonly firstAt: number;
  /** The first attempt also waits for this (a forgery goes out after the genuine response's first try). */
  readonly after?: Promise<void>;
  /** The urlencoded form: the same on every attempt, as nothing in a Sips response says which try it is. */
  readonly body: string;
  /** x-simulator-fault tags of every attempt. */
  readonly faultTags: readonly string[];
  /** Whether attempt `index` (0 = first) is lost in transit. */
  dropped(index: number): boolean;
  /** Send a delivered response once more, right away. */
  readonly duplicate: boolean;
  /** False for forgeries: nobody retries those. */
  readonly retry: boolean;
}

export interface NotifierOptions {
  readonly clock: SimClock;
  readonly retries: boolean;
}

export interface Notifier {
  /** Schedules a job; resolves once its first attempt (and duplicate) is over, or never will be (closed). */
  deliver(job: ResponseJob): Promise<void>;
  /** Resolves when no job is scheduled or in flight. */
  idle(): Promise<void>;
  /** Stops every job; nothing is recorded after this. */
  close(): void;
}

/** [UNCONFIRMED] (see clock.ts): only a 2xx answer counts; a redirect is not followed and counts as a failure. */
export function isSipsSuccess(status: number): boolean {
  return status >= 200 && status <= 299;
}

/**
 * Delivers automatic responses with the simulator's chosen policy (clock.ts): one attempt when due, then on failure
 * a retry after each of RETRY_DELAYS_MS (scaled), then give up. Every job is its own async loop, so a job waiting
 * for a retry never holds back another transaction's response; `idle()` loops because a job may be added while it
 * waits. Same shape as the Lyra simulator's notifier (src/simulator/lyra/notifier.ts), with Sips' policy.
 */
export function createNotifier({ clock, retries }: NotifierOptions): Notifier {
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const running = new Set<Promise<void>>();

  async function run(job: ResponseJob, firstDone: () => void): Promise<void> {
    try {
      await job.after;
      if (!(await clock.sleepUntil(job.firstAt, stop.signal))) return;
      for (let index = 0; ; index++) {
        const at = clock.now();
        const headers = responseHeaders(job.record.n, index, job.faultTags);
        const result = job.dropped(index)
          ? { error: 'dropped in transit (fault)', latencyMs: 0, bodyStart: '' }
          : await postOnce(job.url, job.body, headers, clock.timeoutMs, stop.signal);
        if (stop.signal.aborted) return;
        job.record.attempts.push({ at, ...result });
        if (result.status !== undefined && isSipsSuccess(result.status)) {
          job.record.delivered = true;
          if (job.duplicate) await sendCopy(job, index);
          return;
        }
        if (index === 0) firstDone();
        const wait = RETRY_DELAYS_MS[index];
        if (!job.retry || !retries || wait === undefined) {
          job.record.gaveUp = true;
          return;
        }
        if (!(await clock.sleepUntil(clock.now() + clock.scaled(wait), stop.signal))) return;
      }
    } finally {
      firstDone();
    }
  }

  async function sendCopy(job: ResponseJob, index: number) {
    const at = clock.now();
    const headers = responseHeaders(job.record.n, index, [...job.faultTags, 'duplicate']);
    const result = await postOnce(job.url, job.body, headers, clock.timeoutMs, stop.signal);
    if (!stop.signal.aborted) job.record.attempts.push({ at, ...result, duplicate: true });
  }

  return {
    deliver(job) {
      let firstDone!: () => void;
      const first = new Promise<void>((resolve) => {
        firstDone = resolve;
      });
      const task = run(job, firstDone).finally(() => running.delete(task));
      running.add(task);
      return first;
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    close() {
      stop.abort();
    },
  };
}

/** Simulator bookkeeping headers; a real Sips sends none of these. */
function responseHeaders(n: number, index: number, faultTags: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': 'sips-simulator',
    'x-simulator-response': String(n),
    'x-simulator-attempt': String(index + 1),
  };
  if (faultTags.length > 0) headers['x-simulator-fault'] = faultTags.join(',');
  return headers;
}
