import { setMaxListeners } from 'node:events';
import { type Attempt, is2xx, postOnce } from './attempt.js';
import type { SimClock } from './clock.js';

/** The live record of one notification; the simulators hand out copies. */
export interface DeliveryRecord {
  readonly n: number;
  delivered: boolean;
  gaveUp: boolean;
  readonly attempts: Attempt[];
}

/** A notification naming one resource (PayPlug's payment object, Mollie's `id=tr_…`), genuine or forged. */
export interface ResourceNotification extends DeliveryRecord {
  /** The id the body names (a forgery may name one the merchant's key cannot see). */
  readonly resource: string;
  readonly forged: boolean;
}

/** A fresh record, numbered after those already in `list`, appended to it. */
export function appendNotification(
  list: ResourceNotification[],
  resource: string,
  forged: boolean,
): ResourceNotification {
  const record = { n: list.length + 1, resource, forged, delivered: false, gaveUp: false, attempts: [] };
  list.push(record);
  return record;
}

export interface DeliveryJob {
  readonly record: DeliveryRecord;
  readonly url: string;
  /** Ms since start before which the first attempt does not start. */
  readonly firstAt: number;
  /** The first attempt also waits for this: how one payment orders its notifications. */
  readonly after?: Promise<void>;
  /** Body and x-simulator-fault tags of attempt `index` (0 = first). */
  payload(index: number): { body: string; faultTags: readonly string[] };
  /** Whether attempt `index` is lost in transit. */
  dropped(index: number): boolean;
  /** Send a delivered notification once more, right away. */
  readonly duplicate: boolean;
  /** False for forgeries: nobody retries those. */
  readonly retry: boolean;
}

/** What differs from one gateway to the next; the loop itself is common. */
export interface DeliveryPolicy {
  readonly clock: Pick<SimClock, 'now' | 'timeoutMs' | 'sleepUntil'>;
  /** Retries enabled at all (a gateway's account setting). */
  readonly retries: boolean;
  /** Whether an answer with this HTTP status counts as delivered. */
  isSuccess(status: number): boolean;
  /** When the retry after failed attempt `index` (0 = first) goes out, in clock time; undefined: give up. */
  retryAt(index: number, now: number): number | undefined;
  /** The request headers of attempt `index` of notification `n` (the simulator's bookkeeping headers). */
  headers(n: number, index: number, faultTags: readonly string[]): Record<string, string>;
}

export interface Notifier<J extends DeliveryJob = DeliveryJob> {
  /**
   * Schedules a job. The promise resolves once its first attempt (with its duplicate, if any) is
   * over, or once it is clear that it never will be (closed).
   */
  deliver(job: J): Promise<void>;
  /** Resolves when no job is scheduled or in flight. */
  idle(): Promise<void>;
  /** Stops every job; nothing is recorded after this. */
  close(): void;
}

/**
 * Delivers notifications with a gateway's policy: one attempt when due, and on failure (status the policy does not
 * count as success, network error, timeout, loss) a retry when `retryAt` says, until it says give up.
 *
 * Concurrency: every job is its own async loop, so a job waiting for its next try never holds back
 * another transaction's notification, and two notifications of one payment may be in flight at once, as on a real
 * platform. The only ordering is the explicit `after` promise, which is why `deliver` reports the end
 * of the first attempt rather than of the whole job: "CAPTURED before AUTHORISED" means the
 * first tries are ordered, while the retries of each keep their own schedule. `idle()` loops because a
 * job may be added while it waits (a /pay request arriving meanwhile); it resolves only when one
 * pass finds the set empty. Timers are not unref'd: the simulator keeps the process alive until
 * close(), as a real platform would keep knocking.
 */
export function createNotifier<J extends DeliveryJob>(policy: DeliveryPolicy): Notifier<J> {
  const { clock, retries } = policy;
  const stop = new AbortController();
  // One stop signal is shared by every pending delivery and sleep, hundreds at once in the demo.
  setMaxListeners(0, stop.signal);
  const running = new Set<Promise<void>>();

  async function run(job: J, firstDone: () => void): Promise<void> {
    try {
      await job.after;
      if (!(await clock.sleepUntil(job.firstAt, stop.signal))) return;
      for (let index = 0; ; index++) {
        const at = clock.now();
        const { body, faultTags } = job.payload(index);
        const headers = policy.headers(job.record.n, index, faultTags);
        const result = job.dropped(index)
          ? { error: 'dropped in transit (fault)', latencyMs: 0, bodyStart: '' }
          : await postOnce(job.url, body, headers, clock.timeoutMs, stop.signal);
        if (stop.signal.aborted) return;
        job.record.attempts.push({ at, ...result });
        if (result.status !== undefined && policy.isSuccess(result.status)) {
          job.record.delivered = true;
          if (job.duplicate) await sendCopy(job, index, body, faultTags);
          return;
        }
        if (index === 0) firstDone();
        const next = job.retry && retries ? policy.retryAt(index, clock.now()) : undefined;
        if (next === undefined) {
          job.record.gaveUp = true;
          return;
        }
        if (!(await clock.sleepUntil(next, stop.signal))) return;
      }
    } finally {
      firstDone();
    }
  }

  async function sendCopy(job: J, index: number, body: string, faultTags: readonly string[]) {
    const at = clock.now();
    const headers = policy.headers(job.record.n, index, [...faultTags, 'duplicate']);
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

/**
 * The retry schedule of Sips and PayPlug: retry `index` + 1 goes out `delays[index]` (unscaled ms) after the failed
 * attempt; past the list, give up.
 */
export function afterDelays(
  delays: readonly number[],
  clock: Pick<SimClock, 'scaled'>,
): DeliveryPolicy['retryAt'] {
  return (index, now) => {
    const delay = delays[index];
    return delay === undefined ? undefined : now + clock.scaled(delay);
  };
}

/**
 * The usual policy of a platform that POSTs one body per notification: any 2xx counts as delivered, retries on a
 * fixed list of delays (`afterDelays`), and headers saying the body's type, the platform's User-Agent and the
 * simulator's bookkeeping (`x-simulator-notification`, `-attempt`, `-fault`).
 */
export function createPostNotifier<J extends DeliveryJob>(options: {
  readonly clock: SimClock;
  readonly retries: boolean;
  readonly retryDelaysMs: readonly number[];
  readonly contentType: string;
  readonly userAgent: string;
}): Notifier<J> {
  const { clock, retries, contentType, userAgent } = options;
  return createNotifier<J>({
    clock,
    retries,
    isSuccess: is2xx,
    retryAt: afterDelays(options.retryDelaysMs, clock),
    headers(n, index, faultTags) {
      const headers: Record<string, string> = {
        'content-type': contentType,
        'user-agent': userAgent,
        'x-simulator-notification': String(n),
        'x-simulator-attempt': String(index + 1),
      };
      if (faultTags.length > 0) headers['x-simulator-fault'] = faultTags.join(',');
      return headers;
    },
  });
}
