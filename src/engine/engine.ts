import type { ResolvedConfig } from '../config/load.js';
import type { AnyGatewayAdapter } from '../gateways/gateway.js';
import { parseDuration, parseSchedule } from '../jobs/backoff.js';
import type { Logger } from '../observability/logger.js';
import { Metrics } from '../observability/metrics.js';
import type { Store } from '../store/dialect.js';
import { migrate } from '../store/migrations/index.js';
import { upsertAccount } from '../store/repos/accounts.js';
import { jobQueueStats } from '../store/repos/health.js';
import { EngineBus } from './bus.js';
import { EventHandlers } from './handlers.js';
import { type IdGenerator, monotonicIds } from './ids.js';

/** Durations from the config, in milliseconds. */
export interface EngineSettings {
  readonly reconcileSchedule: readonly number[];
  readonly returnTimeoutMs: number;
  /** Overrides every gateway's abandonment horizon (tests, the chaos run); undefined: the gateway's. */
  readonly abandonedAfterMs: number | undefined;
  readonly deliverySchedule: readonly number[];
  readonly deliveryMaxAttempts: number;
  readonly deliveryTimeoutMs: number;
  readonly disableEndpointAfterMs: number;
  readonly worker: {
    readonly enabled: boolean;
    readonly concurrency: number;
    /** Slots of the long-poll lane (watch.ts): connections held open at gateways that tell by long-poll. */
    readonly watchConcurrency: number;
    readonly pollMs: number;
    readonly leaseMs: number;
  };
}

/** Everything a use case needs: storage, configuration, a clock, ids and a logger. */
export interface Engine {
  readonly store: Store;
  readonly config: ResolvedConfig;
  readonly clock: () => Date;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  /** Base URL gateways and customers reach us at (no trailing slash). */
  readonly publicUrl: string;
  readonly settings: EngineSettings;
  readonly bus: EngineBus;
  /** Library mode's in-code handlers (empty in service mode). */
  readonly handlers: EventHandlers;
  /** Only for calls to gateways and shops; tests pass a fake. */
  readonly fetch: typeof fetch;
  /** Prometheus metrics of this engine, on a registry of its own (GET /metrics). */
  readonly metrics: Metrics;
}

export interface EngineOptions {
  readonly store: Store;
  readonly config: ResolvedConfig;
  readonly logger: Logger;
  readonly publicUrl: string;
  readonly clock?: () => Date;
  readonly ids?: IdGenerator;
  readonly handlers?: EventHandlers;
  readonly fetch?: typeof fetch;
  /** Defaults to metrics over this engine's accounts and jobs table, with process metrics. */
  readonly metrics?: Metrics;
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
    settings: settingsOf(options.config),
    bus: new EngineBus(),
    handlers: options.handlers ?? new EventHandlers(),
    fetch: options.fetch ?? globalThis.fetch,
    metrics:
      options.metrics ??
      new Metrics({
        accounts: new Map([...options.config.accounts.values()].map((a) => [a.id, a.gateway])),
        jobQueue: () => jobQueueStats(options.store.db, clock()),
        clock,
      }),
  };
}

export function settingsOf(config: ResolvedConfig): EngineSettings {
  return {
    reconcileSchedule: parseSchedule(config.reconcile.schedule),
    returnTimeoutMs: parseDuration(config.reconcile.returnTimeout),
    abandonedAfterMs:
      config.reconcile.abandonedAfter === undefined
        ? undefined
        : parseDuration(config.reconcile.abandonedAfter),
    deliverySchedule: parseSchedule(config.delivery.schedule),
    deliveryMaxAttempts: config.delivery.maxAttempts,
    deliveryTimeoutMs: parseDuration(config.delivery.timeout),
    disableEndpointAfterMs: parseDuration(config.delivery.disableAfter),
    worker: {
      enabled: config.worker.enabled,
      concurrency: config.worker.concurrency,
      watchConcurrency: config.worker.watchConcurrency,
      pollMs: parseDuration(config.worker.pollInterval),
      leaseMs: parseDuration(config.worker.lease),
    },
  };
}

/** How long after creation a payment its gateway has no trace of may be called expired. */
export function abandonedAfterMs(engine: Engine, adapter: AnyGatewayAdapter): number {
  return engine.settings.abandonedAfterMs ?? adapter.abandonedAfterMs;
}
