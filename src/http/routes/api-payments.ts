import type { Hono } from 'hono';
import { z } from 'zod';
import { QuittanceError } from '../../core/errors.js';
import { createPayment } from '../../engine/checkout.js';
import type { Engine } from '../../engine/engine.js';
import { getPaymentView } from '../../engine/payments.js';

const createBody = z
  .object({
    account: z.string().min(1),
    orderRef: z.string().min(1).max(64),
    amount: z
      .object({ value: z.number().int().nonnegative(), currency: z.string().regex(/^[A-Z]{3,12}$/) })
      .strict(),
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
    const { payment, checkout } = await createPayment(engine, parsed.data);
    return c.json({ id: payment.id, status: payment.status, checkout }, 201);
  });

  api.get('/payments/:id', async (c) => {
    const view = await getPaymentView(engine, c.req.param('id'));
    if (!view) throw new QuittanceError('NOT_FOUND', `no payment ${c.req.param('id')}`);
    return c.json(view);
  });
}
