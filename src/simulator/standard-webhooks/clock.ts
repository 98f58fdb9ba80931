import { createSimClock, type SimClock } from '../_shared/clock.js';

/**
 * The spec's example retry schedule (standard-webhooks `spec/standard-webhooks.md`, protocols.md §6): at once, then
 * 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h after the previous attempt, then give up. Each sender picks
 * its own; this is the one the spec gives as an example.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  14 * 3_600_000,
  20 * 3_600_000,
  24 * 3_600_000,
];

/** The spec suggests a request timeout of 15 to 30 s; the simulator waits the shorter. */
export const TIMEOUT_MS = 15_000;

export function createClock(timeScale: number): SimClock {
  return createSimClock(timeScale, TIMEOUT_MS);
}
