import type { Kysely } from 'kysely';
import type { Capabilities } from '../dialect.js';

/** Events for the shop, delivery attempts, endpoint health, alerts. */
export async function up(db: Kysely<unknown>, { types }: Capabilities): Promise<void> {
  const big = types.bigint;
  await db.schema
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    // The signal whose settlement caused the event.
    .addColumn('signal_id', 'text', (c) => c.notNull())
    // The effect's idempotency key: one event per payment milestone, whatever raced to cause it.
    .addColumn('effect_key', 'text', (c) => c.notNull().unique())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_payment').on('events').columns(['payment_id', 'created_at']).execute();
  await db.schema.createIndex('events_created').on('events').columns(['account_id', 'created_at']).execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('response_excerpt', 'text')
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('deliveries_event')
    .on('deliveries')
    .columns(['event_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('deliveries_account')
    .on('deliveries')
    .columns(['account_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('endpoints')
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failing_since', big)
    .addColumn('last_success_at', big)
    .addColumn('disabled_at', big)
    .addColumn('disabled_reason', 'text')
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('payment_id', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    // Raising the same alert twice (same cause) is a no-op: one row per unique key.
    .addColumn('unique_key', 'text', (c) => c.unique())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('resolved_at', big)
    .execute();
  await db.schema.createIndex('alerts_open').on('alerts').columns(['resolved_at', 'created_at']).execute();
}
