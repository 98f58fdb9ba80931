import type { Hono } from 'hono';
import { QuittanceError } from '../../core/errors.js';
import type { Engine } from '../../engine/engine.js';
import { bearerAuth } from '../auth.js';

type Secret = string | { readonly env: string };
type Env = Readonly<Record<string, string | undefined>>;

/**
 * `GET /metrics`: the engine's Prometheus metrics, in the registry's text format. Open unless
 * `metrics.token` is set: Prometheus scrapes from the internal network, and the numbers carry no payment
 * data or secret (accounts appear by their configured ids). With a token, `Authorization: Bearer <token>`.
 */
export function metricsRoutes(app: Hono, engine: Engine, env: Env = process.env): void {
  const secret = engine.config.metrics?.token;
  if (secret !== undefined) app.use('/metrics', bearerAuth([resolveToken(secret, env)]));
  app.get('/metrics', async (c) => {
    const { contentType, body } = await engine.metrics.scrape();
    return c.body(body, 200, { 'content-type': contentType, 'cache-control': 'no-store' });
  });
}

/** The config loader resolves account secrets only: this one is read here, once, when the app is built. */
function resolveToken(secret: Secret, env: Env): string {
  if (typeof secret === 'string') return secret;
  const value = env[secret.env];
  if (value === undefined || value === '') {
    throw new QuittanceError(
      'CONFIG_INVALID',
      `metrics.token: environment variable ${secret.env} is not set`,
    );
  }
  return value;
}
