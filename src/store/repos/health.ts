import type { Kysely } from 'kysely';
import {
  FAILURE_STATUSES,
  isPaid,
  PAYMENT_STATUSES,
  type PaymentStatus,
  type SignalSource,
} from '../../core/index.js';
import type { Database } from '../schema.js';

/**
 * Notification health, read from the journal. Every query here is portable Kysely (no SQLite-only
 * functions): it runs unchanged on PostgreSQL.
 *
 * "Which path made the payment final": the payment's first `applied` signal whose status is final
 * (authorized and beyond, or a failure). Signal ids sort in write order (engine/ids.ts, monotonic), so
 * "first" is the smallest id.
 */

const FINAL_STATUSES: readonly PaymentStatus[] = PAYMENT_STATUSES.filter(
  (s) => isPaid(s) || (FAILURE_STATUSES as readonly string[]).includes(s),
);
const PAID_STATUSES: readonly PaymentStatus[] = PAYMENT_STATUSES.filter(isPaid);
/**
 * A notification signal with one of these settlements proves the gateway reached us for the payment,
 * even if it told nothing new. `rejected`/`unmatched` ones do not (a forgery, or about something else).
 */
const REACHED_SETTLEMENTS = ['applied', 'duplicate', 'stale', 'conflict'] as const;

export interface OverdueNotification {
  readonly paymentId: string;
  readonly accountId: string;
  /** When the final status was learnt (the signal's time). */
  readonly finalAt: Date;
  /** The path that made the payment final: never `notification` here. */
  readonly settledBy: Exclude<SignalSource, 'notification'>;
  /** The final status learnt (authorized, captured…). */
  readonly status: PaymentStatus;
}

export interface OverdueQuery {
  readonly accountId?: string | undefined;
  /** Only payments made final before this time (now minus the grace period). */
  readonly finalBefore: Date;
  /** Only payments made final at or after this time (to bound an alert scan); none by default. */
  readonly finalAfter?: Date | undefined;
  /** At most this many, oldest first (default 100). */
  readonly limit?: number | undefined;
}

/** Every payment's final transition: its first applied signal with a final status (f), and the payment (p). */
function finalTransitions(db: Kysely<Database>) {
  return db
    .selectFrom('signals as f')
    .innerJoin('payments as p', 'p.id', 'f.payment_id')
    .where('f.settlement', '=', 'applied')
    .where('f.status', 'in', FINAL_STATUSES)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('signals as e')
            .select('e.id')
            .whereRef('e.payment_id', '=', 'f.payment_id')
            .where('e.settlement', '=', 'applied')
            .where('e.status', 'in', FINAL_STATUSES)
            .whereRef('e.id', '<', 'f.id'),
        ),
      ),
    );
}

/** Final transitions to a PAID status by another path than a notification, with no notification ever. */
function overdueTransitions(db: Kysely<Database>, query: Omit<OverdueQuery, 'limit'>) {
  let q = finalTransitions(db)
    .where('f.status', 'in', PAID_STATUSES)
    .where('f.source', '<>', 'notification')
    .where('f.created_at', '<', query.finalBefore.getTime())
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('signals as n')
            .select('n.id')
            .whereRef('n.payment_id', '=', 'f.payment_id')
            .where('n.source', '=', 'notification')
            .where('n.settlement', 'in', REACHED_SETTLEMENTS),
        ),
      ),
    );
  if (query.accountId !== undefined) q = q.where('p.account_id', '=', query.accountId);
  if (query.finalAfter !== undefined) q = q.where('f.created_at', '>=', query.finalAfter.getTime());
  return q;
}

/**
 * Payments found PAID by the return, a poll or an operator, for which no notification from the gateway
 * ever came (issue 6: "the gateway cannot reach us"). Failures (refused, expired…) are left out: many
 * gateways do not notify them, and reconciliation expires abandoned payments by poll as a matter of course.
 */
