import { notificationTimes } from '../store/repos/notification-series.js';
import type { Engine } from './engine.js';
import { percentiles } from './health.js';

/** At most this many notifications are read per chart; beyond, the oldest buckets are incomplete. */
export const SERIES_ROW_LIMIT = 50_000;

export interface HealthSeries {
  readonly bucketMs: number;
  /** Bucket starts, epoch milliseconds, oldest first. */
  readonly starts: readonly number[];
  /** Notifications per minute in each bucket, by verdict (only verdicts seen in the window). */
  readonly perMinuteByVerdict: Readonly<Record<string, readonly number[]>>;
  /** Notifications in each bucket (all verdicts). */
  readonly counts: readonly number[];
  /** Receive → processed, nearest-rank, per bucket; null where the bucket has no processed entry. */
  readonly ackP50Ms: ReadonlyArray<number | null>;
  readonly ackP99Ms: ReadonlyArray<number | null>;
  /** More than SERIES_ROW_LIMIT notifications in the window: the oldest ones were not read. */
  readonly truncated: boolean;
}

/** Pure: rows into fixed buckets [since + i·bucketMs, since + (i+1)·bucketMs). */
export function bucketNotifications(
  rows: ReadonlyArray<{ receivedAt: number; processedAt: number | null; verdict: string }>,
  window: { since: number; until: number; bucketMs: number },
): Omit<HealthSeries, 'truncated'> {
  const { since, until, bucketMs } = window;
  const n = Math.max(1, Math.ceil((until - since) / bucketMs));
  const starts = Array.from({ length: n }, (_, i) => since + i * bucketMs);
  const counts = new Array<number>(n).fill(0);
  const byVerdict: Record<string, number[]> = {};
  const latencies: number[][] = Array.from({ length: n }, () => []);
  for (const r of rows) {
    const i = Math.floor((r.receivedAt - since) / bucketMs);
    if (i < 0 || i >= n) continue;
    counts[i] = (counts[i] ?? 0) + 1;
    const series = byVerdict[r.verdict] ?? new Array<number>(n).fill(0);
    byVerdict[r.verdict] = series;
    series[i] = (series[i] ?? 0) + 1;
    if (r.processedAt !== null) latencies[i]?.push(Math.max(0, r.processedAt - r.receivedAt));
  }
  const minutes = bucketMs / 60_000;
  const perMinuteByVerdict = Object.fromEntries(
    Object.entries(byVerdict)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([verdict, values]) => [verdict, values.map((v) => Math.round((v / minutes) * 100) / 100)]),
  );
  const p = latencies.map((l) => percentiles(l));
  return {
    bucketMs,
    starts,
    perMinuteByVerdict,
    counts,
    ackP50Ms: p.map((x) => x?.p50 ?? null),
    ackP99Ms: p.map((x) => x?.p99 ?? null),
  };
}

/** The health page's charts for one account over [since, until). */
export async function healthSeries(
  engine: Engine,
  q: { accountId: string; since: Date; until: Date; bucketMs: number },
): Promise<HealthSeries> {
  const rows = await notificationTimes(engine.store.db, {
    accountId: q.accountId,
    since: q.since,
    until: q.until,
    limit: SERIES_ROW_LIMIT + 1,
  });
  const truncated = rows.length > SERIES_ROW_LIMIT;
  return {
    ...bucketNotifications(truncated ? rows.slice(0, SERIES_ROW_LIMIT) : rows, {
      since: q.since.getTime(),
      until: q.until.getTime(),
      bucketMs: q.bucketMs,
    }),
    truncated,
  };
}
