import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/** `Idempotency-Key` on payment creation: a shop retrying after a lost answer gets the same payment. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('payments').addColumn('idempotency_key', 'text').execute();
  await db.schema
    .createIndex('payments_idempotency_key')
    .on('payments')
    .columns(['account_id', 'idempotency_key'])
    .unique()
    .where(sql.ref('idempotency_key'), 'is not', null)
    .execute();
}
