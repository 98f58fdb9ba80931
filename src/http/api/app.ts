import { OpenAPIHono } from '@hono/zod-openapi';
import type { Engine } from '../../engine/engine.js';
import { healthRoutes } from '../routes/api-health.js';
import { inboxRoutes } from '../routes/api-inbox.js';
import { operationRoutes } from '../routes/api-operations.js';
import { paymentRoutes } from '../routes/api-payments.js';
import { type ApiEnv, apiAuth } from './auth.js';
import { defaultHook } from './openapi.js';

export interface ApiApps {
  /** The /api routes, paths relative to /api (what `app.routes` lists). */
  readonly api: OpenAPIHono<ApiEnv>;
  /** `api` mounted at /api: its document has the full paths. */
  readonly root: OpenAPIHono;
  /** The OpenAPI 3.1 document of every /api route. */
  document(): ReturnType<OpenAPIHono['getOpenAPI31Document']>;
}

export function createApi(engine: Engine, version: string): ApiApps {
  const api = new OpenAPIHono<ApiEnv>({ defaultHook });
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key: from the config file (`apiKeys`, write) or `quittance keys create` (read or write).',
  });
  api.use('*', apiAuth(engine));
  paymentRoutes(api, engine);
  inboxRoutes(api, engine);
  operationRoutes(api, engine);
  healthRoutes(api, engine);
  const root = new OpenAPIHono({ defaultHook });
  root.route('/api', api);
  return {
    api,
    root,
    document: () =>
      root.getOpenAPI31Document({
        openapi: '3.1.0',
        info: {
          title: 'quittance API',
          version,
          description:
            'Payments, their timelines, the inbox of raw notifications, conflicts, jobs, deliveries, alerts and accounts. Errors are `{ "error": { "code", "message", "details"? } }` with stable codes.',
        },
        security: [{ bearer: [] }],
      }),
  };
}
