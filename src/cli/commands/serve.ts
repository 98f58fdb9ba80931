import type { Command } from '@commander-js/extra-typings';
import { startEngine } from '../../engine/engine.js';
import { startEngineWorker } from '../../engine/runtime.js';
import { createApp } from '../../http/app.js';
import { listen } from '../../http/server.js';
import { createLogger } from '../../observability/logger.js';
import { createStore } from '../../store/db.js';
import { loadCliConfig } from '../load-config.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('receive notifications and returns, and serve the API')
    .option('-c, --config <file>', 'JSON config file (default: $QUITTANCE_CONFIG)')
    .option('-p, --port <n>', 'port to listen on (default: config listen.port, 8080)')
    .option('--host <host>', 'address to listen on (default: config listen.host, 127.0.0.1)')
    .option('--db <url>', 'database URL, e.g. sqlite:./quittance.db (default: config database)')
    .option('--no-worker', 'do not run the job worker here (run `quittance worker` apart)')
    .addHelpText(
      'after',
      `
Examples:
  $ quittance serve --config quittance.json
  $ QUITTANCE_CONFIG=/etc/quittance.json quittance serve --port 9000 --db sqlite:/var/lib/quittance/q.db`,
    )
    .action(async (options) => {
      const { config, source } = loadCliConfig(options);
      const logger = createLogger(config.logLevel);
      const host = options.host ?? config.listen.host;
      const port = options.port === undefined ? config.listen.port : Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`--port must be an integer from 0 to 65535, got ${options.port}`);
      }
      const store = createStore(config.database);
      const placeholder = `http://${host}:${port}`;
      const engine = await startEngine({ store, config, logger, publicUrl: config.publicUrl ?? placeholder });
      const app = createApp(engine);
      const server = await listen(app.fetch, host, port);
      logger.info(
        { url: server.url, config: source, database: store.location, accounts: [...config.accounts.keys()] },
        'quittance is listening',
      );
      if (!config.publicUrl)
        logger.warn('publicUrl is not set: gateways will be told to call %s', engine.publicUrl);
      const runWorker = options.worker !== false && engine.settings.worker.enabled;
      const worker = runWorker ? startEngineWorker(engine) : undefined;
      if (worker) logger.info({ workerId: worker.id }, 'job worker started');
      const stop = async () => {
        logger.info('stopping: no new requests, finishing those in flight');
        await server.close();
        await worker?.stop(10_000);
        await store.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
