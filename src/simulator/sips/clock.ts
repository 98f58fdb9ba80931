import { createSimClock, type SimClock } from '../_shared/clock.js';

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

/** Simulated Sips time: the common clock (_shared/clock.ts) with Sips' 30 s answer deadline. */
export function createClock(timeScale: number): SimClock {
  return createSimClock(timeScale, TIMEOUT_MS);
}
