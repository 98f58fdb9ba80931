import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Engine } from '../../engine/engine.js';
import { notificationHealth } from '../../engine/health.js';
import type { ApiEnv } from '../api/auth.js';
import { errorResponses, idParam, json } from '../api/openapi.js';

const query = z
  .object({
    since: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'An ISO time; default 24 hours ago.', example: '2026-12-01T00:00:00Z' }),
    recent: z.coerce.number().int().min(0).max(500).optional(),
    /** Minutes a payment paid by another path may wait for its notification (default 15). */
    overdueGraceMinutes: z.coerce.number().int().min(0).max(10_080).optional(),
  })
  .strict();

const report = json(z.looseObject({}).openapi('NotificationHealth'), 'The notification health report.');

const routes = {
  all: createRoute({
    method: 'get',
    path: '/health',
    summary: 'Notification health of every account',
    description:
      'Verdicts, answer statuses, ack latency, settlement paths and overdue notifications, over a window and in total.',
    request: { query },
    responses: { 200: report, ...errorResponses() },
  }),
  one: createRoute({
    method: 'get',
    path: '/health/{accountId}',
    summary: 'Notification health of one account',
    description: 'As `GET /api/health`, for one account.',
    request: { query, params: z.object({ accountId: idParam('accountId', 'shop') }) },
    responses: { 200: report, ...errorResponses() },
  }),
};

/**
 * `GET /api/health` (every account) and `GET /api/health/{accountId}`: notification health from inside,
 * over a window (`?since=`, default the last 24 hours) and in total.
 */
export function healthRoutes(api: OpenAPIHono<ApiEnv>, engine: Engine): void {
  const build = (q: z.infer<typeof query>, accountId?: string) =>
    notificationHealth(engine, {
      accountId,
      since: q.since === undefined ? undefined : new Date(q.since),
      recent: q.recent,
      overdueGraceMs: q.overdueGraceMinutes === undefined ? undefined : q.overdueGraceMinutes * 60_000,
    });
  api.openapi(routes.all, async (c) => c.json(await build(c.req.valid('query')), 200));
  api.openapi(routes.one, async (c) =>
    c.json(await build(c.req.valid('query'), c.req.valid('param').accountId), 200),
  );
}
