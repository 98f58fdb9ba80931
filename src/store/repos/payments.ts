import type { Kysely, Selectable } from 'kysely';
import type { Money, PaymentState, PaymentStatus } from '../../core/index.js';
import type { Database, PaymentTable } from '../schema.js';

export interface PaymentRecord extends PaymentState {
  readonly accountId: string;
  readonly orderRef: string;
  readonly merchantRef: string;
  readonly version: number;
  /** How the customer is sent to the gateway, as built at creation (JSON). */
  readonly checkout: unknown;
  readonly idempotencyKey: string | null;
  /** Digital goods: where the customer finds what they bought (placeholder already replaced), or a message. */
  readonly fulfillmentUrl: string | null;
  readonly fulfillmentMessage: string | null;
  /** The shop's session of the customer: repurchase detection. */
  readonly sessionId: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewPayment {
  readonly id: string;
  readonly accountId: string;
  readonly orderRef: string;
  readonly merchantRef: string;
  readonly amount: Money;
  readonly checkout: unknown;
  readonly idempotencyKey?: string | undefined;
  readonly fulfillmentUrl?: string | undefined;
  readonly fulfillmentMessage?: string | undefined;
  readonly sessionId?: string | undefined;
  readonly now: Date;
}

export function paymentFromRow(row: Selectable<PaymentTable>): PaymentRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    orderRef: row.order_ref,
    merchantRef: row.merchant_ref,
    amount: { value: Number(row.amount_value), currency: row.currency },
    status: row.status as PaymentStatus,
    gatewayRef: row.gateway_ref,
    needsReview: Number(row.needs_review) === 1,
    version: Number(row.version),
    checkout: JSON.parse(row.checkout_json),
    idempotencyKey: row.idempotency_key,
    fulfillmentUrl: row.fulfillment_url,
    fulfillmentMessage: row.fulfillment_message,
    sessionId: row.session_id,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}

export async function insertPayment(db: Kysely<Database>, p: NewPayment): Promise<PaymentRecord> {
  const row = await db
    .insertInto('payments')
    .values({
      id: p.id,
      account_id: p.accountId,
      order_ref: p.orderRef,
      merchant_ref: p.merchantRef,
      amount_value: p.amount.value,
      currency: p.amount.currency,
      status: 'created',
      gateway_ref: null,
      needs_review: 0,
      version: 1,
      checkout_json: JSON.stringify(p.checkout),
      idempotency_key: p.idempotencyKey ?? null,
      fulfillment_url: p.fulfillmentUrl ?? null,
      fulfillment_message: p.fulfillmentMessage ?? null,
      session_id: p.sessionId ?? null,
      created_at: p.now.getTime(),
      updated_at: p.now.getTime(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return paymentFromRow(row);
}

export async function findPayment(db: Kysely<Database>, id: string): Promise<PaymentRecord | undefined> {
  const row = await db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
  return row && paymentFromRow(row);
}

/** Finds the payment a gateway message speaks of, strongest key first. */
/**
 * The payment a gateway message names, strongest key first. A payment found by a weaker key must not
 * contradict a stronger one the message also gives: a message naming our payment id A and the
 * gateway reference of payment B is about no payment of ours (unmatched), never about B.
 */
export async function findPaymentByLookup(
  db: Kysely<Database>,
  accountId: string,
  lookup: {
    paymentId?: string | undefined;
    merchantRef?: string | undefined;
    gatewayRef?: string | undefined;
  },
): Promise<PaymentRecord | undefined> {
  const base = db.selectFrom('payments').selectAll().where('account_id', '=', accountId);
  let row: Selectable<PaymentTable> | undefined;
  if (lookup.paymentId) row = await base.where('id', '=', lookup.paymentId).executeTakeFirst();
  if (!row && lookup.merchantRef) {
    row = await base.where('merchant_ref', '=', lookup.merchantRef).executeTakeFirst();
  }
  if (!row && lookup.gatewayRef) {
    row = await base.where('gateway_ref', '=', lookup.gatewayRef).executeTakeFirst();
  }
  if (!row) return undefined;
  const contradicts =
    (Boolean(lookup.paymentId) && lookup.paymentId !== row.id) ||
    (Boolean(lookup.merchantRef) && lookup.merchantRef !== row.merchant_ref);
  return contradicts ? undefined : paymentFromRow(row);
}

/**
 * Writes a settled payment if nobody changed it since it was read (optimistic concurrency). Returns
 * false when the version moved: the caller re-reads and settles again.
 */
export async function updatePaymentIfUnchanged(
  db: Kysely<Database>,
  before: PaymentRecord,
  after: PaymentState,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('payments')
    .set({
      status: after.status,
      gateway_ref: after.gatewayRef,
      needs_review: after.needsReview ? 1 : 0,
      version: before.version + 1,
      updated_at: now.getTime(),
    })
    .where('id', '=', before.id)
    .where('version', '=', before.version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface PaymentListFilter {
  readonly accountId?: string;
  readonly limit?: number;
}

export async function listPayments(
  db: Kysely<Database>,
  filter: PaymentListFilter = {},
): Promise<PaymentRecord[]> {
  let q = db.selectFrom('payments').selectAll().orderBy('id', 'desc');
  if (filter.accountId) q = q.where('account_id', '=', filter.accountId);
  const rows = await q.limit(filter.limit ?? 100).execute();
  return rows.map(paymentFromRow);
}

export async function findPaymentByIdempotencyKey(
  db: Kysely<Database>,
  accountId: string,
  key: string,
): Promise<PaymentRecord | undefined> {
  const row = await db
    .selectFrom('payments')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  return row && paymentFromRow(row);
}

/** Records the checkout a gateway gave after the payment was stored (server-to-server starts). */
export async function setCheckout(
  db: Kysely<Database>,
  id: string,
  checkout: unknown,
  gatewayRef: string | null,
  now: Date,
): Promise<void> {
  await db
    .updateTable('payments')
    .set((eb) => ({
      checkout_json: JSON.stringify(checkout),
      gateway_ref: gatewayRef,
      version: eb('version', '+', 1),
      updated_at: now.getTime(),
    }))
    .where('id', '=', id)
    .execute();
}

/**
 * Repurchase detection (GNU Taler's idea): a payment of this account, in this session, for this
 * fulfillment URL, that is paid: captured (and, when `allowRefunded`, refunded in part or whole too).
 * The oldest one, so the customer always lands on the same purchase.
 */
export async function findPaidPurchase(
  db: Kysely<Database>,
  input: { accountId: string; sessionId: string; fulfillmentUrl: string; allowRefunded: boolean },
): Promise<PaymentRecord | undefined> {
  const statuses: PaymentStatus[] = input.allowRefunded
    ? ['captured', 'partially_refunded', 'refunded']
    : ['captured'];
  const row = await db
    .selectFrom('payments')
    .selectAll()
    .where('account_id', '=', input.accountId)
    .where('session_id', '=', input.sessionId)
    .where('fulfillment_url', '=', input.fulfillmentUrl)
    .where('status', 'in', statuses)
    .where('needs_review', '=', 0)
    .orderBy('created_at')
    .orderBy('id')
    .executeTakeFirst();
  return row && paymentFromRow(row);
}