export async function listOverdueNotifications(
  db: Kysely<Database>,
  query: OverdueQuery,
): Promise<OverdueNotification[]> {
  const rows = await overdueTransitions(db, query)
    .select(['f.payment_id as paymentId', 'p.account_id as accountId', 'f.created_at as finalAt'])
    .select(['f.source as source', 'f.status as status'])
    .orderBy('f.created_at')
    .orderBy('f.id')
    .limit(query.limit ?? 100)
    .execute();
  return rows.map((r) => ({
    paymentId: r.paymentId as string,
    accountId: r.accountId,
    finalAt: new Date(Number(r.finalAt)),
    settledBy: r.source as OverdueNotification['settledBy'],
    status: r.status as PaymentStatus,
  }));
}

/** How many payments `listOverdueNotifications` would list without a limit, per account. */
export async function countOverdueNotifications(
  db: Kysely<Database>,
  query: Omit<OverdueQuery, 'limit'>,
): Promise<Map<string, number>> {
  const rows = await overdueTransitions(db, query)
    .select(({ fn }) => ['p.account_id as accountId', fn.countAll<number | string | bigint>().as('count')])
    .groupBy('p.account_id')
    .execute();
  return new Map(rows.map((r) => [r.accountId, Number(r.count)]));
}

/** A time window; either bound may be left open. */
export interface HealthWindow {
  readonly accountId?: string | undefined;
  readonly since?: Date | undefined;
  readonly until?: Date | undefined;
}

export interface SettlementPathRow {
  readonly accountId: string;
  /** The path whose signal made the payment final. */
  readonly source: SignalSource;
  readonly status: PaymentStatus;
  readonly count: number;
}

/** Payments made final within the window, by the path that made them final and the status they reached. */
export async function settlementPaths(db: Kysely<Database>, w: HealthWindow): Promise<SettlementPathRow[]> {
  let q = finalTransitions(db).select(({ fn }) => [
    'p.account_id as accountId',
    'f.source as source',
    'f.status as status',
    fn.countAll<number | string | bigint>().as('count'),
  ]);
  if (w.accountId !== undefined) q = q.where('p.account_id', '=', w.accountId);
  if (w.since !== undefined) q = q.where('f.created_at', '>=', w.since.getTime());
  if (w.until !== undefined) q = q.where('f.created_at', '<', w.until.getTime());
  const rows = await q.groupBy(['p.account_id', 'f.source', 'f.status']).execute();
  return rows.map((r) => ({
    accountId: r.accountId,
    source: r.source as SignalSource,
    status: r.status as PaymentStatus,
    count: Number(r.count),
  }));
}

export interface NotificationCountRow {
  /** As named in the request path: may be an account that is not configured (or null). */
  readonly accountId: string | null;
  readonly verdict: string;
  /** The HTTP status we answered; null if no answer was recorded (a crash mid-way). */
  readonly answerStatus: number | null;
  readonly count: number;
}

/** Notifications (not returns) received within the window, by account, verdict and answer status. */
export async function notificationCounts(
  db: Kysely<Database>,
  w: HealthWindow,
): Promise<NotificationCountRow[]> {
  let q = db
    .selectFrom('inbox')
    .select(({ fn }) => [
      'account_id',
      'verdict',
      'answer_status',
      fn.countAll<number | string | bigint>().as('count'),
    ])
    .where('kind', '=', 'notification');
  if (w.accountId !== undefined) q = q.where('account_id', '=', w.accountId);
  if (w.since !== undefined) q = q.where('received_at', '>=', w.since.getTime());
  if (w.until !== undefined) q = q.where('received_at', '<', w.until.getTime());
  const rows = await q.groupBy(['account_id', 'verdict', 'answer_status']).execute();
  return rows.map((r) => ({
    accountId: r.account_id,
    verdict: r.verdict,
    answerStatus: r.answer_status === null ? null : Number(r.answer_status),
    count: Number(r.count),
  }));
}

export interface LastNotificationTimes {
  readonly lastReceivedAt: Date | null;
  readonly lastVerifiedAt: Date | null;
}

