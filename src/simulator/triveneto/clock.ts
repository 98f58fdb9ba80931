/**
 * How long the gateway waits for the merchant's answer to a NotificationMessage: [UNCONFIRMED] for Triveneto
 * (protocols.md §4); Nexi's successor protocol (XML-Hosted) waits 20 s (developer.nexi.it, "Notifica"), which the
 * adapter also assumes (gateways/triveneto/index.ts NOTIFY_TIMEOUT_MS).
 */
export const NOTIFY_TIMEOUT_MS = 20_000;
/** Below this a real merchant on a busy test machine would time out for reasons that are not the test's. */
export const MIN_TIMEOUT_MS = 2_000;

/** Simulated gateway time: real ms since the simulator started; `timeScale` shrinks the gateway's timeout. */
export interface SimClock {
  readonly timeScale: number;
  /** The NotificationMessage timeout, scaled, never below MIN_TIMEOUT_MS. */
  readonly timeoutMs: number;
  now(): number;
  /** Resolves true after `ms`, or false as soon as `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<boolean>;
}

export function createClock(timeScale: number): SimClock {
  if (!Number.isFinite(timeScale) || timeScale <= 0) {
    throw new RangeError(`timeScale must be a positive number, got ${timeScale}`);
  }
  const origin = performance.now();
  return {
    timeScale,
    timeoutMs: Math.max(MIN_TIMEOUT_MS, NOTIFY_TIMEOUT_MS * timeScale),
    now: () => performance.now() - origin,
    sleep(ms, signal) {
      return new Promise((resolve) => {
        if (signal.aborted) return resolve(false);
        const timer = setTimeout(done, Math.max(0, Math.ceil(ms)));
        signal.addEventListener('abort', done, { once: true });
        function done() {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve(!signal.aborted);
        }
      });
    },
  };
}
