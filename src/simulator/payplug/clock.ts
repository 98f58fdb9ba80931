import { createSimClock, type SimClock } from '../_shared/clock.js';

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

/** Simulated PayPlug time: the common clock (_shared/clock.ts) with a 10 s answer deadline. */
export function createClock(timeScale: number): SimClock {
  return createSimClock(timeScale, TIMEOUT_MS);
}
