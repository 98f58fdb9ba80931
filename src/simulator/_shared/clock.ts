/** Below this a real merchant on a busy test machine would time out for reasons that are not the test's. */
export const MIN_TIMEOUT_MS = 2_000;

/**
 * Simulated platform time, common to every fake gateway. Every instant is "real ms since the simulator started"
 * (monotonic); `timeScale` shrinks the gateway's durations into that frame, so with 0.001 a 15-minute delay lasts
 * 900 ms. Durations are counted from the start rather than from the wall clock so that a run does not depend on the
 * minute it was started at. Protocol-specific time (Lyra's retry slots) is built on top of this in the protocol's
 * own clock.ts.
 */
export interface SimClock {
  readonly timeScale: number;
  /** The gateway's answer deadline for one notification attempt, scaled, never below MIN_TIMEOUT_MS. */
  readonly timeoutMs: number;
  now(): number;
  /** An unscaled gateway duration in simulator time. */
  scaled(ms: number): number;
  /** Resolves true once now() >= t, or false as soon as `signal` aborts. */
  sleepUntil(t: number, signal: AbortSignal): Promise<boolean>;
  /** Resolves true after `ms` (simulator time, already scaled), or false as soon as `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<boolean>;
}

/** `timeoutMs` is the gateway's unscaled answer deadline (Lyra 35 s, Sips 30 s, PayPlug 10 s, Triveneto 20 s). */
export function createSimClock(timeScale: number, timeoutMs: number): SimClock {
  if (!Number.isFinite(timeScale) || timeScale <= 0) {
    throw new RangeError(`timeScale must be a positive number, got ${timeScale}`);
  }
  const origin = performance.now();
  const now = () => performance.now() - origin;
  const sleepUntil = async (t: number, signal: AbortSignal) => {
    // setTimeout may fire up to a millisecond early against performance.now(); loop so that an attempt recorded
    // "at the next retry" is never stamped before it.
    while (!signal.aborted && now() < t) await wait(t - now(), signal);
    return !signal.aborted;
  };
  return {
    timeScale,
    timeoutMs: Math.max(MIN_TIMEOUT_MS, timeoutMs * timeScale),
    now,
    scaled: (ms) => ms * timeScale,
    sleepUntil,
    sleep: (ms, signal) => sleepUntil(now() + ms, signal),
  };
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
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
