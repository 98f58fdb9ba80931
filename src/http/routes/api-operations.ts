import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { QuittanceError } from '../../core/errors.js';
import { alertJson } from '../../engine/alerts/format.js';
import type { Engine } from '../../engine/engine.js';
import { settleByOperator } from '../../engine/operator.js';
import { listAccounts, listConflicts, listDeliveriesPage, listJobsPage } from '../../engine/queries.js';
import { replayEvents } from '../../engine/replay.js';
import { findAlert, listAlerts, resolveAlert } from '../../store/repos/alerts.js';
import { findEvent } from '../../store/repos/events.js';
import type { ApiEnv } from '../api/auth.js';
import {
  booleanQuery,
  errorResponses,
  idParam,
  json,
  jsonBody,
  nextCursor,
  pageQuery,
} from '../api/openapi.js';
import {
  AccountSchema,
  AlertSchema,
  ConflictSchema,
  DeliverySchema,
  JobSchema,
  OperatorBodySchema,
} from '../api/schemas.js';

const routes = {
  conflicts: createRoute({
    method: 'get',
    path: '/conflicts',
    summary: 'List conflicts',
    description: 'Payments flagged for review, newest first, with the signals that contradicted them.',
    request: { query: z.object({ account: z.string().min(1).optional(), ...pageQuery }).strict() },
    responses: {
      200: json(z.object({ conflicts: z.array(ConflictSchema), nextCursor }), 'A page.'),
      ...errorResponses(),
    },
  }),
  resolveConflict: createRoute({
    method: 'post',
    path: '/conflicts/{paymentId}/resolve',
    summary: 'Resolve a conflict',
    description:
      'A person decides the status: applied whatever the current one, the review flag cleared, the shop told.',
    request: {
      params: z.object({ paymentId: idParam('paymentId', 'pay_01jq3v5c8e0000000000000000') }),
      body: jsonBody(OperatorBodySchema, 'The decided status, why and who.'),
    },
    responses: {
      200: json(
        z.object({ signalId: z.string(), settlement: z.string(), payment: z.unknown() }),
        'Resolved.',
      ),
      ...errorResponses(403, 404, 409),
    },
  }),
  jobs: createRoute({
    method: 'get',
    path: '/jobs',
    summary: 'List jobs',
    description:
      'Background work (deliveries, reconciliation, fetch-backs, …), newest first. `running` is a ready job under lease.',
    request: {
      query: z
        .object({
          state: z.enum(['ready', 'done', 'dead']).optional(),
          task: z.string().min(1).optional(),
          ...pageQuery,
        })
        .strict(),
    },
    responses: {
      200: json(z.object({ jobs: z.array(JobSchema), nextCursor }), 'A page.'),
      ...errorResponses(),
    },
  }),
  deliveries: createRoute({
    method: 'get',
    path: '/deliveries',
    summary: 'List webhook deliveries',
    description: 'Every attempt at telling the shop, newest first.',
    request: {
      query: z
        .object({
          eventId: z.string().min(1).optional(),
          paymentId: z.string().min(1).optional(),
          account: z.string().min(1).optional(),
          ok: booleanQuery,
          ...pageQuery,
        })
        .strict(),
    },
    responses: {
      200: json(z.object({ deliveries: z.array(DeliverySchema), nextCursor }), 'A page.'),
      ...errorResponses(),
    },
  }),
  replay: createRoute({
    method: 'post',
    path: '/events/{id}/replay',
    summary: 'Send an event to the shop again',
    description: 'A fresh delivery job with the same event id (the shop sees the same `webhook-id`).',
    request: { params: z.object({ id: idParam('id', 'evt_01jq3v5c8e0000000000000000') }) },
    responses: {
      200: json(
        z.object({ enqueued: z.number(), skippedNoWebhook: z.number(), skippedDisabled: z.number() }),
        'What was queued.',
      ),
      ...errorResponses(403, 404),
    },
  }),
  alerts: createRoute({
    method: 'get',
    path: '/alerts',
    summary: 'List alerts',
    description: 'Alert records folded by cause and hour, newest first.',
    request: {
      query: z
        .object({
          open: booleanQuery,
          kind: z.string().min(1).optional(),
          account: z.string().min(1).optional(),
          paymentId: z.string().min(1).optional(),
          limit: pageQuery.limit,
        })
        .strict(),
    },
    responses: { 200: json(z.object({ alerts: z.array(AlertSchema) }), 'Alerts.'), ...errorResponses() },
  }),
  resolveAlert: createRoute({
    method: 'post',
    path: '/alerts/{id}/resolve',
    summary: 'Resolve an alert',
    description: 'Marks the record resolved: the same cause raised again opens a new record.',
    request: { params: z.object({ id: idParam('id', 'alr_01jq3v5c8e0000000000000000') }) },
    responses: { 200: json(AlertSchema, 'The resolved alert.'), ...errorResponses(403, 404) },
  }),
  accounts: createRoute({
    method: 'get',
    path: '/accounts',
    summary: 'List accounts',
    description: 'Configured accounts with their webhook endpoint status. Never credentials or secrets.',
    responses: {
      200: json(z.object({ accounts: z.array(AccountSchema) }), 'Accounts.'),
      ...errorResponses(),
    },
  }),
};

