import { Hono } from 'hono';
import { sql } from 'kysely';
import type { Engine } from '../../engine/engine.js';
import { pendingMigrations } from '../../store/migrations/index.js';

export interface HealthOptions {
  /** True once the process has begun a graceful stop: readiness fails at once. */
  readonly isDraining: () => boolean;
  /** A database check slower than this counts as unreachable (a starved pool must not hang a probe). */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 2_000;

/**
 * Probes for a load balancer or an orchestrator; no authentication, no payment data.
 *
 * - `GET /healthz` (liveness): the process answers and its database answers `select 1`.
 * - `GET /readyz` (readiness): not stopping, the database answers, and every migration this code
 *   knows has run. A stopping instance answers 503 at once, so a balancer stops sending it traffic
 *   while it finishes what is in flight.
 */
export function healthRoutes(app: Hono, engine: Engine, options: HealthOptions): void {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const noStore = { 'cache-control': 'no-store' };

  app.get('/healthz', async (c) => {
    try {
      await withTimeout(sql`select 1`.execute(engine.store.db), timeoutMs);
      return c.json({ status: 'ok', database: 'ok' }, 200, noStore);
    } catch {
      return c.json({ status: 'unavailable', database: 'unreachable' }, 503, noStore);
    }
  });

  app.get('/readyz', async (c) => {
    if (options.isDraining()) {
      return c.json({ status: 'stopping' }, 503, noStore);
    }
    let pending: string[];
    try {
      pending = await withTimeout(pendingMigrations(engine.store), timeoutMs);
    } catch {
      return c.json({ status: 'unavailable', database: 'unreachable' }, 503, noStore);
    }
    if (pending.length > 0) {
      return c.json({ status: 'unavailable', database: 'ok', migrations: { pending } }, 503, noStore);
    }
    return c.json({ status: 'ok', database: 'ok', migrations: 'up to date' }, 200, noStore);
  });
}

/** The probes alone: what a `--role worker` process listens with. */
export function createHealthApp(engine: Engine, options: HealthOptions): Hono {
  const app = new Hono({ strict: false });
  healthRoutes(app, engine, options);
  app.notFound((c) =>
    c.json({ error: { code: 'NOT_FOUND', message: `nothing at ${c.req.method} ${c.req.path}` } }, 404),
  );
  return app;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
