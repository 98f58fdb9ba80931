import type { PaymentStatus } from '../core/index.js';
import { listDeliveries } from '../store/repos/deliveries.js';
import { listEvents } from '../store/repos/events.js';
import { findPayment, type PaymentRecord } from '../store/repos/payments.js';
import { signalsOfPayment } from '../store/repos/signals.js';
import type { Engine } from './engine.js';

export interface PaymentView {
  readonly id: string;
  readonly orderRef: string;
  readonly account: string;
  readonly amount: { readonly value: number; readonly currency: string };
  readonly status: PaymentStatus;
  readonly gatewayRef: string | null;
  readonly needsReview: boolean;
  readonly fulfillmentUrl: string | null;
  readonly fulfillmentMessage: string | null;
  readonly sessionId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly signals: ReadonlyArray<{
    readonly id: string;
    readonly source: string;
    readonly status: string;
    readonly gatewayStatus: string | null;
    readonly settlement: string;
    readonly reason: string;
    readonly inboxId: string | null;
    readonly at: string;
  }>;
  /** What the shop was told, and every delivery attempt of it (retries are visible here). */
  readonly events: ReadonlyArray<{
    readonly id: string;
    readonly type: string;
    readonly at: string;
    readonly deliveries: ReadonlyArray<{
      readonly attempt: number;
      readonly ok: boolean;
      readonly statusCode: number | null;
      readonly error: string | null;
      readonly latencyMs: number;
      readonly at: string;
    }>;
  }>;
}

export async function getPaymentView(engine: Engine, id: string): Promise<PaymentView | undefined> {
  const payment = await findPayment(engine.store.db, id);
  if (!payment) return undefined;
  const signals = await signalsOfPayment(engine.store.db, id);
  const events = await listEvents(engine.store.db, { paymentId: id });
  const attempts = await Promise.all(events.map((e) => listDeliveries(engine.store.db, { eventId: e.id })));
  return {
    ...summary(payment),
    signals: signals.map((s) => ({
      id: s.id,
      source: s.source,
      status: s.status,
      gatewayStatus: s.gatewayStatus,
      settlement: s.settlement,
      reason: s.reason,
      inboxId: s.inboxId,
      at: s.createdAt.toISOString(),
    })),
    events: events.map((e, i) => ({
      id: e.id,
      type: e.type,
      at: e.createdAt.toISOString(),
      deliveries: (attempts[i] ?? []).map((d) => ({
        attempt: d.attempt,
        ok: d.ok,
        statusCode: d.statusCode,
        error: d.error,
        latencyMs: d.latencyMs,
        at: d.createdAt.toISOString(),
      })),
    })),
  };
}

export function summary(payment: PaymentRecord): Omit<PaymentView, 'signals' | 'events'> {
  return {
    id: payment.id,
    orderRef: payment.orderRef,
    account: payment.accountId,
    amount: { value: payment.amount.value, currency: payment.amount.currency },
    status: payment.status,
    gatewayRef: payment.gatewayRef,
    needsReview: payment.needsReview,
    fulfillmentUrl: payment.fulfillmentUrl,
    fulfillmentMessage: payment.fulfillmentMessage,
    sessionId: payment.sessionId,
    createdAt: payment.createdAt.toISOString(),
    updatedAt: payment.updatedAt.toISOString(),
  };
}
