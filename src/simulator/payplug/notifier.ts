import { setMaxListeners } from 'node:events';
import { RETRY_DELAYS_MS, type SimClock } from './clock.js';
import type { Attempt, SimNotification } from './types.js';

const BODY_START_CHARS = 512;

export interface NotificationJob {
  readonly record: SimNotification;
  readonly url: string;
  /** Ms since start before which the first attempt does not start. */
  readonly firstAt: number;
  /** The first attempt also waits for this (a forgery goes after the genuine notice's first try). */
  readonly after?: Promise<void>;
  readonly body: string;
  readonly faultTags: readonly string[];
  /** Whether attempt `index` (0 = first) is lost in transit. */
  dropped(index: number): boolean;
  /** Send a delivered notification once more, right away. */
  readonly duplicate: boolean;
  /** False for forgeries: nobody retries those. */
  readonly retry: boolean;
}

export interface Notifier {
  /** Schedules a job; resolves once its first attempt (and its duplicate) is over, or never will be. */
  deliver(job: NotificationJob): Promise<void>;
  idle(): Promise<void>;
  close(): void;
}

/**
 * POSTs each notification (the resource as JSON, support.payplug.com/hc/en-gb/articles/360022399591) to the
 * payment's notification_url. A 2xx answer counts as delivered (PayPlug wants 200; whether it accepts any 2xx is
 * [UNCONFIRMED]); anything else, a network error or a timeout is retried on clock.ts RETRY_DELAYS_MS. Every job is
 * its own async loop, as in the Lyra simulator's notifier.
 */
export function createNotifier({ clock, retries }: { clock: SimClock; retries: boolean }): Notifier {
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const running = new Set<Promise<void>>();

  async function run(job: NotificationJob, firstDone: () => void): Promise<void> {
    try {
      await job.after;
      if (!(await clock.sleepUntil(job.firstAt, stop.signal))) return;
      for (let index = 0; ; index++) {
        const at = clock.now();
        const headers = notificationHeaders(job.record.n, index, job.faultTags);
        const result = job.dropped(index)
          ? { error: 'dropped in transit (fault)', latencyMs: 0, bodyStart: '' }
          : await postJson(job.url, job.body, headers, clock.timeoutMs, stop.signal);
        if (stop.signal.aborted) return;
        job.record.attempts.push({ at, ...result });
        if (result.status !== undefined && result.status >= 200 && result.status <= 299) {
          job.record.delivered = true;
          if (job.duplicate) {
            const copy = await postJson(
              job.url,
              job.body,
              notificationHeaders(job.record.n, index, [...job.faultTags, 'duplicate']),
              clock.timeoutMs,
              stop.signal,
            );
            if (!stop.signal.aborted) job.record.attempts.push({ at: clock.now(), ...copy, duplicate: true });
          }
          return;
        }
        if (index === 0) firstDone();
        const delay = RETRY_DELAYS_MS[index];
        if (!job.retry || !retries || delay === undefined) {
          job.record.gaveUp = true;
          return;
        }
        if (!(await clock.sleepUntil(clock.now() + clock.scaled(delay), stop.signal))) return;
      }
    } finally {
      firstDone();
    }
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

function notificationHeaders(n: number, index: number, faultTags: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'payplug-simulator',
    'x-simulator-notification': String(n),
    'x-simulator-attempt': String(index + 1),
  };
  if (faultTags.length > 0) headers['x-simulator-fault'] = faultTags.join(',');
  return headers;
}

async function postJson(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
  stop: AbortSignal,
): Promise<Omit<Attempt, 'at'>> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(timeoutMs);
  const latency = () => Math.round(performance.now() - started);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.any([timeout, stop]),
    });
    const text = await res.text();
    return { status: res.status, latencyMs: latency(), bodyStart: text.slice(0, BODY_START_CHARS) };
  } catch (err) {
    const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
    const error = timeout.aborted
      ? `timeout after ${timeoutMs} ms`
      : typeof cause?.code === 'string'
        ? cause.code
        : err instanceof Error
          ? err.message
          : String(err);
    return { error, latencyMs: latency(), bodyStart: '' };
  }
}
