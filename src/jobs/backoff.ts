/**
 * Retry delays. A schedule lists the delay before each retry (the last one repeats); jitter spreads
 * retries of many jobs that failed together (an endpoint back from an outage) by ±`jitter`.
 */
export interface Backoff {
  readonly schedule: readonly number[];
  readonly jitter: number;
}

/** For work against our own database or a gateway: exponential from 1 s, capped at 1 h. */
export const DEFAULT_BACKOFF: Backoff = {
  schedule: [
    1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000, 1_024_000, 2_048_000,
    3_600_000,
  ],
  jitter: 0.2,
};

/**
 * Delay before retry number `attempt` (1 = the first retry). `random` is a number in [0, 1), passed
 * in so tests are deterministic.
 */
export function retryDelay(backoff: Backoff, attempt: number, random: number): number {
  const { schedule, jitter } = backoff;
  if (schedule.length === 0) return 0;
  const base = schedule[Math.min(Math.max(attempt, 1), schedule.length) - 1] as number;
  return Math.max(0, Math.round(base * (1 - jitter + 2 * jitter * random)));
}

/** Parses "5s,5m,30m,2h" into milliseconds. */
export function parseSchedule(text: string): number[] {
  return text.split(',').map((part) => parseDuration(part.trim()));
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "5m", "1.5h", "2d", "250ms" → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new RangeError(`"${text}" is not a duration such as 90s, 5m, 2h or 1d`);
  return Math.round(Number(match[1]) * (UNITS[match[2] as string] as number));
}
