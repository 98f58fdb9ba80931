import { type Engine, startEngine } from '../engine/engine.js';
import { createLogger } from '../observability/logger.js';
import { createStore } from '../store/db.js';
import { loadCliConfig } from './load-config.js';

export interface StoreOptions {
  config?: string | undefined;
  db?: string | undefined;
}

/**
 * Opens the engine of the configured database for one command, closes it after. Quiet by default
 * (warnings only); `'error'` for commands whose own output already reports every outcome.
 */
export async function withEngine<T>(
  options: StoreOptions,
  use: (engine: Engine) => Promise<T>,
  logLevel: 'warn' | 'error' = 'warn',
): Promise<T> {
  const { config } = loadCliConfig(options);
  const store = createStore(config.database);
  try {
    const engine = await startEngine({
      store,
      config,
      logger: createLogger(logLevel),
      publicUrl: config.publicUrl ?? 'http://127.0.0.1',
    });
    return await use(engine);
  } finally {
    await store.close();
  }
}
