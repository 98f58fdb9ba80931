import type { Kysely, Selectable } from 'kysely';
import type { PaymentStatus, SignalSource } from '../../core/index.js';
import type { Database, SignalTable } from '../schema.js';

/** Settlements as journaled: the core ones, plus `unmatched` for a signal no payment claims. */
export type JournaledSettlement = 'applied' | 'duplicate' | 'stale' | 'conflict' | 'rejected' | 'unmatched';

export interface SignalRecord {
  readonly id: string;
  readonly paymentId: string | null;
  readonly inboxId: string | null;
  readonly source: SignalSource;
  readonly status: PaymentStatus;
  readonly gatewayStatus: string | null;
  readonly amount: { value: number; currency: string } | null;
  readonly gatewayRef: string | null;
  readonly settlement: JournaledSettlement;
  readonly reason: string;
  readonly facts: Record<string, string> | null;
  readonly createdAt: Date;
}

export type NewSignal = Omit<SignalRecord, 'createdAt'> & { readonly now: Date };

export function signalFromRow(row: Selectable<SignalTable>): SignalRecord {
  return {
    id: row.id,
    paymentId: row.payment_id,
    inboxId: row.inbox_id,
    source: row.source as SignalSource,
    status: row.status as PaymentStatus,
    gatewayStatus: row.gateway_status,
    amount:
      row.amount_value === null || row.currency === null
        ? null
        : { value: Number(row.amount_value), currency: row.currency },
    gatewayRef: row.gateway_ref,
    settlement: row.settlement as JournaledSettlement,
    reason: row.reason,
    facts: row.facts_json === null ? null : JSON.parse(row.facts_json),
    createdAt: new Date(Number(row.created_at)),
  };
}

export async function insertSignal(db: Kysely<Database>, s: NewSignal): Promise<void> {
  await db
    .insertInto('signals')
    .values({
      id: s.id,
      payment_id: s.paymentId,
      inbox_id: s.inboxId,
      source: s.source,
      status: s.status,
      gateway_status: s.gatewayStatus,
      amount_value: s.amount?.value ?? null,
      currency: s.amount?.currency ?? null,
      gateway_ref: s.gatewayRef,
      settlement: s.settlement,
      reason: s.reason,
      facts_json: s.facts ? JSON.stringify(s.facts) : null,
      created_at: s.now.getTime(),
    })
    .execute();
}

export async function signalsOfPayment(db: Kysely<Database>, paymentId: string): Promise<SignalRecord[]> {
  const rows = await db
    .selectFrom('signals')
    .selectAll()
    .where('payment_id', '=', paymentId)
    .orderBy('id', 'asc')
    .execute();
  return rows.map(signalFromRow);
}

export async function signalsOfInbox(db: Kysely<Database>, inboxId: string): Promise<SignalRecord[]> {
  const rows = await db
    .selectFrom('signals')
    .selectAll()
    .where('inbox_id', '=', inboxId)
    .orderBy('id')
    .execute();
  return rows.map(signalFromRow);
}
