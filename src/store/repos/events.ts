import type { Kysely, Selectable } from 'kysely';
import type { Database, EventTable } from '../schema.js';

/** What the shop is told: the payment as it stood right after the change that caused the event. */
export interface EventPayload {
  readonly type: string;
  readonly paymentId: string;
  readonly account: string;
  readonly orderRef: string;
  readonly status: string;
  readonly amount: { readonly value: number; readonly currency: string };
  readonly gatewayRef: string | null;
  readonly needsReview: boolean;
  /** Why, in words (the settlement's reason). */
  readonly reason: string;
}

export interface EventRecord {
  readonly id: string;
  readonly accountId: string;
  readonly paymentId: string;
  readonly type: string;
  readonly signalId: string;
  readonly effectKey: string;
  readonly payload: EventPayload;
  readonly createdAt: Date;
}

function toRecord(r: Selectable<EventTable>): EventRecord {
  return {
    id: r.id,
    accountId: r.account_id,
    paymentId: r.payment_id,
    type: r.type,
    signalId: r.signal_id,
    effectKey: r.effect_key,
    payload: JSON.parse(r.payload_json),
    createdAt: new Date(Number(r.created_at)),
  };
}

/** Inserts the event unless one exists for the same effect key; returns whether it was new. */
export async function insertEvent(
  db: Kysely<Database>,
  e: Omit<EventRecord, 'createdAt'> & { readonly now: Date },
): Promise<boolean> {
  const result = await db
    .insertInto('events')
    .values({
      id: e.id,
      account_id: e.accountId,
      payment_id: e.paymentId,
      type: e.type,
      signal_id: e.signalId,
      effect_key: e.effectKey,
      payload_json: JSON.stringify(e.payload),
      created_at: e.now.getTime(),
    })
    .onConflict((oc) => oc.column('effect_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function findEvent(db: Kysely<Database>, id: string): Promise<EventRecord | undefined> {
  const row = await db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toRecord(row);
}

export interface EventFilter {
  readonly paymentId?: string;
  readonly accountId?: string;
  readonly since?: Date;
  readonly until?: Date;
  readonly limit?: number;
}

export async function listEvents(db: Kysely<Database>, filter: EventFilter = {}): Promise<EventRecord[]> {
  let q = db.selectFrom('events').selectAll().orderBy('created_at').orderBy('id');
  if (filter.paymentId) q = q.where('payment_id', '=', filter.paymentId);
  if (filter.accountId) q = q.where('account_id', '=', filter.accountId);
  if (filter.since) q = q.where('created_at', '>=', filter.since.getTime());
  if (filter.until) q = q.where('created_at', '<', filter.until.getTime());
  if (filter.limit) q = q.limit(filter.limit);
  return (await q.execute()).map(toRecord);
}
