import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * Digital goods (issue 5): where the customer finds what they bought (URL, or a message shown after
 * payment) and the shop's session of the customer. The index serves repurchase detection: "has this
 * session of this account already paid for this fulfillment URL?".
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('payments').addColumn('fulfillment_url', 'text').execute();
  await db.schema.alterTable('payments').addColumn('fulfillment_message', 'text').execute();
  await db.schema.alterTable('payments').addColumn('session_id', 'text').execute();
  await db.schema
    .createIndex('payments_session_fulfillment')
    .on('payments')
    .columns(['account_id', 'session_id', 'fulfillment_url'])
    .where(sql.ref('session_id'), 'is not', null)
    .execute();
}
