import type { Hono } from 'hono';
import type { Engine } from '../../engine/engine.js';
import { ingestNotification, type Precheck } from '../../engine/ingest.js';
import type { AppOptions } from '../app.js';
import { rawRequestOf } from '../raw-request.js';
import { readLimitedBody } from '../read-body.js';

/**
 * `/notify/:accountId`: every method is routed here on purpose, so that a wrong method or an
 * oversize body is still stored with its reason before it is refused.
 */
export function notifyRoutes(app: Hono, engine: Engine, options: AppOptions): void {
  app.all('/notify/:accountId', async (c) => {
    const limit = engine.config.limits.notificationBodyBytes;
    const { body, truncated } = await readLimitedBody(c.req.raw, limit);
    const raw = rawRequestOf(c, engine, options, body);
    let precheck: Precheck | undefined;
    if (raw.method !== 'POST') {
      precheck = {
        code: 'METHOD_NOT_ALLOWED',
        reason: `${raw.method} is not how notifications arrive: use POST`,
      };
    } else if (truncated) {
      precheck = {
        code: 'BODY_TOO_LARGE',
        reason: `the body is larger than the ${limit}-byte limit; its beginning is kept`,
      };
    }
    const result = await ingestNotification(engine, {
      accountId: c.req.param('accountId'),
      raw,
      truncated,
      ...(precheck ? { precheck } : {}),
    });
    const headers: Record<string, string> = {
      'content-type': result.reply.contentType,
      'cache-control': 'no-store',
    };
    if (result.inboxId) headers['x-quittance-inbox-id'] = result.inboxId;
    if (precheck?.code === 'METHOD_NOT_ALLOWED') headers.allow = 'POST';
    return c.body(result.reply.body, result.reply.status as 200, headers);
  });
}
