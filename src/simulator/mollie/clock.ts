import { createSimClock, type SimClock } from '../_shared/clock.js';

/**
 * The webhook retry policy, in unscaled ms after the previous attempt. The docs read (docs.mollie.com/reference/webhooks,
 * shared/protocols.md "Mollie") do not state it [UNCONFIRMED]; Mollie is widely described as retrying about ten times
 * over roughly a day with growing gaps, so: an attempt at once, then 1 min, 2 min, 5 min, 15 min, 30 min, 1 h, 2 h,
 * 6 h and 12 h after the previous one, then give up.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  60_000,
  2 * 60_000,
  5 * 60_000,
  15 * 60_000,
  30 * 60_000,
  60 * 60_000,
  2 * 60 * 60_000,
  6 * 60 * 60_000,
  12 * 60 * 60_000,
];

/** How long an attempt waits for the merchant's answer: quittance's notifyTimeoutMs for Mollie. [UNCONFIRMED] */
export const TIMEOUT_MS = 10_000;

/** Simulated Mollie time: the common clock (_shared/clock.ts) with a 10 s answer deadline. */
export function createClock(timeScale: number): SimClock {
  return createSimClock(timeScale, TIMEOUT_MS);
}
