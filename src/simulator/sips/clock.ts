/**
 * Sips' automatic-response delivery policy is not documented in anything read (shared/protocols.md §1: "Required
 * answer body, retry count, timeout and source IPs of the automatic response: [UNCONFIRMED]"). The simulator chooses,
 * [UNCONFIRMED] all of it:
 * - one attempt at once, then 3 retries, 1 min, 5 min and 15 min after the previous failure;
 * - a failure is anything but a 2xx answer (redirects are not followed), a network error or no answer within 30 s
 *   (the adapter's own guess, `notifyTimeoutMs`).
 * All durations are unscaled ms; `timeScale` shrinks them.
 */
export const RETRY_DELAYS_MS: readonly number[] = [60_000, 5 * 60_000, 15 * 60_000];
export const TIMEOUT_MS = 30_000;
/** Below this a real merchant on a busy test machine would time out for reasons that are not the test's. */
export const MIN_TIMEOUT_MS = 2_000;

/**
 * Simulated platform time: every instant is "real ms since the simulator started" (monotonic), and `timeScale`
 * shrinks Sips' durations into that frame (the shared clock idea of the Lyra simulator, src/simulator/lyra/clock.ts).
 */
export interface SimClock {
  readonly timeScale: number;
  /** The answer deadline of one attempt, scaled, never below MIN_TIMEOUT_MS. */
  readonly timeoutMs: number;
  now(): number;
  /** An unscaled duration in simulator time. */
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
      // setTimeout may fire up to a millisecond early against performance.now(): loop.
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
