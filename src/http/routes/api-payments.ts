import type { Hono } from 'hono';
import { z } from 'zod';
import { QuittanceError } from '../../core/errors.js';
import { createPayment } from '../../engine/checkout.js';
import type { Engine } from '../../engine/engine.js';
import { getPaymentView } from '../../engine/payments.js';
import { waitForFinal, waitSeconds } from '../../engine/wait.js';

const createBody = z
  .object({
    account: z.string().min(1),
    orderRef: z.string().min(1).max(64),
    amount: z
      .object({ value: z.number().int().nonnegative(), currency: z.string().regex(/^[A-Z]{3,12}$/) })
      .strict(),
    // Checked in depth by the engine (checkout.ts fulfillmentOf), so library mode gets the same rules.
    fulfillmentUrl: z.string().min(1).max(4096).optional(),
    fulfillmentMessage: z.string().min(1).max(2000).optional(),
    sessionId: z.string().min(1).max(128).optional(),
  })
  .strict();

export function paymentRoutes(api: Hono, engine: Engine): void {
  api.post('/payments', async (c) => {
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      throw new QuittanceError('MALFORMED_BODY', 'the body must be JSON');
    }
    const parsed = createBody.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
      throw new QuittanceError(
        'VALIDATION_FAILED',
        issues.map((i) => `${i.field || '(body)'}: ${i.message}`).join('; '),
        {
          issues,
        },
      );
    }
    const idempotencyKey = c.req.header('idempotency-key');
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,255}$/.test(idempotencyKey)) {
      throw new QuittanceError(
        'VALIDATION_FAILED',
        'Idempotency-Key must be 1 to 255 visible ASCII characters',
        {
          field: 'Idempotency-Key',
        },
      );
    }
    const { payment, checkout, replayed, alreadyPaid } = await createPayment(engine, {
      ...parsed.data,
      idempotencyKey,
    });
    // Repurchase: nothing was created; the earlier purchase, and a checkout to its fulfillment URL.
    if (alreadyPaid) return c.json({ id: payment.id, status: payment.status, alreadyPaid, checkout }, 200);
    // 200 for a replay, so a client can tell; the body is the same as the first answer's.
    return c.json({ id: payment.id, status: payment.status, checkout }, replayed ? 200 : 201);
  });

  /**
   * `?wait=N` (0 to 60 seconds): when the payment is not final, hold the answer until it is (or N
   * seconds pass, or the client goes away), then answer the view as usual. The shop's pending page
   * can long-poll this instead of polling.
   */
  api.get('/payments/:id', async (c) => {
    const wait = waitSeconds(c.req.query('wait'));
    if (wait > 0) await waitForFinal(engine, c.req.param('id'), wait * 1000, c.req.raw.signal);
    const view = await getPaymentView(engine, c.req.param('id'));
    if (!view) throw new QuittanceError('NOT_FOUND', `no payment ${c.req.param('id')}`);
    return c.json(view);
  });
}