/** When each account last received a notification, and a verified one (all time). */
export async function lastNotificationTimes(
  db: Kysely<Database>,
  accountId?: string,
): Promise<Map<string, LastNotificationTimes>> {
  let q = db
    .selectFrom('inbox')
    .select(({ fn, eb }) => [
      'account_id',
      fn.max('received_at').as('lastReceived'),
      fn
        .max<number | string | null>(
          eb.case().when('verdict', '=', 'verified').then(eb.ref('received_at')).else(null).end(),
        )
        .as('lastVerified'),
    ])
    .where('kind', '=', 'notification')
    .where('account_id', 'is not', null);
  if (accountId !== undefined) q = q.where('account_id', '=', accountId);
  const rows = await q.groupBy('account_id').execute();
  const at = (v: unknown) => (v === null || v === undefined ? null : new Date(Number(v)));
  return new Map(
    rows.map((r) => [
      r.account_id as string,
      { lastReceivedAt: at(r.lastReceived), lastVerifiedAt: at(r.lastVerified) },
    ]),
  );
}

export interface RecentNotification {
  readonly id: string;
  readonly receivedAt: Date;
  readonly verdict: string;
  readonly reasonCode: string | null;
  readonly answerStatus: number | null;
}

/** An account's last `limit` notifications, newest first. */
export async function recentNotifications(
  db: Kysely<Database>,
  accountId: string,
  limit: number,
): Promise<RecentNotification[]> {
  const rows = await db
    .selectFrom('inbox')
    .select(['id', 'received_at', 'verdict', 'reason_code', 'answer_status'])
    .where('kind', '=', 'notification')
    .where('account_id', '=', accountId)
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    receivedAt: new Date(Number(r.received_at)),
    verdict: r.verdict,
    reasonCode: r.reason_code,
    answerStatus: r.answer_status === null ? null : Number(r.answer_status),
  }));
}

/**
 * Receive → processed times (ms) of an account's latest answered notifications in the window, at most
 * `limit` of them: percentiles are computed by the caller in JS (no portable SQL percentile), over this
 * bounded sample. For fetch-back protocols (PayPlug, Taler webhooks) `processed_at` is the late verdict's
 * time, so their figures include the fetch-back, not only the acknowledgement.
 */
export async function ackLatenciesMs(
  db: Kysely<Database>,
  w: HealthWindow & { readonly accountId: string; readonly limit: number },
): Promise<number[]> {
  let q = db
    .selectFrom('inbox')
    .select(['received_at', 'processed_at'])
    .where('kind', '=', 'notification')
    .where('account_id', '=', w.accountId)
    .where('processed_at', 'is not', null);
  if (w.since !== undefined) q = q.where('received_at', '>=', w.since.getTime());
  if (w.until !== undefined) q = q.where('received_at', '<', w.until.getTime());
  const rows = await q.orderBy('received_at', 'desc').limit(w.limit).execute();
  return rows.map((r) => Math.max(0, Number(r.processed_at) - Number(r.received_at)));
}

export interface JobQueueRow {
  readonly task: string;
  readonly state: string;
  readonly count: number;
  /** The earliest run time among this group's jobs already due at `now`; null when none is. */
  readonly oldestDueAt: Date | null;
}

/** The jobs table in one grouped query (for the metrics scrape): counts, and the oldest due run time. */
export async function jobQueueStats(db: Kysely<Database>, now: Date): Promise<JobQueueRow[]> {
  const rows = await db
    .selectFrom('jobs')
    .select(({ fn, eb }) => [
      'task',
      'state',
      fn.countAll<number | string | bigint>().as('count'),
      fn
        .min<number | string | null>(
          eb.case().when('run_at', '<=', now.getTime()).then(eb.ref('run_at')).else(null).end(),
        )
        .as('oldestDue'),
    ])
    .groupBy(['task', 'state'])
    .orderBy('task')
    .orderBy('state')
    .execute();
  return rows.map((r) => ({
    task: r.task,
    state: r.state,
    count: Number(r.count),
    oldestDueAt: r.oldestDue === null ? null : new Date(Number(r.oldestDue)),
  }));
}
