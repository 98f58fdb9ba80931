import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { QuittanceError } from '../../core/errors.js';
import { PAYMENT_STATUSES } from '../../core/status.js';
import { createPayment } from '../../engine/checkout.js';
import type { Engine } from '../../engine/engine.js';
import { settleByOperator } from '../../engine/operator.js';
import { getPaymentView } from '../../engine/payments.js';
import { listPaymentsPage, signalView } from '../../engine/queries.js';
import { reconcilePayment } from '../../engine/reconcile.js';
import { waitForFinal, waitSeconds } from '../../engine/wait.js';
import { signalsOfPayment } from '../../store/repos/signals.js';
import type { ApiEnv } from '../api/auth.js';
import {
  booleanQuery,
  errorResponses,
  idParam,
  issuesOf,
  json,
  jsonBody,
  nextCursor,
  pageQuery,
  validationError,
} from '../api/openapi.js';
import { OperatorBodySchema, PaymentSchema, PaymentSummarySchema, SignalSchema } from '../api/schemas.js';

const createBody = z
  .object({
    account: z.string().min(1).openapi({ example: 'shop' }),
    orderRef: z.string().min(1).max(64).openapi({ example: 'ORDER-1042' }),
    amount: z
      .object({ value: z.number().int().nonnegative(), currency: z.string().regex(/^[A-Z]{3,12}$/) })
      .strict()
      .openapi({ example: { value: 1250, currency: 'EUR' } }),
    // Checked in depth by the engine (checkout.ts fulfillmentOf), so library mode gets the same rules.
    fulfillmentUrl: z.string().min(1).max(4096).optional(),
    fulfillmentMessage: z.string().min(1).max(2000).optional(),
    sessionId: z.string().min(1).max(128).optional(),
  })
  .strict()
  .openapi('CreatePayment');

const created = z
  .object({
    id: z.string(),
    status: z.string(),
    alreadyPaid: z.unknown().optional(),
    checkout: z.unknown().openapi({ description: 'How to send the customer to the gateway.' }),
  })
  .openapi('CreatedPayment');

const paymentId = z.object({ id: idParam('id', 'pay_01jq3v5c8e0000000000000000') });

