import { QuittanceError } from '../core/errors.js';
import { isPaid, SIGNAL_SOURCES, type SignalSource } from '../core/index.js';
import {
  ackLatenciesMs,
  countOverdueNotifications,
  lastNotificationTimes,
  type NotificationCountRow,
  notificationCounts,
  recentNotifications,
  type SettlementPathRow,
  settlementPaths,
} from '../store/repos/health.js';
import { notifiesByServerCall } from './alerts/overdue.js';
import type { Engine } from './engine.js';

export const DEFAULT_HEALTH_WINDOW_MS = 24 * 3_600_000;
/** How long a payment paid by another path may wait for its notification before it counts as overdue. */
export const DEFAULT_OVERDUE_GRACE_MS = 15 * 60_000;
export const DEFAULT_RECENT_ENTRIES = 20;
/** Latency percentiles are computed over at most this many of the window's latest notifications. */
export const LATENCY_SAMPLE_LIMIT = 10_000;

export interface HealthOptions {
  /** One configured account; all of them when absent. */
  readonly accountId?: string | undefined;
  /** Start of the window (default: 24 hours before `now`). */
  readonly since?: Date | undefined;
  readonly now?: Date | undefined;
  /** How many of the latest notifications to list per account (default 20). */
  readonly recent?: number | undefined;
  readonly overdueGraceMs?: number | undefined;
}

export interface NotificationTally {
  readonly received: number;
  readonly byVerdict: Readonly<Record<string, number>>;
  /** By the HTTP status we answered (`none`: no answer recorded). */
  readonly byAnswerStatus: Readonly<Record<string, number>>;
}

export interface PathTally {
  /** Payments made final (paid or failed) by each path. */
  readonly settledBy: Readonly<Record<SignalSource, number>>;
  /** Of those, the payments made final as paid. */
  readonly paidBy: Readonly<Record<SignalSource, number>>;
  /**
   * Paid by the return, a poll or an operator, with no notification ever, past the grace period; null for
   * gateways that tell by long-poll (GNU Taler), whose poll is their notification.
   */
  readonly overdue: number | null;
}

export interface AccountHealth {
  readonly account: string;
  readonly gateway: string;
  readonly lastNotificationAt: string | null;
  readonly lastVerifiedNotificationAt: string | null;
  readonly window: PathTally & {
    readonly notifications: NotificationTally;
    /** Receive → processed, nearest-rank percentiles over the window's latest notifications; null if none. */
    readonly ackLatencyMs: { readonly p50: number; readonly p99: number; readonly samples: number } | null;
  };
  readonly total: PathTally & { readonly notifications: NotificationTally };
  readonly recent: ReadonlyArray<{
    readonly id: string;
    readonly receivedAt: string;
    readonly verdict: string;
    readonly reasonCode: string | null;
    readonly answerStatus: number | null;
  }>;
}

export interface HealthReport {
  readonly generatedAt: string;
  readonly since: string;
  readonly overdueGraceMs: number;
  readonly accounts: readonly AccountHealth[];
  /** Notifications posted to account ids that are not configured (scanners, an old URL), all accounts only. */
  readonly unconfigured?: { readonly window: number; readonly total: number };
}

/**
 * Notification health from inside (issue 6 part 2): per account, what arrived and what we answered,
 * how fast, which path made payments final, and how many paid payments never got their notification.
 */
