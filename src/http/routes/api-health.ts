import type { Hono } from 'hono';
import { z } from 'zod';
import { QuittanceError } from '../../core/errors.js';
import type { Engine } from '../../engine/engine.js';
import { notificationHealth } from '../../engine/health.js';

const query = z
  .object({
    /** An ISO time (`2026-12-01T00:00:00Z`); default 24 hours ago. */
    since: z.iso.datetime({ offset: true }).optional(),
    recent: z.coerce.number().int().min(0).max(500).optional(),
    /** Minutes a payment paid by another path may wait for its notification (default 15). */
    overdueGraceMinutes: z.coerce.number().int().min(0).max(10_080).optional(),
  })
  .strict();

/**
 * `GET /api/health` (every account) and `GET /api/health/:accountId`: notification health from inside,
 * over a window (`?since=`, default the last 24 hours) and in total.
 */
export function healthRoutes(api: Hono, engine: Engine): void {
  const report = (raw: Record<string, string>, accountId?: string) => {
    const parsed = query.safeParse(raw);
    if (!parsed.success) {
      throw new QuittanceError(
        'VALIDATION_FAILED',
        parsed.error.issues.map((i) => `${i.path.join('.') || '(query)'}: ${i.message}`).join('; '),
      );
    }
    const { since, recent, overdueGraceMinutes } = parsed.data;
    return notificationHealth(engine, {
      accountId,
      since: since === undefined ? undefined : new Date(since),
      recent,
      overdueGraceMs: overdueGraceMinutes === undefined ? undefined : overdueGraceMinutes * 60_000,
    });
  };
  api.get('/health', async (c) => c.json(await report(c.req.query())));
  api.get('/health/:accountId', async (c) => c.json(await report(c.req.query(), c.req.param('accountId'))));
}
