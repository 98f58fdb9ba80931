import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Capabilities } from '../dialect.js';

/**
 * Alerts folded by cause (issue 6): one record per cause and UTC hour instead of one per payment.
 *
 * - `cause`: kind + account + what fails (`notification-overdue:acc1`, `webhook-failing:acc1:<url>`);
 * - `unique_key` now holds `<cause>@<hour>` while the record is open (see engine/alerts/raise.ts for
 *   the folding rule); resolving a record sets it to NULL, so the next raise opens a new one;
 * - `occurrences`, `first_seen_at`, `last_seen_at` say how often and when; `alert_samples` keeps a
 *   bounded list of examples (payment, event or inbox ids), so a filter by payment still finds it.
 *
 * Existing rows are migrated as records of one occurrence whose cause is `kind:account`; their old
 * keys (`kind:<payment id>`) are kept, they can never equal a new `…@<hour>` key.
 */
export async function up(db: Kysely<unknown>, { types }: Capabilities): Promise<void> {
  const big = types.bigint;
  await db.schema
    .alterTable('alerts')
    .addColumn('cause', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .alterTable('alerts')
    .addColumn('severity', 'text', (c) => c.notNull().defaultTo('warning'))
    .execute();
  await db.schema
    .alterTable('alerts')
    .addColumn('occurrences', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('alerts')
    .addColumn('first_seen_at', big, (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('alerts')
    .addColumn('last_seen_at', big, (c) => c.notNull().defaultTo(0))
    .execute();
  // `||` concatenates on SQLite and PostgreSQL alike.
  await sql`update alerts set cause = kind || ':' || coalesce(account_id, '-'),
    first_seen_at = created_at, last_seen_at = created_at`.execute(db);
  await db.schema.createIndex('alerts_cause').on('alerts').columns(['cause', 'created_at']).execute();
  await db.schema.createIndex('alerts_account').on('alerts').columns(['account_id', 'created_at']).execute();

  await db.schema
    .createTable('alert_samples')
    .addColumn('alert_id', 'text', (c) => c.notNull().references('alerts.id'))
    .addColumn('sample', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_samples_pk', ['alert_id', 'sample'])
    .execute();
  await db.schema.createIndex('alert_samples_sample').on('alert_samples').columns(['sample']).execute();
  await sql`insert into alert_samples (alert_id, sample, created_at)
    select id, payment_id, created_at from alerts where payment_id is not null`.execute(db);
}
