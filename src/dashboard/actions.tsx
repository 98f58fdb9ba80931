import type { Context, Hono } from 'hono';
import { isQuittanceError } from '../core/errors.js';
import { settleByOperator } from '../engine/operator.js';
import { reconcilePayment } from '../engine/reconcile.js';
import { replayEvents } from '../engine/replay.js';
import { resolveAlert } from '../store/repos/alerts.js';
import { findEvent } from '../store/repos/events.js';
import type { Flash } from './components/layout.js';
import { messagePage, redirectWithFlash } from './respond.js';
import type { DashboardContext } from './routes.js';
import type { DashboardEnv } from './session.js';

type Ctx = Context<DashboardEnv>;

/** POST actions: write keys only; each ends in a redirect carrying a flash message. */
export function actionRoutes(app: Hono<DashboardEnv>, { engine, shown }: DashboardContext): void {
  const refuseReadKey = (c: Ctx) =>
    c.get('session').scope === 'write'
      ? undefined
      : messagePage(c, 403, 'Read-only key', 'Your key may look but not act: log in with a write key.');

  /** A failed action is a message on the page it came from, not an error page. */
  const attempt = async (c: Ctx, back: string, action: () => Promise<string | Flash>) => {
    const refused = refuseReadKey(c);
    if (refused) return refused;
    try {
      const outcome = await action();
      const flash = typeof outcome === 'string' ? { kind: 'ok' as const, text: outcome } : outcome;
      return redirectWithFlash(c, back, { kind: flash.kind, text: shown(flash.text) });
    } catch (error) {
      if (!isQuittanceError(error)) throw error;
      return redirectWithFlash(c, back, { kind: 'error', text: shown(error.message) });
    }
  };

  app.post('/payments/:id/reconcile', (c) => {
    const id = c.req.param('id');
    return attempt(c, `/dashboard/payments/${encodeURIComponent(id)}`, async () => {
      const result = await reconcilePayment(engine, id, { reason: `dashboard (${c.get('session').label})` });
      return `Asked the gateway: ${result.outcome}, now ${result.status}. ${result.reason}`;
    });
  });

  app.post('/payments/:id/settle', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const back =
      typeof form.back === 'string' && form.back === 'conflicts' ? '/dashboard/conflicts' : undefined;
    return attempt(c, back ?? `/dashboard/payments/${encodeURIComponent(id)}`, async () => {
      const applied = await settleByOperator(engine, {
        paymentId: id,
        status: typeof form.status === 'string' ? form.status : '',
        reason: typeof form.reason === 'string' ? form.reason : '',
        by: c.get('session').label,
        resolve: form.resolve === '1',
      });
      const status = applied.payment?.status ?? 'unchanged';
      return `Recorded: ${applied.settlement}; the payment is ${status}${applied.payment?.needsReview ? ' and still needs review' : ''}.`;
    });
  });

  app.post('/payments/:id/events/:eventId/replay', (c) => {
    const id = c.req.param('id');
    const eventId = c.req.param('eventId');
    return attempt(c, `/dashboard/payments/${encodeURIComponent(id)}`, async () => {
      const event = await findEvent(engine.store.db, eventId);
      if (!event || event.paymentId !== id)
        return { kind: 'error', text: `No event ${eventId} on this payment.` };
      const result = await replayEvents(engine, { eventId });
      if (result.enqueued === 1) return `Delivery of ${event.type} queued again.`;
      if (result.skippedDisabled > 0) {
        return {
          kind: 'error',
          text: 'Not replayed: the webhook endpoint is disabled (quittance endpoints enable).',
        };
      }
      return { kind: 'error', text: 'Not replayed: the account has no webhook URL.' };
    });
  });

  app.post('/alerts/:id/resolve', (c) => {
    const id = c.req.param('id');
    return attempt(c, '/dashboard/health', async () => {
      const done = await resolveAlert(engine.store.db, id, engine.clock());
      return done ? 'Alert resolved.' : 'This alert was already resolved.';
    });
  });
}
