import { createSimClock, type SimClock } from '../_shared/clock.js';

/** PayPal waits 20 s for the listener's 200 (30 s on resends; protocols.md "PayPal IPN", paypal.com cshelp ts1063). */
export const TIMEOUT_MS = 20_000;

const FIRST_RESEND_MS = 10_000;
const RESEND_CAP_MS = 24 * 60 * 60_000;
/** PayPal stops after about four days; 14 doubling gaps and 2 capped ones make 3.9 days and 16 resends (the
 * ipn-code-samples README's "up to 16"). */
export const MAX_RESENDS = 16;

/** Unscaled gap before resend `index` + 1 (index 0 = after the first attempt): 10 s, 20 s, 40 s… capped at 24 h. */
export function resendDelay(index: number): number | undefined {
  if (index >= MAX_RESENDS) return undefined;
  return Math.min(FIRST_RESEND_MS * 2 ** index, RESEND_CAP_MS);
}

/** Simulated PayPal time: the common clock with a 20 s answer deadline. */
export function createClock(timeScale: number): SimClock {
  return createSimClock(timeScale, TIMEOUT_MS);
}
