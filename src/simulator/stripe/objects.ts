import type { SimSession } from './types.js';

/**
 * The API objects the simulator answers and posts, in the shape of the Stripe API reference (stripe-node 23 types).
 * Amounts are what Stripe settled (`wrong-amount`: the order + 1).
 */
export function sessionObject(s: SimSession, expandIntent: boolean): Record<string, unknown> {
  const amount = s.scenario === null ? s.orderAmount : s.settledAmount;
  return {
    id: s.id,
    object: 'checkout.session',
    amount_total: amount,
    amount_subtotal: amount,
    currency: s.currency,
    client_reference_id: s.clientReferenceId ?? null,
    created: s.created,
    expires_at: s.created + 24 * 3600,
    livemode: s.secretKey.startsWith('sk_live_'),
    metadata: s.metadata,
    mode: 'payment',
    payment_intent: s.intent === null ? null : expandIntent ? intentObject(s, true) : s.intent.id,
    payment_status: s.paymentStatus,
    status: s.status,
    success_url: s.successUrl,
    cancel_url: s.cancelUrl,
    url: s.status === 'open' ? s.url : null,
  };
}

export function intentObject(s: SimSession, expandCharge: boolean): Record<string, unknown> {
  const intent = s.intent;
  if (intent === null) throw new Error('no PaymentIntent yet');
  const succeeded = intent.status === 'succeeded';
  return {
    id: intent.id,
    object: 'payment_intent',
    amount: s.settledAmount,
    amount_received: succeeded ? s.settledAmount : 0,
    currency: s.currency,
    livemode: s.secretKey.startsWith('sk_live_'),
    metadata: s.intentMetadata,
    status: intent.status,
    cancellation_reason: null,
    last_payment_error:
      intent.lastPaymentError === null ? null : { code: intent.lastPaymentError, type: 'card_error' },
    latest_charge: succeeded ? (expandCharge ? chargeObject(s) : chargeId(s)) : null,
  };
}

export function chargeObject(s: SimSession): Record<string, unknown> {
  return {
    id: chargeId(s),
    object: 'charge',
    amount: s.settledAmount,
    amount_captured: s.settledAmount,
    amount_refunded: 0,
    captured: true,
    currency: s.currency,
    livemode: s.secretKey.startsWith('sk_live_'),
    metadata: s.intentMetadata,
    paid: true,
    payment_intent: s.intent?.id ?? null,
    refunded: false,
    status: 'succeeded',
  };
}

function chargeId(s: SimSession): string {
  return `ch_${(s.intent?.id ?? 'pi_none').slice(3)}`;
}

export function eventObject(
  id: string,
  type: string,
  object: Record<string, unknown>,
): Record<string, unknown> {
  return {
    id,
    object: 'event',
    api_version: '2025-03-31.basil',
    created: Math.floor(Date.now() / 1000),
    data: { object },
    livemode: object.livemode === true,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}
