/**
 * The notifier's retry policy, in unscaled ms after the previous attempt. PayPlug publishes none (shared/protocols.md
 * §2: "Retry schedule, timeout, source IPs: [UNCONFIRMED]"); this one is our choice for the simulator: an attempt at
 * once, then retries 1 min, 5 min, 15 min, 1 h and 6 h after the previous one, then give up. [UNCONFIRMED]
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  60_000,
  5 * 60_000,
  15 * 60_000,
  60 * 60_000,
  6 * 60 * 60_000,
];

/** How long an attempt waits for the merchant's answer: quittance's notifyTimeoutMs for PayPlug. [UNCONFIRMED] */
export const TIMEOUT_MS = 10_000;
/** Below this a busy test machine would time out for reasons that are not the test's. */
export const MIN_TIMEOUT_MS = 2_000;

/** Simulated platform time: real ms since start; `timeScale` shrinks PayPlug's durations into it. */
export interface SimClock {
  readonly timeScale: number;
  readonly timeoutMs: number;
  now(): number;
  /** A PayPlug duration in real ms. */
  scaled(ms: number): number;
  /** Resolves true once now() >= t, or false as soon as `signal` aborts. */
  sleepUntil(t: number, signal: AbortSignal): Promise<boolean>;
}

export function createClock(timeScale: number): SimClock {
  if (!Number.isFinite(timeScale) || timeScale <= 0) {
    throw new RangeError(`timeScale must be a positive number, got ${timeScale}`);
  }
  const origin = performance.now();
  const now = () => performance.now() - origin;
  return {
    timeScale,
    timeoutMs: Math.max(MIN_TIMEOUT_MS, TIMEOUT_MS * timeScale),
    now,
    scaled: (ms) => ms * timeScale,
    async sleepUntil(t, signal) {
      while (!signal.aborted && now() < t) await sleep(t - now(), signal);
      return !signal.aborted;
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(1, Math.ceil(ms)));
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
