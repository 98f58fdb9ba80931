import { setMaxListeners } from 'node:events';
import { isLyraSuccess, postOnce } from './attempt.js';
import type { SimClock } from './clock.js';
import type { Attempt, SimTransStatus } from './types.js';

/** The live record of one IPN; `transactions()` hands out copies. */
export interface IpnRecord {
  readonly n: number;
  readonly status: SimTransStatus;
  readonly forged: boolean;
  delivered: boolean;
  gaveUp: boolean;
  readonly attempts: Attempt[];
}

export interface IpnJob {
  readonly record: IpnRecord;
  readonly url: string;
  /** Ms since start before which the first attempt does not start. */
  readonly firstAt: number;
  /** The first attempt also waits for this: how one payment orders its IPNs. */
  readonly after?: Promise<void>;
  /** Body and x-simulator-fault tags of attempt `index` (0 = first). */
  payload(index: number): { body: string; faultTags: readonly string[] };
  /** Whether attempt `index` is lost in transit. */
  dropped(index: number): boolean;
  /** Send a delivered IPN once more, right away. */
  readonly duplicate: boolean;
  /** False for forgeries: nobody retries those. */
  readonly retry: boolean;
}

export interface NotifierOptions {
  readonly clock: SimClock;
  readonly retries: boolean;
  readonly maxRetries: number;
}

export interface Notifier {
  /**
   * Schedules a job. The promise resolves once its first attempt (with its duplicate, if any) is
   * over, or once it is clear that it never will be (closed).
   */
  deliver(job: IpnJob): Promise<void>;
  /** Resolves when no job is scheduled or in flight. */
  idle(): Promise<void>;
  /** Stops every job; nothing is recorded after this. */
  close(): void;
}

/**
 * Delivers IPNs with Lyra's policy: one attempt when due, and on failure (status outside the
 * success list, network error, timeout, loss) a retry at each following 15-minute slot boundary,
 * at most `maxRetries` times, then give up.
 *
 * Concurrency: every job is its own async loop, so a job waiting for its next slot never holds back
 * another transaction's IPN, and two IPNs of one payment may be in flight at once, as on the real
 * platform. The only ordering is the explicit `after` promise, which is why `deliver` reports the end
 * of the first attempt rather than of the whole job: "CAPTURED before AUTHORISED" means the
 * first tries are ordered, while the retries of each keep their own slots. `idle()` loops because a
 * job may be added while it waits (a /pay request arriving meanwhile); it resolves only when one
 * pass finds the set empty. Timers are not unref'd: the simulator keeps the process alive until
 * close(), as a real platform would keep knocking.
 */
export function createNotifier({ clock, retries, maxRetries }: NotifierOptions): Notifier {
  const stop = new AbortController();
  // One stop signal is shared by every pending delivery and sleep, hundreds at once in the demo.
  setMaxListeners(0, stop.signal);
  const running = new Set<Promise<void>>();

  async function run(job: IpnJob, firstDone: () => void): Promise<void> {
    try {
      await job.after;
      if (!(await clock.sleepUntil(job.firstAt, stop.signal))) return;
      for (let index = 0; ; index++) {
        const at = clock.now();
        const { body, faultTags } = job.payload(index);
        const headers = ipnHeaders(job.record.n, index, faultTags);
        const result = job.dropped(index)
          ? { error: 'dropped in transit (fault)', latencyMs: 0, bodyStart: '' }
          : await postOnce(job.url, body, headers, clock.timeoutMs, stop.signal);
        if (stop.signal.aborted) return;
        job.record.attempts.push({ at, ...result });
        if (result.status !== undefined && isLyraSuccess(result.status)) {
          job.record.delivered = true;
          if (job.duplicate) await sendCopy(job, index, body, faultTags);
          return;
        }
        if (index === 0) firstDone();
        if (!job.retry || !retries || index >= maxRetries) {
          job.record.gaveUp = true;
          return;
        }
        if (!(await clock.sleepUntil(clock.nextSlotAfter(clock.now()), stop.signal))) return;
      }
    } finally {
      firstDone();
    }
  }

  async function sendCopy(job: IpnJob, index: number, body: string, faultTags: readonly string[]) {
    const at = clock.now();
    const headers = ipnHeaders(job.record.n, index, [...faultTags, 'duplicate']);
    const result = await postOnce(job.url, body, headers, clock.timeoutMs, stop.signal);
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

function ipnHeaders(n: number, index: number, faultTags: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': 'lyra-simulator',
    'x-simulator-ipn': String(n),
    'x-simulator-attempt': String(index + 1),
  };
  if (faultTags.length > 0) headers['x-simulator-fault'] = faultTags.join(', ');
  return headers;
}
