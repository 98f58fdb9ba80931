import { z } from '@hono/zod-openapi';

const money = z.object({ value: z.number().int(), currency: z.string() }).openapi('Money', {
  example: { value: 1250, currency: 'EUR' },
});

export const PaymentSummarySchema = z
  .looseObject({
    id: z.string(),
    orderRef: z.string(),
    account: z.string(),
    amount: money,
    status: z.string(),
    gatewayRef: z.string().nullable(),
    needsReview: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('PaymentSummary');

export const SignalSchema = z
  .looseObject({
    id: z.string(),
    source: z.string().openapi({ description: 'notification, return, poll or operator' }),
    status: z.string(),
    settlement: z
      .string()
      .openapi({ description: 'applied, duplicate, stale, conflict, rejected, unmatched' }),
    reason: z.string(),
    inboxId: z.string().nullable(),
    at: z.string(),
  })
  .openapi('Signal');

export const PaymentSchema = PaymentSummarySchema.extend({
  signals: z.array(SignalSchema),
  events: z.array(z.looseObject({ id: z.string(), type: z.string() })),
}).openapi('Payment');

export const InboxSummarySchema = z
  .looseObject({
    id: z.string(),
    account: z.string().nullable(),
    kind: z.string(),
    method: z.string(),
    path: z.string(),
    verdict: z.string(),
    reasonCode: z.string().nullable(),
    reason: z.string().nullable(),
    receivedAt: z.string(),
  })
  .openapi('InboxEntrySummary');

export const InboxDetailSchema = InboxSummarySchema.extend({
  request: z.object({
    query: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.string().nullable().openapi({ description: 'As text, redacted; null when binary.' }),
  }),
  signals: z.array(SignalSchema),
}).openapi('InboxEntry');

export const ConflictSchema = z
  .object({ payment: PaymentSummarySchema, signals: z.array(SignalSchema) })
  .openapi('Conflict');

export const JobSchema = z
  .looseObject({ id: z.string(), task: z.string(), state: z.string(), attempts: z.number() })
  .openapi('Job');

export const DeliverySchema = z
  .looseObject({ id: z.string(), eventId: z.string(), ok: z.boolean(), statusCode: z.number().nullable() })
  .openapi('Delivery');

export const AlertSchema = z
  .looseObject({ id: z.string(), kind: z.string(), severity: z.string(), message: z.string() })
  .openapi('Alert');

export const AccountSchema = z
  .looseObject({ id: z.string(), gateway: z.string(), mode: z.string(), webhookConfigured: z.boolean() })
  .openapi('Account');

export const OperatorBodySchema = z
  .object({
    status: z.string().min(1).openapi({ example: 'captured' }),
    reason: z.string().min(1).max(2000).openapi({ example: 'bank confirmed by phone' }),
    by: z.string().min(1).max(200).openapi({ example: 'ann@shop.example' }),
  })
  .strict();
