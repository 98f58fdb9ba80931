import type { Kysely, Selectable } from 'kysely';
import type { AlertTable, Database } from '../schema.js';

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** How many examples one record keeps: enough to start looking, never one row per payment. */
export const MAX_ALERT_SAMPLES = 5;

export interface AlertRecord {
  readonly id: string;
  readonly kind: string;
  /** kind + account + what fails: what "the same alert" means when raises are folded. */
  readonly cause: string;
  readonly severity: AlertSeverity;
  readonly accountId: string | null;
  /** The payment of the first occurrence, when the alert is about payments. */
  readonly paymentId: string | null;
  readonly message: string;
  readonly uniqueKey: string | null;
  /** Occurrences folded into this record. */
  readonly count: number;
  /** Up to MAX_ALERT_SAMPLES ids (payments, events, inbox entries), first seen first. */
  readonly samples: readonly string[];
  readonly firstSeenAt: Date;
  readonly lastSeenAt: Date;
  readonly createdAt: Date;
  readonly resolvedAt: Date | null;
}

/** What the record says so far, for messages that count ("N payments…"). */
export interface AlertTally {
  readonly count: number;
  readonly samples: readonly string[];
}

export interface FoldAlertInput {
  readonly id: string;
  readonly kind: string;
  readonly cause: string;
  /** Open records with the same key fold together (engine/alerts/raise.ts builds it). */
  readonly uniqueKey: string;
  readonly severity: AlertSeverity;
  readonly accountId?: string | null | undefined;
  readonly paymentId?: string | null | undefined;
  /** An example id to keep with the record (defaults to nothing). */
  readonly sample?: string | undefined;
  /** A text, kept from the first occurrence; or a function of the tally, rewritten at every fold. */
  readonly message: string | ((tally: AlertTally) => string);
  readonly now: Date;
}

function toRecord(r: Selectable<AlertTable>, samples: readonly string[]): AlertRecord {
  return {
    id: r.id,
    kind: r.kind,
    cause: r.cause,
    severity: (ALERT_SEVERITIES as readonly string[]).includes(r.severity)
      ? (r.severity as AlertSeverity)
      : 'warning',
    accountId: r.account_id,
    paymentId: r.payment_id,
    message: r.message,
    uniqueKey: r.unique_key,
    count: Number(r.occurrences),
    samples,
    firstSeenAt: new Date(Number(r.first_seen_at)),
    lastSeenAt: new Date(Number(r.last_seen_at)),
    createdAt: new Date(Number(r.created_at)),
    resolvedAt: r.resolved_at === null ? null : new Date(Number(r.resolved_at)),
  };
}

/**
 * Records one occurrence: a new record, or folded into the open record with the same `uniqueKey`
 * (one more occurrence, last seen now, the sample added while fewer than MAX_ALERT_SAMPLES). Call it
 * inside a transaction: the upsert locks the row (PostgreSQL) or holds the only writer (SQLite), so the
 * sample and message written next see every earlier fold.
 *
 * Portable: `INSERT … ON CONFLICT (unique_key) DO UPDATE … RETURNING` exists on SQLite ≥ 3.35 and
 * PostgreSQL; the returned id tells a new record (ours) from a folded one (the existing row's).
 */
export async function foldAlert(
  db: Kysely<Database>,
  a: FoldAlertInput,
): Promise<{ created: boolean; alert: AlertRecord }> {
  const at = a.now.getTime();
  const firstTally: AlertTally = { count: 1, samples: a.sample === undefined ? [] : [a.sample] };
  const row = await db
    .insertInto('alerts')
    .values({
      id: a.id,
      kind: a.kind,
      cause: a.cause,
      severity: a.severity,
      account_id: a.accountId ?? null,
      payment_id: a.paymentId ?? null,
      message: typeof a.message === 'function' ? a.message(firstTally) : a.message,
      unique_key: a.uniqueKey,
      occurrences: 1,
      first_seen_at: at,
      last_seen_at: at,
      created_at: at,
      resolved_at: null,
    })
    .onConflict((oc) =>
      oc.column('unique_key').doUpdateSet((eb) => ({
        occurrences: eb('alerts.occurrences', '+', 1),
        last_seen_at: eb.ref('excluded.last_seen_at'),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  const created = row.id === a.id;

  let samples = await samplesOf(db, row.id);
  if (a.sample !== undefined && !samples.includes(a.sample) && samples.length < MAX_ALERT_SAMPLES) {
    await db
      .insertInto('alert_samples')
      .values({ alert_id: row.id, sample: a.sample, created_at: at })
      .onConflict((oc) => oc.columns(['alert_id', 'sample']).doNothing())
      .execute();
    samples = [...samples, a.sample];
  }
  let message = row.message;
  if (!created && typeof a.message === 'function') {
    message = a.message({ count: Number(row.occurrences), samples });
    await db.updateTable('alerts').set({ message }).where('id', '=', row.id).execute();
  }
  return { created, alert: toRecord({ ...row, message }, samples) };
}

async function samplesOf(db: Kysely<Database>, alertId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('alert_samples')
    .select('sample')
    .where('alert_id', '=', alertId)
    .orderBy('created_at')
    .orderBy('sample')
    .limit(MAX_ALERT_SAMPLES)
    .execute();
  return rows.map((r) => r.sample);
}

export async function findAlert(db: Kysely<Database>, id: string): Promise<AlertRecord | undefined> {
  const row = await db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row, await samplesOf(db, id)) : undefined;
}

export interface AlertFilter {
  readonly open?: boolean | undefined;
  readonly kind?: string | undefined;
  readonly accountId?: string | undefined;
  /** Records whose first payment or one of whose samples is this id. */
  readonly paymentId?: string | undefined;
  readonly limit?: number | undefined;
}

/** Newest first. */
export async function listAlerts(db: Kysely<Database>, filter: AlertFilter = {}): Promise<AlertRecord[]> {
  let q = db.selectFrom('alerts').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc');
  if (filter.open) q = q.where('resolved_at', 'is', null);
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  if (filter.accountId) q = q.where('account_id', '=', filter.accountId);
  const paymentId = filter.paymentId;
  if (paymentId) {
    q = q.where((eb) =>
      eb.or([
        eb('payment_id', '=', paymentId),
        eb.exists(
          eb
            .selectFrom('alert_samples')
            .select('alert_samples.alert_id')
            .whereRef('alert_samples.alert_id', '=', 'alerts.id')
            .where('alert_samples.sample', '=', paymentId),
        ),
      ]),
    );
  }
  const rows = await q.limit(filter.limit ?? 100).execute();
  if (rows.length === 0) return [];
  const sampleRows = await db
    .selectFrom('alert_samples')
    .select(['alert_id', 'sample'])
    .where(
      'alert_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('created_at')
    .orderBy('sample')
    .execute();
  const byAlert = new Map<string, string[]>();
  for (const s of sampleRows) {
    const list = byAlert.get(s.alert_id) ?? [];
    if (list.length < MAX_ALERT_SAMPLES) list.push(s.sample);
    byAlert.set(s.alert_id, list);
  }
  return rows.map((r) => toRecord(r, byAlert.get(r.id) ?? []));
}

/**
 * Marks a record resolved and frees its key, so the same cause raised again (even within the hour)
 * opens a new record and is delivered again. False when there is no such open record.
 */
export async function resolveAlert(db: Kysely<Database>, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('alerts')
    .set({ resolved_at: now.getTime(), unique_key: null })
    .where('id', '=', id)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
