import type { Kysely, Migration, MigrationProvider, MigrationResultSet } from 'kysely';
import { Migrator } from 'kysely';
import { QuittanceError } from '../../core/errors.js';
import type { Store } from '../dialect.js';
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

/** Brings the schema to the latest version. Kysely's migrator never throws; this one does, clearly. */
export async function migrate(store: Store): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db: store.db,
    provider: new InCodeProvider(store.capabilities),
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
