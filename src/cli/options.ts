import { InvalidArgumentError } from '@commander-js/extra-typings';
import { parseDuration } from '../jobs/backoff.js';

/** `--limit`: 1 to `max`. */
export function pageLimit(max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`must be a whole number from 1 to ${max}`);
    return n;
  };
}

/** The start of a window: that long before `now`, or a fixed time. */
export type Since = { readonly ago?: number; readonly at?: Date };

/** `24h`, `90m`, `7d` (that long before `now`) or an ISO time, as the start of a window. */
export function sinceArgument(value: string): Since {
  try {
    return { ago: parseDuration(value) };
  } catch {
    const at = new Date(value);
    if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(at.getTime())) return { at };
    throw new InvalidArgumentError(
      'must be a duration such as 24h or 7d, or an ISO time such as 2026-12-01T00:00:00Z',
    );
  }
}

export function sinceDate(since: Since, now: Date): Date {
  return since.at ?? new Date(now.getTime() - (since.ago ?? 0));
}

/** `2026-03-14T23:05:09.250Z` → `2026-03-14 23:05:09` (UTC), for tables. */
export function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
}
