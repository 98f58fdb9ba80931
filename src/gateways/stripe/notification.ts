import { describe, isObject } from '../_shared/json.js';
import type { GatewayAccount, GatewaySignal, RawRequest, Verdict } from '../gateway.js';
import { type StripeCredentials, webhookSecretsOf } from './credentials.js';
import {
  EVENT_OBJECTS,
  isMappedEvent,
  readCharge,
  readPaymentIntent,
  readSession,
  type StripeReading,
} from './map.js';
import { checkStripeSignature } from './signature.js';

/**
 * A Stripe webhook: `POST` of an Event as JSON, signed in `Stripe-Signature` over `"<t>.<raw body>"`. The signature
 * is checked on the raw bytes before anything is read; then the event's `livemode` must match the account's mode.
 * Event types outside EVENT_OBJECTS are genuine but say nothing we track: verified with no signal, so Stripe gets its
 * 2xx and stops retrying.
 */
export function verifyStripeNotification(
  account: GatewayAccount<StripeCredentials>,
  request: RawRequest,
): Verdict {
  const check = checkStripeSignature({
    header: request.headers['stripe-signature'],
    body: request.body,
    secrets: webhookSecretsOf(account.credentials),
    toleranceSeconds: account.credentials.toleranceSeconds,
    now: request.receivedAt,
  });
  if (!check.ok) return { kind: 'rejected', code: check.code, reason: check.reason };
  let event: unknown;
  try {
    event = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(request.body));
  } catch {
    return unparseable('MALFORMED_BODY', 'the signed body is not UTF-8 JSON');
  }
  if (!isObject(event) || event.object !== 'event') {
    return unparseable('INVALID_FIELD', 'the signed body is not a Stripe event ("object": "event")');
  }
  const { type, livemode } = event;
  if (typeof livemode === 'boolean' && livemode !== (account.mode === 'live')) {
    return {
      kind: 'rejected',
      code: 'MODE_MISMATCH',
      reason: `the event says livemode ${livemode}, but the account is ${account.mode === 'live' ? 'live' : 'in test mode'}`,
    };
  }
  // Signed by Stripe but of a type we do not track (or none, as in protocols.md's vector): nothing to apply.
  if (typeof type !== 'string' || !isMappedEvent(type)) return { kind: 'verified', signals: [] };
  const object = isObject(event.data) ? event.data.object : undefined;
  if (!isObject(object)) return unparseable('MISSING_FIELD', `the ${type} event has no data.object`);
  const reading =
    EVENT_OBJECTS[type] === 'checkout.session'
      ? readSession(object, type)
      : EVENT_OBJECTS[type] === 'payment_intent'
        ? readPaymentIntent(object, type)
        : readCharge(object);
  if (typeof reading === 'string') return unparseable('INVALID_FIELD', `${type}: ${reading}`);
  const signal = signalOf(reading, 'notification', typeof event.id === 'string' ? event.id : undefined);
  if (signal === undefined) return { kind: 'verified', signals: [] };
  if (signal.lookup.paymentId === undefined && signal.lookup.gatewayRef === undefined) {
    return unparseable(
      'MISSING_FIELD',
      `the ${type} event names no payment (no metadata.quittance_payment_id, no PaymentIntent): ${describe(object.id)}`,
    );
  }
  return { kind: 'verified', signals: [signal] };
}

/** A reading as a signal; none while Stripe has decided nothing. */
export function signalOf(
  reading: StripeReading,
  source: 'notification' | 'poll',
  eventId?: string,
): GatewaySignal | undefined {
  if (reading.status === null) return undefined;
  return {
    source,
    status: reading.status,
    ...(reading.amount !== undefined && { amount: reading.amount }),
    ...(reading.paymentIntent !== undefined && { gatewayRef: reading.paymentIntent }),
    gatewayStatus: reading.gatewayStatus,
    ...(reading.note !== undefined && { note: reading.note }),
    lookup: {
      ...(reading.paymentId !== undefined && { paymentId: reading.paymentId }),
      ...(reading.paymentIntent !== undefined && { gatewayRef: reading.paymentIntent }),
    },
    facts: { ...reading.facts, ...(eventId !== undefined && { event: eventId.slice(0, 64) }) },
  };
}

function unparseable(code: 'MALFORMED_BODY' | 'MISSING_FIELD' | 'INVALID_FIELD', reason: string): Verdict {
  return { kind: 'unparseable', code, reason };
}
