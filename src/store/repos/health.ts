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

/**
 * Payments found PAID by the return, a poll or an operator, for which no notification from the gateway
 * ever came (issue 6: "the gateway cannot reach us"). Failures (refused, expired…) are left out: many
 * gateways do not notify them, and reconciliation expires abandoned payments by poll as a matter of course.
 */
export async function listOverdueNotifications(
  db: Kysely<Database>,
  query: OverdueQuery,
): Promise<OverdueNotification[]> {
  let q = db
    .selectFrom('signals as f')
    .innerJoin('payments as p', 'p.id', 'f.payment_id')
    .select(['f.payment_id as paymentId', 'p.account_id as accountId', 'f.created_at as finalAt'])
    .select(['f.source as source', 'f.status as status'])
    .where('f.settlement', '=', 'applied')
    .where('f.status', 'in', PAID_STATUSES)
    .where('f.source', '<>', 'notification')
    .where('f.created_at', '<', query.finalBefore.getTime())
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
    )
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
    )
    .orderBy('f.created_at')
    .orderBy('f.id')
    .limit(query.limit ?? 100);
  if (query.accountId !== undefined) q = q.where('p.account_id', '=', query.accountId);
  if (query.finalAfter !== undefined) q = q.where('f.created_at', '>=', query.finalAfter.getTime());
  const rows = await q.execute();
  return rows.map((r) => ({
    paymentId: r.paymentId as string,
    accountId: r.accountId,
    finalAt: new Date(Number(r.finalAt)),
    settledBy: r.source as OverdueNotification['settledBy'],
    status: r.status as PaymentStatus,
  }));
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
