/**
 * quittance as a library ("embedded mode"): the shop's own Node process runs quittance and is told
 * of payments by handlers registered in code, run through the same durable job queue as webhooks.
 *
 * ```ts
 * import { createQuittance } from 'quittance';
 *
 * const q = await createQuittance({ config: './quittance.json' });
 * q.onPaid(async (event) => {
 *   // Idempotent: this may run more than once for one event (a retry after a crash or a throw).
 *   await orders.markPaid(event.payload.orderRef, { dedupeKey: event.id });
 * });
 * const { url } = await q.listen();   // notifications, returns, the JSON API
 * q.startWorker();                    // runs handlers (and shop webhooks, if configured)
 * ```
 */
import { loadConfigFile, type ResolvedConfig, resolveConfig } from './config/load.js';
import { EVENT_TYPES, type EventType } from './core/effects.js';
import { QuittanceError } from './core/errors.js';
import { type Engine, startEngine } from './engine/engine.js';
import { type EventHandler, EventHandlers } from './engine/handlers.js';
import { startEngineWorker } from './engine/runtime.js';
import { createApp } from './http/app.js';
import { listen as listenHttp } from './http/server.js';
import type { Worker } from './jobs/worker.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createStore } from './store/db.js';

export { EVENT_TYPES, type EventType } from './core/effects.js';
export { isQuittanceError, QuittanceError } from './core/errors.js';
export type { Engine } from './engine/engine.js';
export type { EventHandler } from './engine/handlers.js';
export {
  type EndpointStatus,
  enableEndpoint,
  endpointStatuses,
  type ReplayResult,
  type ReplaySelector,
  replayEvents,
} from './engine/replay.js';
export type { Worker } from './jobs/worker.js';
export type { EventPayload, EventRecord } from './store/repos/events.js';

export interface CreateQuittanceOptions {
  /** The configuration, as `quittance.json` holds it, or the path of such a JSON file. */
  readonly config: object | string;
  /** A pino logger (default: JSON lines on stderr at the config's `logLevel`). */
  readonly logger?: Logger;
  /** Used for every outgoing call (gateways, the shop's webhook); default: the global fetch. */
  readonly fetch?: typeof fetch;
}

export interface ListeningServer {
  /** Where it listens, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  close(): Promise<void>;
}

export interface Quittance {
  readonly engine: Engine;
  /** `payment.authorized`: the money is reserved, not yet taken. */
  onAuthorized(handler: EventHandler): Quittance;
  /** `payment.captured`: the money is taken. Ship the order. */
  onPaid(handler: EventHandler): Quittance;
  /** `payment.failed`: refused, cancelled, expired or in error. */
  onFailed(handler: EventHandler): Quittance;
  /** `payment.refunded`. */
  onRefunded(handler: EventHandler): Quittance;
  /** `payment.conflict`: contradictory evidence; a person must look (nothing was applied). */
  onConflict(handler: EventHandler): Quittance;
  on(type: EventType, handler: EventHandler): Quittance;
  /**
   * Serves notifications, returns and the JSON API (default: the config's `listen`). Gateways are
   * told to call `publicUrl`: set it in the config to the address they reach this server at.
   */
  listen(port?: number, host?: string): Promise<ListeningServer>;
  /** Runs queued jobs here: handlers, shop webhooks (once; later calls return the same worker). */
  startWorker(): Worker;
  /** Closes the servers, lets running jobs finish (up to 10 s), closes the database. */
  stop(): Promise<void>;
}

/**
 * Starts quittance inside the caller's process: validates the config, opens and migrates the
 * database, and returns the handle to register handlers, serve HTTP and run the worker.
 *
 * Handlers:
 * - Register them BEFORE events can happen (before `listen()`, before another process serves the
 *   same database): an event is queued for the handlers registered when it is recorded; an event of
 *   a type nobody handled then is not handed to a handler registered later.
 * - They run in the worker, through the queue, never inside the HTTP request: a handler that throws
 *   is retried later with backoff, and a process killed mid-handler runs it again. So handlers must
 *   be IDEMPOTENT: use `event.id` as the deduplication key (it is also the webhook-id the shop's
 *   webhook receives for the same event).
 * - Every handler of the event type runs in one job: if one throws, all of them run again.
 */
export async function createQuittance(options: CreateQuittanceOptions): Promise<Quittance> {
  const config: ResolvedConfig =
    typeof options.config === 'string' ? loadConfigFile(options.config) : resolveConfig(options.config);
  const logger = options.logger ?? createLogger(config.logLevel);
  const handlers = new EventHandlers();
  const store = createStore(config.database);
  let engine: Engine;
  try {
    engine = await startEngine({
      store,
      config,
      logger,
      publicUrl: config.publicUrl ?? `http://${config.listen.host}:${config.listen.port}`,
      handlers,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  const servers = new Set<ListeningServer>();
  let worker: Worker | undefined;
  let started = false;
  let stopped = false;

  const quittance: Quittance = {
    engine,
    onAuthorized: (handler) => quittance.on('payment.authorized', handler),
    onPaid: (handler) => quittance.on('payment.captured', handler),
    onFailed: (handler) => quittance.on('payment.failed', handler),
    onRefunded: (handler) => quittance.on('payment.refunded', handler),
    onConflict: (handler) => quittance.on('payment.conflict', handler),
    on(type, handler) {
      if (!(EVENT_TYPES as readonly string[]).includes(type)) {
        throw new QuittanceError('VALIDATION_FAILED', `unknown event type "${type}"`, {
          known: [...EVENT_TYPES],
        });
      }
      if (typeof handler !== 'function') {
        throw new QuittanceError('VALIDATION_FAILED', 'a handler must be a function');
      }
      if (started) {
        logger.warn(
          { type },
          'handler registered after listen()/startWorker(): events recorded before now are not handed to it',
        );
      }
      handlers.on(type, handler);
      return quittance;
    },
    async listen(port = config.listen.port, host = config.listen.host) {
      if (stopped) throw new Error('this quittance is stopped');
      started = true;
      const app = createApp(engine);
      const server = await listenHttp(app.fetch, host, port);
      const handle: ListeningServer = {
        url: server.url,
        async close() {
          if (servers.delete(handle)) await server.close();
        },
      };
      servers.add(handle);
      logger.info({ url: server.url }, 'quittance is listening');
      return handle;
    },
    startWorker() {
      if (stopped) throw new Error('this quittance is stopped');
      started = true;
      worker ??= startEngineWorker(engine);
      return worker;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all([...servers].map((s) => s.close()));
      await worker?.stop(10_000);
      await store.close();
    },
  };
  return quittance;
}
