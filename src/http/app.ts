import type { Context } from 'hono';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { isQuittanceError } from '../core/errors.js';
import { dashboardRoutes } from '../dashboard/routes.js';
import type { Engine } from '../engine/engine.js';
import { PACKAGE_VERSION } from '../observability/version.js';
import { createApi } from './api/app.js';
import { socketAddress } from './client-address.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { notifyRoutes } from './routes/notify.js';
import { returnRoutes } from './routes/return.js';
import { waitRoutes } from './routes/wait.js';

/** The version of the API document: the package's. */
export const API_VERSION = PACKAGE_VERSION;

export interface AppOptions {
  /** The TCP peer's address. Defaults to the Node socket; tests without a socket pass their own. */
  readonly peerAddress: (c: Context) => string;
  /** True once a graceful stop has begun: `/readyz` answers 503 (routes/health.ts). */
  readonly isDraining: () => boolean;
}

/** The Hono app, without a listener: `app.request()` drives it in tests, `serve()` in production. */
export function createApp(engine: Engine, options: Partial<AppOptions> = {}): Hono {
  const resolved: AppOptions = {
    peerAddress: options.peerAddress ?? socketAddress,
    isDraining: options.isDraining ?? (() => false),
  };
  // strict: false so `/notify/acc/` (a trailing slash in the gateway's back office) still lands.
  const app = new Hono({ strict: false });

  app.onError((error, c) => {
    if (isQuittanceError(error)) {
      return c.json(
        {
          error: {
            code: error.code,
            message: error.message,
            ...(error.details ? { details: error.details } : {}),
          },
        },
        error.status as 400,
      );
    }
    // Hono's body validator refuses JSON it cannot parse with a 400 of its own.
    if (error instanceof HTTPException && error.status === 400) {
      return c.json({ error: { code: 'MALFORMED_BODY', message: 'the body must be JSON' } }, 400);
    }
    engine.logger.error({ err: error, path: c.req.path }, 'unhandled error');
    return c.json({ error: { code: 'INTERNAL', message: 'internal error' } }, 500);
  });
  app.notFound((c) =>
    c.json({ error: { code: 'NOT_FOUND', message: `nothing at ${c.req.method} ${c.req.path}` } }, 404),
  );

  healthRoutes(app, engine, { isDraining: resolved.isDraining });
  notifyRoutes(app, engine, resolved);
  returnRoutes(app, engine, resolved);
  waitRoutes(app, engine);
  metricsRoutes(app, engine);

  const api = createApi(engine, API_VERSION);
  app.get('/openapi.json', (c) => c.json(api.document()));
  app.route('/', api.root);
  app.route('/dashboard', dashboardRoutes(engine));
  app.get('/', (c) => c.redirect('/dashboard', 302));
  return app;
}
