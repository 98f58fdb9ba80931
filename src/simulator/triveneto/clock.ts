import { createSimClock, type SimClock } from '../_shared/clock.js';

/**
 * How long the gateway waits for the merchant's answer to a NotificationMessage: [UNCONFIRMED] for Triveneto
 * (protocols.md §4); Nexi's successor protocol (XML-Hosted) waits 20 s (developer.nexi.it, "Notifica"), which the
 * adapter also assumes (gateways/triveneto/index.ts NOTIFY_TIMEOUT_MS).
 */
export const NOTIFY_TIMEOUT_MS = 20_000;

/** Simulated gateway time: the common clock (_shared/clock.ts); only the NotificationMessage timeout is scaled. */
export function createClock(timeScale: number): SimClock {
  return createSimClock(timeScale, NOTIFY_TIMEOUT_MS);
}