export function operationRoutes(api: OpenAPIHono<ApiEnv>, engine: Engine): void {
  api.openapi(routes.conflicts, async (c) => {
    const q = c.req.valid('query');
    const page = await listConflicts(engine, { account: q.account, limit: q.limit, cursor: q.cursor });
    return c.json({ conflicts: page.items, nextCursor: page.nextCursor }, 200);
  });

  api.openapi(routes.resolveConflict, async (c) => {
    const { paymentId } = c.req.valid('param');
    const body = c.req.valid('json');
    const applied = await settleByOperator(engine, { paymentId, ...body, resolve: true });
    return c.json(
      { signalId: applied.signalId, settlement: applied.settlement, payment: applied.payment },
      200,
    );
  });

  api.openapi(routes.jobs, async (c) => {
    const q = c.req.valid('query');
    const page = await listJobsPage(engine, q);
    return c.json({ jobs: page.items, nextCursor: page.nextCursor }, 200);
  });

  api.openapi(routes.deliveries, async (c) => {
    const q = c.req.valid('query');
    const page = await listDeliveriesPage(engine, q);
    return c.json({ deliveries: page.items, nextCursor: page.nextCursor }, 200);
  });

  api.openapi(routes.replay, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await findEvent(engine.store.db, id))) throw new QuittanceError('NOT_FOUND', `no event ${id}`);
    const r = await replayEvents(engine, { eventId: id });
    return c.json(
      { enqueued: r.enqueued, skippedNoWebhook: r.skippedNoWebhook, skippedDisabled: r.skippedDisabled },
      200,
    );
  });

  api.openapi(routes.alerts, async (c) => {
    const q = c.req.valid('query');
    const alerts = await listAlerts(engine.store.db, {
      open: q.open,
      kind: q.kind,
      accountId: q.account,
      paymentId: q.paymentId,
      limit: q.limit ?? 50,
    });
    return c.json({ alerts: alerts.map(alertJson) as z.infer<typeof AlertSchema>[] }, 200);
  });

  api.openapi(routes.resolveAlert, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await findAlert(engine.store.db, id))) throw new QuittanceError('NOT_FOUND', `no alert ${id}`);
    await resolveAlert(engine.store.db, id, engine.clock());
    const alert = await findAlert(engine.store.db, id);
    return c.json(alertJson(alert as NonNullable<typeof alert>) as z.infer<typeof AlertSchema>, 200);
  });

  api.openapi(routes.accounts, async (c) => c.json({ accounts: await listAccounts(engine) }, 200));
}
