import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Capabilities } from '../dialect.js';

/** The first schema: accounts, payments, inbox, signals, jobs, sequences. Portable types only. */
export async function up(db: Kysely<unknown>, { types }: Capabilities): Promise<void> {
  const big = types.bigint;
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('gateway', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('payments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('order_ref', 'text', (c) => c.notNull())
    .addColumn('merchant_ref', 'text', (c) => c.notNull())
    .addColumn('amount_value', big, (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('gateway_ref', 'text')
    .addColumn('needs_review', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('checkout_json', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('payments_account_merchant_ref')
    .on('payments')
    .columns(['account_id', 'merchant_ref'])
    .unique()
    .execute();
  await db.schema
    .createIndex('payments_account_order_ref')
    .on('payments')
    .columns(['account_id', 'order_ref'])
    .execute();
  await db.schema
    .createIndex('payments_gateway_ref')
    .on('payments')
    .columns(['account_id', 'gateway_ref'])
    .execute();
  await db.schema.createIndex('payments_status').on('payments').columns(['status', 'updated_at']).execute();

  await db.schema
    .createTable('inbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('headers_json', 'text', (c) => c.notNull())
    .addColumn('body', types.bytes, (c) => c.notNull())
    .addColumn('body_truncated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('source_ip', 'text', (c) => c.notNull())
    .addColumn('received_at', big, (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('reason_code', 'text')
    .addColumn('reason', 'text')
    .addColumn('answer_status', 'integer')
    .addColumn('answer_body', 'text')
    .addColumn('processed_at', big)
    .execute();
  await db.schema
    .createIndex('inbox_account_received')
    .on('inbox')
    .columns(['account_id', 'received_at'])
    .execute();
  await db.schema.createIndex('inbox_verdict').on('inbox').columns(['verdict', 'received_at']).execute();

  await db.schema
    .createTable('signals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('payment_id', 'text', (c) => c.references('payments.id'))
    .addColumn('inbox_id', 'text', (c) => c.references('inbox.id'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('gateway_status', 'text')
    .addColumn('amount_value', big)
    .addColumn('currency', 'text')
    .addColumn('gateway_ref', 'text')
    .addColumn('settlement', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('facts_json', 'text')
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('signals_payment')
    .on('signals')
    .columns(['payment_id', 'created_at'])
    .execute();
  await db.schema.createIndex('signals_inbox').on('signals').column('inbox_id').execute();
  // One applied transition per payment and target status: a second writer racing to apply the same
  // change fails on this index and its transaction rolls back (belt and braces with the version check).
  await db.schema
    .createIndex('signals_one_applied_transition')
    .on('signals')
    .columns(['payment_id', 'status'])
    .unique()
    .where(sql.ref('settlement'), '=', 'applied')
    // A person's decision may legitimately move a payment back to a status it had before.
    .where(sql.ref('source'), '<>', 'operator')
    .execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('task', 'text', (c) => c.notNull())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('run_at', big, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', big)
    .addColumn('last_error', 'text')
    .addColumn('unique_key', 'text', (c) => c.unique())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_ready').on('jobs').columns(['state', 'run_at']).execute();

  await db.schema
    .createTable('sequences')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', big, (c) => c.notNull())
    .execute();
}
