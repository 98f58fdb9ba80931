import type { Kysely, Selectable } from 'kysely';
import type { Database, DeliveryTable } from '../schema.js';

/** One attempt at POSTing an event to a shop's webhook URL, whatever came of it. */
export interface DeliveryRecord {
  readonly id: string;
  readonly eventId: string;
  readonly accountId: string;
  /** The URL as shown to people: no user-info, query values hidden. */
  readonly url: string;
  /** The attempt's number within its job (a replay starts a new job at 1). */
  readonly attempt: number;
  /** The shop's HTTP status; null when no answer came (timeout, connection refused…). */
  readonly statusCode: number | null;
  /** Why the attempt failed, in words; null when delivered. */
  readonly error: string | null;
  readonly latencyMs: number;
  /** The first 1 KB of the answer's body, as text. */
  readonly responseExcerpt: string | null;
  readonly ok: boolean;
  readonly createdAt: Date;
}

export function deliveryFromRow(r: Selectable<DeliveryTable>): DeliveryRecord {
  return {
    id: r.id,
    eventId: r.event_id,
    accountId: r.account_id,
    url: r.url,
    attempt: Number(r.attempt),
    statusCode: r.status_code === null ? null : Number(r.status_code),
    error: r.error,
    latencyMs: Number(r.latency_ms),
    responseExcerpt: r.response_excerpt,
    ok: Number(r.ok) === 1,
    createdAt: new Date(Number(r.created_at)),
  };
}

export async function insertDelivery(
  db: Kysely<Database>,
  d: Omit<DeliveryRecord, 'createdAt'> & { readonly now: Date },
): Promise<void> {
  await db
    .insertInto('deliveries')
    .values({
      id: d.id,
      event_id: d.eventId,
      account_id: d.accountId,
      url: d.url,
      attempt: d.attempt,
      status_code: d.statusCode,
      error: d.error,
      latency_ms: Math.max(0, Math.round(d.latencyMs)),
      response_excerpt: d.responseExcerpt,
      ok: d.ok ? 1 : 0,
      created_at: d.now.getTime(),
    })
    .execute();
}

export interface DeliveryFilter {
  readonly eventId?: string;
  readonly accountId?: string;
  readonly since?: Date;
  readonly until?: Date;
  readonly ok?: boolean;
  readonly limit?: number;
}

/** Attempts, oldest first. */
export async function listDeliveries(
  db: Kysely<Database>,
  filter: DeliveryFilter = {},
): Promise<DeliveryRecord[]> {
  let q = db.selectFrom('deliveries').selectAll().orderBy('created_at').orderBy('id');
  if (filter.eventId) q = q.where('event_id', '=', filter.eventId);
  if (filter.accountId) q = q.where('account_id', '=', filter.accountId);
  if (filter.since) q = q.where('created_at', '>=', filter.since.getTime());
  if (filter.until) q = q.where('created_at', '<', filter.until.getTime());
  if (filter.ok !== undefined) q = q.where('ok', '=', filter.ok ? 1 : 0);
  if (filter.limit) q = q.limit(filter.limit);
  return (await q.execute()).map(deliveryFromRow);
}