const routes = {
  create: createRoute({
    method: 'post',
    path: '/payments',
    summary: 'Create a payment',
    description:
      'Creates a payment and answers how to send the customer to the gateway. Send `Idempotency-Key` to make retries safe: a replay answers 200 with the first body.',
    request: {
      headers: z.object({ 'idempotency-key': z.string().optional() }),
      body: jsonBody(createBody, 'The order to be paid.'),
    },
    responses: {
      200: json(created, 'A replay of an earlier request with the same Idempotency-Key, or a repurchase.'),
      201: json(created, 'Created.'),
      ...errorResponses(403, 404, 409),
    },
  }),
  list: createRoute({
    method: 'get',
    path: '/payments',
    summary: 'List payments',
    description:
      'Newest first, filtered; `q` matches an order reference, gateway reference or payment id, exactly or as a prefix.',
    request: {
      query: z
        .object({
          account: z.string().min(1).optional(),
          status: z.enum(PAYMENT_STATUSES).optional(),
          needsReview: booleanQuery,
          q: z.string().min(1).max(200).optional().openapi({ example: 'ORDER-10' }),
          createdFrom: z.iso.datetime({ offset: true }).optional(),
          createdTo: z.iso.datetime({ offset: true }).optional(),
          ...pageQuery,
        })
        .strict(),
    },
    responses: {
      200: json(z.object({ payments: z.array(PaymentSummarySchema), nextCursor }), 'A page of payments.'),
      ...errorResponses(),
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/payments/{id}',
    summary: 'Get a payment with its timeline',
    description:
      'The payment, every signal about it and what the shop was told. `?wait=N` (0 to 60 s) holds the answer until the payment is final or N seconds pass.',
    request: {
      params: paymentId,
      query: z.object({ wait: z.string().optional().openapi({ example: '30' }) }),
    },
    responses: { 200: json(PaymentSchema, 'The payment.'), ...errorResponses(404) },
  }),
  signals: createRoute({
    method: 'get',
    path: '/payments/{id}/signals',
    summary: "A payment's signals",
    description: 'Every notification, return, poll and operator decision about the payment, oldest first.',
    request: { params: paymentId },
    responses: {
      200: json(z.object({ signals: z.array(SignalSchema) }), 'The signals.'),
      ...errorResponses(404),
    },
  }),
  reconcile: createRoute({
    method: 'post',
    path: '/payments/{id}/reconcile',
    summary: 'Ask the gateway now',
    description: "Asks the payment's gateway where it stands and applies the answer as a `poll` signal.",
    request: { params: paymentId },
    responses: {
      200: json(
        z.object({
          outcome: z.string(),
          status: z.string(),
          settlement: z.string().optional(),
          reason: z.string(),
        }),
        'What the gateway said and what it changed.',
      ),
      ...errorResponses(403, 404),
    },
  }),
  settle: createRoute({
    method: 'post',
    path: '/payments/{id}/settle',
    summary: 'Settle by hand',
    description:
      "Records a person's decision as an `operator` signal. `resolve: true` overrules (clears the review flag, applies whatever the status); otherwise the decision goes through the state machine like any observation.",
    request: {
      params: paymentId,
      body: jsonBody(
        OperatorBodySchema.extend({ resolve: z.boolean().optional() }).strict(),
        'The decision, why and who.',
      ),
    },
    responses: {
      200: json(
        z.object({ signalId: z.string(), settlement: z.string(), reason: z.string(), payment: z.unknown() }),
        'Recorded.',
      ),
      ...errorResponses(403, 404),
    },
  }),
};

export function paymentRoutes(api: OpenAPIHono<ApiEnv>, engine: Engine): void {
  api.openapi(routes.create, async (c) => {
    // Bodies sent without a JSON content type are not validated by the route: parse them here.
    let data = c.req.valid('json') as z.infer<typeof createBody> | undefined;
    if (!/json/i.test(c.req.header('content-type') ?? '')) {
      let raw: unknown;
      try {
        raw = await c.req.json();
      } catch {
        throw new QuittanceError('MALFORMED_BODY', 'the body must be JSON');
      }
      const parsed = createBody.safeParse(raw);
      if (!parsed.success) throw validationError(issuesOf(parsed.error));
      data = parsed.data;
    }
    if (!data) throw new QuittanceError('MALFORMED_BODY', 'the body must be JSON');
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
      ...data,
      idempotencyKey,
    });
    // Repurchase: nothing was created; the earlier purchase, and a checkout to its fulfillment URL.
    if (alreadyPaid) return c.json({ id: payment.id, status: payment.status, alreadyPaid, checkout }, 200);
    // 200 for a replay, so a client can tell; the body is the same as the first answer's.
    if (replayed) return c.json({ id: payment.id, status: payment.status, checkout }, 200);
    return c.json({ id: payment.id, status: payment.status, checkout }, 201);
  });

  api.openapi(routes.list, async (c) => {
    const q = c.req.valid('query');
    const page = await listPaymentsPage(engine, {
      account: q.account,
      status: q.status,
      needsReview: q.needsReview,
      q: q.q,
      createdFrom: q.createdFrom ? new Date(q.createdFrom) : undefined,
      createdTo: q.createdTo ? new Date(q.createdTo) : undefined,
      limit: q.limit,
      cursor: q.cursor,
    });
    return c.json({ payments: page.items, nextCursor: page.nextCursor }, 200);
  });

  api.openapi(routes.get, async (c) => {
    const { id } = c.req.valid('param');
    const wait = waitSeconds(c.req.valid('query').wait);
    if (wait > 0) await waitForFinal(engine, id, wait * 1000, c.req.raw.signal);
    const view = await getPaymentView(engine, id);
    if (!view) throw new QuittanceError('NOT_FOUND', `no payment ${id}`);
    return c.json(view, 200);
  });

  api.openapi(routes.signals, async (c) => {
    const { id } = c.req.valid('param');
    const view = await getPaymentView(engine, id);
    if (!view) throw new QuittanceError('NOT_FOUND', `no payment ${id}`);
    const signals = await signalsOfPayment(engine.store.db, id);
    return c.json({ signals: signals.map(signalView) }, 200);
  });

  api.openapi(routes.reconcile, async (c) => {
    const { id } = c.req.valid('param');
    const result = await reconcilePayment(engine, id, {
      reason: `asked by ${c.get('principal').label} (API)`,
    });
    return c.json(
      {
        outcome: result.outcome,
        status: result.status,
        ...(result.settlement ? { settlement: result.settlement } : {}),
        reason: result.reason,
      },
      200,
    );
  });

  api.openapi(routes.settle, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const applied = await settleByOperator(engine, {
      paymentId: id,
      status: body.status,
      reason: body.reason,
      by: body.by,
      resolve: body.resolve ?? false,
    });
    return c.json(
      {
        signalId: applied.signalId,
        settlement: applied.settlement,
        reason: applied.reason,
        payment: applied.payment,
      },
      200,
    );
  });
}
