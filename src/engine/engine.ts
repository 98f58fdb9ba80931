import type { ResolvedConfig } from '../config/load.js';
import type { Logger } from '../observability/logger.js';
import type { Store } from '../store/dialect.js';
import { migrate } from '../store/migrations/index.js';
import { upsertAccount } from '../store/repos/accounts.js';
import { type IdGenerator, monotonicIds } from './ids.js';

/** Everything a use case needs: storage, configuration, a clock, ids and a logger. */
export interface Engine {
  readonly store: Store;
  readonly config: ResolvedConfig;
  readonly clock: () => Date;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  /** Base URL gateways and customers reach us at (no trailing slash). */
  readonly publicUrl: string;
}

export interface EngineOptions {
  readonly store: Store;
  readonly config: ResolvedConfig;
  readonly logger: Logger;
  readonly publicUrl: string;
  readonly clock?: () => Date;
  readonly ids?: IdGenerator;
}

/** Migrates the database, mirrors the configured accounts into it, and returns the engine. */
export async function startEngine(options: EngineOptions): Promise<Engine> {
  await migrate(options.store);
  const clock = options.clock ?? (() => new Date());
  const now = clock();
  for (const account of options.config.accounts.values()) {
    await upsertAccount(
      options.store.db,
      { id: account.id, gateway: account.gateway, mode: account.mode },
      now,
    );
  }
  return {
    store: options.store,
    config: options.config,
    clock,
    ids: options.ids ?? monotonicIds(() => clock().getTime()),
    logger: options.logger,
    publicUrl: options.publicUrl.replace(/\/+$/, ''),
  };
}
