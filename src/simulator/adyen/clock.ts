import { createSimClock, type SimClock } from '../_shared/clock.js';

/**
 * Adyen's retry policy for a webhook not accepted (docs.adyen.com/development-resources/webhooks/troubleshoot):
 * three retries at once, then the retry queue after 2, 5, 10, 15, 30 min, 1, 2, 4 and 8 h, for up to 30 days. The
 * simulator stops after the 8 h retry (a 30-day tail would only stretch the demo); what Adyen does between 8 h and
 * 30 days (every 8 h?) is [UNCONFIRMED].
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  0,
  0,
  0,
  2 * 60_000,
  5 * 60_000,
  10 * 60_000,
  15 * 60_000,
  30 * 60_000,
  60 * 60_000,
  2 * 60 * 60_000,
  4 * 60 * 60_000,
  8 * 60 * 60_000,
];

/** Adyen waits 10 s for the answer (DESIGN.md, the ingest path). */
export const TIMEOUT_MS = 10_000;

export function createClock(timeScale: number): SimClock {
  return createSimClock(timeScale, TIMEOUT_MS);
}
