import type { Hono } from 'hono';
import type { Engine } from '../../engine/engine.js';
import { handleReturn } from '../../engine/return.js';
import type { AppOptions } from '../app.js';
import { rawRequestOf } from '../raw-request.js';
import { readLimitedBody } from '../read-body.js';

/** `/return/:accountId/:paymentId`: the customer's browser, back from the gateway (GET or POST). */
export function returnRoutes(app: Hono, engine: Engine, options: AppOptions): void {
  app.on(['GET', 'POST'], '/return/:accountId/:paymentId', async (c) => {
    const limit = engine.config.limits.notificationBodyBytes;
    const { body, truncated } = await readLimitedBody(c.req.raw, limit);
    const result = await handleReturn(engine, {
      accountId: c.req.param('accountId'),
      paymentId: c.req.param('paymentId'),
      raw: rawRequestOf(c, engine, options, body),
      truncated,
      limit,
    });
    // 303: the browser must GET the shop's page, whatever method brought it here.
    return c.redirect(result.location, 303);
  });
}
