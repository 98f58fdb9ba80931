import type { Kysely, Migration, MigrationProvider, MigrationResultSet } from 'kysely';
import { Migrator, sql } from 'kysely';
import { QuittanceError } from '../../core/errors.js';
import type { Store } from '../dialect.js';
import type { Database } from '../schema.js';
import * as init from './0001-init.js';
import * as delivery from './0002-delivery.js';
import * as idempotency from './0003-idempotency.js';
import * as fulfillment from './0004-fulfillment.js';
import * as alerts from './0005-alerts.js';
import * as apiAccess from './0006-api-access.js';

type Step = { up(db: Kysely<unknown>, capabilities: Store['capabilities']): Promise<void> };

/** In-code, ordered: no filesystem globbing, so the built package migrates the same as the sources. */
const STEPS: ReadonlyArray<readonly [string, Step]> = [
  ['0001-init', init],
  ['0002-delivery', delivery],
  ['0003-idempotency', idempotency],
  ['0004-fulfillment', fulfillment],
  ['0005-alerts', alerts],
  ['0006-api-access', apiAccess],
];

class InCodeProvider implements MigrationProvider {
  readonly #capabilities: Store['capabilities'];
  constructor(capabilities: Store['capabilities']) {
    this.#capabilities = capabilities;
  }
  async getMigrations(): Promise<Record<string, Migration>> {
    const capabilities = this.#capabilities;
    return Object.fromEntries(
      STEPS.map(([name, step]) => [name, { up: (db: Kysely<unknown>) => step.up(db, capabilities) }]),
    );
  }
}

/**
 * Brings the schema to the latest version. Kysely's migrator never throws; this one does, clearly.
 *
 * Several instances may start at once: on PostgreSQL, Kysely's migrator holds a session advisory lock
 * (`pg_advisory_lock`, on one connection) around a single transaction that reads the executed
 * migrations and runs the pending ones, so the first instance migrates and the others, once they
 * get the lock, find nothing to do. The pool's statement timeout is lifted on that connection: a
 * migration on a large table, or the wait for another instance's, may take longer.
 */
export async function migrate(store: Store): Promise<MigrationResultSet> {
  if (store.dialect === 'sqlite') {
    // Kysely takes no lock on SQLite (it assumes one connection): two processes starting on one file
    // would both create the tables. BEGIN IMMEDIATE takes the write lock first (the second waits
    // through busy_timeout), and SQLite's DDL is transactional, so it then finds nothing to do.
    return store.db.connection().execute(async (connection) => {
      await sql`begin immediate`.execute(connection);
      try {
        const result = await migrateOn(connection, store.capabilities);
        await sql`commit`.execute(connection);
        return result;
      } catch (error) {
        await sql`rollback`.execute(connection).catch(() => {});
        throw error;
      }
    });
  }
  return store.db.connection().execute(async (connection) => {
    await sql`set statement_timeout = 0`.execute(connection);
    try {
      return await migrateOn(connection, store.capabilities);
    } finally {
      await sql`reset statement_timeout`.execute(connection);
    }
  });
}

async function migrateOn(
  db: Kysely<Database>,
  capabilities: Store['capabilities'],
): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: new InCodeProvider(capabilities),
    migrationTableName: 'quittance_migrations',
    migrationLockTableName: 'quittance_migrations_lock',
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new QuittanceError('INTERNAL', `migration ${failed} failed: ${String(result.error)}`, undefined, {
      cause: result.error,
    });
  }
  return result;
}

/**
 * The migrations this code knows that the database has not run yet (empty: up to date). One small
 * query, cheap enough for a readiness probe; throws when the database cannot be reached.
 */
export async function pendingMigrations(store: Store): Promise<string[]> {
  const done = await sql<{ name: string }>`select name from quittance_migrations`.execute(store.db);
  const applied = new Set(done.rows.map((row) => row.name));
  return STEPS.map(([name]) => name).filter((name) => !applied.has(name));
}
