import type { Command } from '@commander-js/extra-typings';
import { startEngine } from '../../engine/engine.js';
import { startEngineWorker } from '../../engine/runtime.js';
import { createLogger } from '../../observability/logger.js';
import { createStore } from '../../store/db.js';
import { loadCliConfig } from '../load-config.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run queued jobs only (shop webhooks, handlers, reconciliation), without HTTP')
    .option('-c, --config <file>', 'JSON config file (default: $QUITTANCE_CONFIG)')
    .option('--db <url>', 'database URL (default: config database)')
    .addHelpText(
      'after',
      `
Examples:
  $ quittance worker --config quittance.json
  $ quittance serve --config quittance.json --no-worker & quittance worker --config quittance.json`,
    )
    .action(async (options) => {
      const { config } = loadCliConfig(options);
      const logger = createLogger(config.logLevel);
      const store = createStore(config.database);
      const engine = await startEngine({
        store,
        config,
        logger,
        publicUrl: config.publicUrl ?? 'http://127.0.0.1',
      });
      const worker = startEngineWorker(engine);
      logger.info({ workerId: worker.id, database: store.location }, 'job worker started');
      const stop = async () => {
        logger.info('stopping the worker: finishing running jobs');
        await worker.stop(10_000);
        await store.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
