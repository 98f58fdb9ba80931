/** Lyra's fixed retry slots (xx:00, :15, :30, :45) and its 35 s answer deadline, in unscaled ms. */
export const SLOT_MS = 15 * 60_000;
export const TIMEOUT_MS = 35_000;
/** Below this a real merchant on a busy test machine would time out for reasons that are not the test's. */
export const MIN_TIMEOUT_MS = 2_000;

/**
 * Simulated platform time. Every instant is "real ms since the simulator started" (monotonic);
 * `timeScale` shrinks Lyra's durations into that frame, so with 0.001 a 15-minute slot lasts 900 ms.
 * Slots are counted from the start rather than from the wall clock so that a run does not depend on
 * the minute it was started at.
 */
export interface SimClock {
  readonly timeScale: number;
  /** One 15-minute slot, scaled. */
  readonly slotMs: number;
  /** The 35 s IPN deadline, scaled, never below MIN_TIMEOUT_MS. */
  readonly timeoutMs: number;
  now(): number;
  /** The first slot boundary strictly after `t`. */
  nextSlotAfter(t: number): number;
  /** Resolves true once now() >= t, or false as soon as `signal` aborts. */
  sleepUntil(t: number, signal: AbortSignal): Promise<boolean>;
}

export function createClock(timeScale: number): SimClock {
  if (!Number.isFinite(timeScale) || timeScale <= 0) {
    throw new RangeError(`timeScale must be a positive number, got ${timeScale}`);
  }
  const origin = performance.now();
  const slotMs = SLOT_MS * timeScale;
  const now = () => performance.now() - origin;
  return {
    timeScale,
    slotMs,
    timeoutMs: Math.max(MIN_TIMEOUT_MS, TIMEOUT_MS * timeScale),
    now,
    nextSlotAfter: (t) => (Math.floor(t / slotMs) + 1) * slotMs,
    async sleepUntil(t, signal) {
      // setTimeout may fire up to a millisecond early against performance.now(); loop so that an
      // attempt recorded "at the next slot" is never stamped before the boundary.
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
