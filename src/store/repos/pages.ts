import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';
import { type DeliveryRecord, deliveryFromRow } from './deliveries.js';
import { type InboxKind, type InboxRecord, type InboxVerdict, inboxFromRow } from './inbox.js';
import { type PaymentRecord, paymentFromRow } from './payments.js';
import { type SignalRecord, signalFromRow } from './signals.js';

/**
 * Keyset pages, newest first: rows are ordered by id descending (ids sort by creation time) and a
 * page continues strictly below the last id of the previous one, so rows written meanwhile never
 * shift a page. Each query asks for one row more than the page to know whether a next page exists.
 */
export interface PageRequest {
  readonly limit: number;
  /** The last id of the previous page. */
  readonly after?: string | undefined;
}

export interface Page<T> {
  readonly rows: T[];
  readonly more: boolean;
}

function page<T>(rows: T[], limit: number): Page<T> {
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}

/** `like` with `\` escaping `%`, `_` and itself: a prefix match on SQLite and PostgreSQL alike. */
export function likePrefix(column: string, prefix: string) {
  const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql<boolean>`${sql.ref(column)} like ${`${escaped}%`} escape '\\'`;
}

export interface PaymentPageFilter extends PageRequest {
  readonly accountId?: string | undefined;
  readonly status?: string | undefined;
  readonly needsReview?: boolean | undefined;
  /** Order reference, gateway reference or payment id: exact or prefix. */
  readonly q?: string | undefined;
  readonly createdFrom?: Date | undefined;
  readonly createdTo?: Date | undefined;
}

export async function pagePayments(db: Kysely<Database>, f: PaymentPageFilter): Promise<Page<PaymentRecord>> {
  let q = db.selectFrom('payments').selectAll().orderBy('id', 'desc');
  if (f.after) q = q.where('id', '<', f.after);
  if (f.accountId) q = q.where('account_id', '=', f.accountId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.needsReview !== undefined) q = q.where('needs_review', '=', f.needsReview ? 1 : 0);
  if (f.createdFrom) q = q.where('created_at', '>=', f.createdFrom.getTime());
  if (f.createdTo) q = q.where('created_at', '<', f.createdTo.getTime());
  const text = f.q?.trim();
  if (text) {
    q = q.where((eb) =>
      eb.or([
        likePrefix('order_ref', text),
        likePrefix('merchant_ref', text),
        likePrefix('gateway_ref', text),
        likePrefix('id', text),
      ]),
    );
  }
  const rows = await q.limit(f.limit + 1).execute();
  return page(rows.map(paymentFromRow), f.limit);
}

export interface InboxPageFilter extends PageRequest {
  readonly accountId?: string | undefined;
  readonly verdicts?: readonly InboxVerdict[] | undefined;
  readonly kind?: InboxKind | undefined;
}

export async function pageInbox(db: Kysely<Database>, f: InboxPageFilter): Promise<Page<InboxRecord>> {
  let q = db.selectFrom('inbox').selectAll().orderBy('id', 'desc');
  if (f.after) q = q.where('id', '<', f.after);
  if (f.accountId) q = q.where('account_id', '=', f.accountId);
  if (f.verdicts && f.verdicts.length > 0) q = q.where('verdict', 'in', [...f.verdicts]);
  if (f.kind) q = q.where('kind', '=', f.kind);
  const rows = await q.limit(f.limit + 1).execute();
  return page(rows.map(inboxFromRow), f.limit);
}

export interface DeliveryPageFilter extends PageRequest {
  readonly eventId?: string | undefined;
  readonly paymentId?: string | undefined;
  readonly accountId?: string | undefined;
  readonly ok?: boolean | undefined;
}

export async function pageDeliveries(
  db: Kysely<Database>,
  f: DeliveryPageFilter,
): Promise<Page<DeliveryRecord & { readonly paymentId: string; readonly eventType: string }>> {
  let q = db
    .selectFrom('deliveries')
    .innerJoin('events', 'events.id', 'deliveries.event_id')
    .selectAll('deliveries')
    .select(['events.payment_id as payment_id', 'events.type as event_type'])
    .orderBy('deliveries.id', 'desc');
  if (f.after) q = q.where('deliveries.id', '<', f.after);
  if (f.eventId) q = q.where('deliveries.event_id', '=', f.eventId);
  if (f.paymentId) q = q.where('events.payment_id', '=', f.paymentId);
  if (f.accountId) q = q.where('deliveries.account_id', '=', f.accountId);
  if (f.ok !== undefined) q = q.where('deliveries.ok', '=', f.ok ? 1 : 0);
  const rows = await q.limit(f.limit + 1).execute();
  return page(
    rows.map(({ payment_id, event_type, ...row }) => ({
      ...deliveryFromRow(row),
      paymentId: payment_id,
      eventType: event_type,
    })),
    f.limit,
  );
}

/** Conflicting signals of these payments, oldest first. */
export async function conflictSignals(
  db: Kysely<Database>,
  paymentIds: readonly string[],
): Promise<SignalRecord[]> {
  if (paymentIds.length === 0) return [];
  const rows = await db
    .selectFrom('signals')
    .selectAll()
    .where('payment_id', 'in', [...paymentIds])
    .where('settlement', '=', 'conflict')
    .orderBy('id')
    .execute();
  return rows.map(signalFromRow);
}
