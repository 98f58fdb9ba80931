import type { Hono } from 'hono';
import type { Engine } from '../../engine/engine.js';
import { handleReturn } from '../../engine/return.js';
import type { AppOptions } from '../app.js';
import { rawRequestOf } from '../raw-request.js';
import { readLimitedBody } from '../read-body.js';

/** `/return/:accountId/:paymentId`: the customer's browser, back from the gateway (GET or POST). */
export function returnRoutes(app: Hono, engine: Engine, options: AppOptions): void {
  app.on(['GET', 'POST'], '/return/:accountId/:paymentId', async (c) => {
    const { body } = await readLimitedBody(c.req.raw, engine.config.limits.notificationBodyBytes);
    const result = await handleReturn(engine, {
      accountId: c.req.param('accountId'),
      paymentId: c.req.param('paymentId'),
      raw: rawRequestOf(c, engine, options, body),
    });
    // 303: the browser must GET the shop's page, whatever method brought it here.
    return c.redirect(result.location, 303);
  });
}
