import type { Kysely, Selectable } from 'kysely';
import type { AlertTable, Database } from '../schema.js';

export interface AlertRecord {
  readonly id: string;
  readonly kind: string;
  readonly accountId: string | null;
  readonly paymentId: string | null;
  readonly message: string;
  readonly uniqueKey: string | null;
  readonly createdAt: Date;
  readonly resolvedAt: Date | null;
}

function toRecord(r: Selectable<AlertTable>): AlertRecord {
  return {
    id: r.id,
    kind: r.kind,
    accountId: r.account_id,
    paymentId: r.payment_id,
    message: r.message,
    uniqueKey: r.unique_key,
    createdAt: new Date(Number(r.created_at)),
    resolvedAt: r.resolved_at === null ? null : new Date(Number(r.resolved_at)),
  };
}

/** Records an alert for a person. The same `uniqueKey` raises it once; returns whether it is new. */
export async function raiseAlert(
  db: Kysely<Database>,
  a: {
    id: string;
    kind: string;
    accountId?: string | null;
    paymentId?: string | null;
    message: string;
    uniqueKey?: string | null;
    now: Date;
  },
): Promise<boolean> {
  const result = await db
    .insertInto('alerts')
    .values({
      id: a.id,
      kind: a.kind,
      account_id: a.accountId ?? null,
      payment_id: a.paymentId ?? null,
      message: a.message,
      unique_key: a.uniqueKey ?? null,
      created_at: a.now.getTime(),
      resolved_at: null,
    })
    .onConflict((oc) => oc.column('unique_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function listAlerts(
  db: Kysely<Database>,
  filter: { open?: boolean; kind?: string; paymentId?: string; limit?: number } = {},
): Promise<AlertRecord[]> {
  let q = db.selectFrom('alerts').selectAll().orderBy('created_at', 'desc');
  if (filter.open) q = q.where('resolved_at', 'is', null);
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  if (filter.paymentId) q = q.where('payment_id', '=', filter.paymentId);
  return (await q.limit(filter.limit ?? 100).execute()).map(toRecord);
}