export async function notificationHealth(engine: Engine, options: HealthOptions = {}): Promise<HealthReport> {
  const db = engine.store.db;
  const now = options.now ?? engine.clock();
  const since = options.since ?? new Date(now.getTime() - DEFAULT_HEALTH_WINDOW_MS);
  const graceMs = options.overdueGraceMs ?? DEFAULT_OVERDUE_GRACE_MS;
  const recent = options.recent ?? DEFAULT_RECENT_ENTRIES;
  const accountId = options.accountId;
  if (accountId !== undefined && !engine.config.accounts.has(accountId)) {
    throw new QuittanceError('UNKNOWN_ACCOUNT', `no account "${accountId}" is configured`);
  }
  const accounts = [...engine.config.accounts.values()].filter(
    (a) => accountId === undefined || a.id === accountId,
  );
  const window = { accountId, since, until: now };
  const overdueBefore = new Date(now.getTime() - graceMs);

  const [countsWindow, countsTotal, pathsWindow, pathsTotal, overdueWindow, overdueTotal, last] =
    await Promise.all([
      notificationCounts(db, window),
      notificationCounts(db, { accountId }),
      settlementPaths(db, window),
      settlementPaths(db, { accountId }),
      countOverdueNotifications(db, { accountId, finalBefore: overdueBefore, finalAfter: since }),
      countOverdueNotifications(db, { accountId, finalBefore: overdueBefore }),
      lastNotificationTimes(db, accountId),
    ]);

  const reports: AccountHealth[] = [];
  for (const account of accounts) {
    const latencies = await ackLatenciesMs(db, {
      ...window,
      accountId: account.id,
      limit: LATENCY_SAMPLE_LIMIT,
    });
    const entries = recent > 0 ? await recentNotifications(db, account.id, recent) : [];
    const times = last.get(account.id);
    const calls = notifiesByServerCall(account.adapter);
    reports.push({
      account: account.id,
      gateway: account.gateway,
      lastNotificationAt: times?.lastReceivedAt?.toISOString() ?? null,
      lastVerifiedNotificationAt: times?.lastVerifiedAt?.toISOString() ?? null,
      window: {
        notifications: tally(countsWindow.filter((r) => r.accountId === account.id)),
        ackLatencyMs: percentiles(latencies),
        ...paths(
          pathsWindow.filter((r) => r.accountId === account.id),
          calls ? (overdueWindow.get(account.id) ?? 0) : null,
        ),
      },
      total: {
        notifications: tally(countsTotal.filter((r) => r.accountId === account.id)),
        ...paths(
          pathsTotal.filter((r) => r.accountId === account.id),
          calls ? (overdueTotal.get(account.id) ?? 0) : null,
        ),
      },
      recent: entries.map((e) => ({
        id: e.id,
        receivedAt: e.receivedAt.toISOString(),
        verdict: e.verdict,
        reasonCode: e.reasonCode,
        answerStatus: e.answerStatus,
      })),
    });
  }
  const configured = (r: NotificationCountRow) =>
    r.accountId !== null && engine.config.accounts.has(r.accountId);
  const strangers = (rows: readonly NotificationCountRow[]) =>
    rows.filter((r) => !configured(r)).reduce((sum, r) => sum + r.count, 0);
  return {
    generatedAt: now.toISOString(),
    since: since.toISOString(),
    overdueGraceMs: graceMs,
    accounts: reports,
    ...(accountId === undefined
      ? { unconfigured: { window: strangers(countsWindow), total: strangers(countsTotal) } }
      : {}),
  };
}

function tally(rows: readonly NotificationCountRow[]): NotificationTally {
  const byVerdict: Record<string, number> = {};
  const byAnswerStatus: Record<string, number> = {};
  let received = 0;
  for (const r of rows) {
    received += r.count;
    byVerdict[r.verdict] = (byVerdict[r.verdict] ?? 0) + r.count;
    const status = r.answerStatus === null ? 'none' : String(r.answerStatus);
    byAnswerStatus[status] = (byAnswerStatus[status] ?? 0) + r.count;
  }
  return { received, byVerdict, byAnswerStatus };
}

function paths(rows: readonly SettlementPathRow[], overdue: number | null): PathTally {
  const settledBy = zeroBySource();
  const paidBy = zeroBySource();
  for (const r of rows) {
    settledBy[r.source] += r.count;
    if (isPaid(r.status)) paidBy[r.source] += r.count;
  }
  return { settledBy, paidBy, overdue };
}

function zeroBySource(): Record<SignalSource, number> {
  return Object.fromEntries(SIGNAL_SOURCES.map((s) => [s, 0])) as Record<SignalSource, number>;
}

/** Nearest-rank percentiles (the value at rank ceil(p·n)), so every figure is one that was measured. */
export function percentiles(
  values: readonly number[],
): { readonly p50: number; readonly p99: number; readonly samples: number } | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number;
  return { p50: at(0.5), p99: at(0.99), samples: sorted.length };
}
