import { performance } from 'node:perf_hooks';

/** Milliseconds since `start` (a `performance.now()` reading), rounded for the report. */
export function elapsed(start: number): number {
  return Math.round(performance.now() - start);
}

export function startTimer(): number {
  return performance.now();
}

/** Seconds in words, for timeouts: 35000 → "35 s", 300 → "0.3 s". */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1))} s`;
}
