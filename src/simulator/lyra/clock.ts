import { createSimClock, type SimClock } from '../_shared/clock.js';

/** Lyra's fixed retry slots (xx:00, :15, :30, :45) and its 35 s answer deadline, in unscaled ms. */
export const SLOT_MS = 15 * 60_000;
export const TIMEOUT_MS = 35_000;

/**
 * Simulated Lyra time (the common clock, _shared/clock.ts, with a 35 s deadline) plus Lyra's retry slots: with
 * timeScale 0.001 a 15-minute slot lasts 900 ms. Slots are counted from the start rather than from the wall clock
 * so that a run does not depend on the minute it was started at.
 */
export interface LyraClock extends SimClock {
  /** One 15-minute slot, scaled. */
  readonly slotMs: number;
  /** The first slot boundary strictly after `t`. */
  nextSlotAfter(t: number): number;
}

export function createClock(timeScale: number): LyraClock {
  const clock = createSimClock(timeScale, TIMEOUT_MS);
  const slotMs = SLOT_MS * timeScale;
  return { ...clock, slotMs, nextSlotAfter: (t) => (Math.floor(t / slotMs) + 1) * slotMs };
}
