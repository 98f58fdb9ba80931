import { type Command, Option } from '@commander-js/extra-typings';
import { startEngine } from '../../engine/engine.js';
import { startEngineWorker } from '../../engine/runtime.js';
import { createApp } from '../../http/app.js';
import { createHealthApp } from '../../http/routes/health.js';
import { listen } from '../../http/server.js';
import { parseDuration } from '../../jobs/backoff.js';
import { createLogger } from '../../observability/logger.js';
import { createStore } from '../../store/db.js';
import { loadCliConfig } from '../load-config.js';

export const ROLES = ['api', 'worker', 'all'] as const;
export type Role = (typeof ROLES)[number];

const DEFAULT_GRACE = '25s';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('receive notifications and returns, serve the API, and run queued jobs')
    .option('-c, --config <file>', 'JSON config file (default: $QUITTANCE_CONFIG)')
    .option('-p, --port <n>', 'port to listen on (default: config listen.port, 8080)')
    .option('--host <host>', 'address to listen on (default: config listen.host, 127.0.0.1)')
    .option('--db <url>', 'database URL, e.g. sqlite:./quittance.db (default: config database)')
    .addOption(
      new Option(
        '--role <role>',
        'api: HTTP only; worker: jobs only (HTTP for /healthz and /readyz alone); all: both',
      )
        .choices(ROLES)
        .default('all' as Role),
    )
    .option('--no-worker', 'the same as --role api (run the jobs elsewhere)')
    .option(
      '--grace <duration>',
      'on SIGTERM/SIGINT, how long requests and jobs in flight may take to finish',
      DEFAULT_GRACE,
    )
    .addHelpText(
      'after',
      `
Roles: several instances may share one PostgreSQL database, e.g. two --role api behind a load
balancer and one --role worker. A worker-role process still listens on --port, for the probes only.

Stopping: SIGTERM or SIGINT turns /readyz to 503 at once, stops accepting connections, lets requests
in flight finish and running jobs complete (up to --grace; jobs still running then are released for
another worker), closes the database and exits 0. A second signal exits at once (code 1).

Examples:
  $ quittance serve --config quittance.json
  $ QUITTANCE_CONFIG=/etc/quittance.json quittance serve --port 9000 --db sqlite:/var/lib/quittance/q.db
  $ quittance serve --config quittance.json --role api --port 8080
  $ quittance serve --config quittance.json --role worker --port 8081 --grace 60s`,
    )
    .action(async (options) => {
      const { config, source } = loadCliConfig(options);
      const logger = createLogger(config.logLevel);
      const role = roleOf(options);
      const graceMs = parseGrace(options.grace);
      const host = options.host ?? config.listen.host;
      const port = options.port === undefined ? config.listen.port : Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`--port must be an integer from 0 to 65535, got ${options.port}`);
      }
      const store = createStore(config.database);
      const placeholder = `http://${host}:${port}`;
      const engine = await startEngine({ store, config, logger, publicUrl: config.publicUrl ?? placeholder });
      let draining = false;
      const isDraining = () => draining;
      const app =
        role === 'worker' ? createHealthApp(engine, { isDraining }) : createApp(engine, { isDraining });
      const server = await listen(app.fetch, host, port);
      logger.info(
        {
          url: server.url,
          role,
          config: source,
          database: store.location,
          accounts: [...config.accounts.keys()],
        },
        role === 'worker' ? 'quittance worker is running (HTTP: probes only)' : 'quittance is listening',
      );
      if (role !== 'worker' && !config.publicUrl)
        logger.warn('publicUrl is not set: gateways will be told to call %s', engine.publicUrl);
      // --role all follows the config's worker.enabled; an explicit --role worker runs the worker.
      const runWorker = role === 'worker' || (role === 'all' && engine.settings.worker.enabled);
      const worker = runWorker ? startEngineWorker(engine) : undefined;
      if (worker) logger.info({ workerId: worker.id }, 'job worker started');

      const stop = async (signal: NodeJS.Signals) => {
        if (draining) {
          logger.warn({ signal }, 'second signal: exiting without waiting');
          process.exit(1);
        }
        draining = true;
        // A job that ignores its abort signal must not keep the process up forever.
        setTimeout(() => {
          logger.error('still not stopped after the grace period and 10 s more: exiting');
          process.exit(1);
        }, graceMs + 10_000).unref();
        logger.info({ signal, graceMs }, 'stopping: no new requests or jobs, finishing those in flight');
        const results = await Promise.allSettled([server.close(graceMs), worker?.stop(graceMs)]);
        for (const result of results) {
          if (result.status === 'rejected') logger.error({ err: result.reason }, 'error while stopping');
        }
        await store.close();
        logger.info('stopped');
        process.exit(0);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}

function roleOf(options: { role: Role; worker: boolean }): Role {
  if (options.worker !== false) return options.role;
  if (options.role === 'worker') throw new Error('--no-worker contradicts --role worker');
  return 'api';
}

function parseGrace(text: string): number {
  try {
    return parseDuration(text);
  } catch {
    throw new Error(`--grace must be a duration such as 25s or 1m, got ${text}`);
  }
}
