import type { Money, PaymentStatus } from '../../core/index.js';
import { isKnownCurrency, money } from '../../core/index.js';
import { describe, isObject, type Json, text } from '../_shared/json.js';
import { clip } from '../_shared/request.js';

/**
 * What one Stripe object (a Checkout Session, a PaymentIntent or a Charge) says about a payment, in our words. Field
 * names: the Stripe API reference as stripe-node 23 types them (`types/Checkout/Sessions.d.ts`,
 * `types/PaymentIntents.d.ts`, `types/Charges.d.ts`).
 */
export interface StripeReading {
  /** Null while nothing is decided (the customer is still on the Checkout page). */
  readonly status: PaymentStatus | null;
  /** Stripe's own words, for people: `payment_intent.succeeded`, `session:complete/paid`, `pi:requires_capture`… */
  readonly gatewayStatus: string;
  readonly amount: Money | undefined;
  /** The PaymentIntent (`pi_…`): the gateway reference every later message names. */
  readonly paymentIntent: string | undefined;
  /** `metadata.quittance_payment_id` (or a session's `client_reference_id`), which quittance sets at creation. */
  readonly paymentId: string | undefined;
  readonly note?: string | undefined;
  readonly facts: Readonly<Record<string, string>>;
}

/**
 * Event types → how to read `data.object`. Checkout's own events decide the session's life; PaymentIntent events
 * add the manual-capture and asynchronous states; `charge.refunded` tells refunds (its charge carries
 * `amount_refunded` and `refunded`).
 */
export const EVENT_OBJECTS = {
  'checkout.session.completed': 'checkout.session',
  'checkout.session.async_payment_succeeded': 'checkout.session',
  'checkout.session.async_payment_failed': 'checkout.session',
  'checkout.session.expired': 'checkout.session',
  'payment_intent.created': 'payment_intent',
  'payment_intent.processing': 'payment_intent',
  'payment_intent.requires_action': 'payment_intent',
  'payment_intent.partially_funded': 'payment_intent',
  'payment_intent.amount_capturable_updated': 'payment_intent',
  'payment_intent.succeeded': 'payment_intent',
  'payment_intent.payment_failed': 'payment_intent',
  'payment_intent.canceled': 'payment_intent',
  'charge.refunded': 'charge',
} as const;

export type StripeEventType = keyof typeof EVENT_OBJECTS;

export function isMappedEvent(type: string): type is StripeEventType {
  return Object.hasOwn(EVENT_OBJECTS, type);
}

/** A Checkout Session. Its PaymentIntent, when expanded, decides first (it knows captures and refunds). */
export function readSession(session: Json, event?: StripeEventType): StripeReading | string {
  if (session.object !== 'checkout.session')
    return `the object is ${describe(session.object)}, not a checkout.session`;
  if (typeof session.id !== 'string' || !/^cs_\w{1,250}$/.test(session.id)) {
    return `the session id ${describe(session.id)} is not a cs_… id`;
  }
  const amount = amountOf(session.amount_total, session.currency);
  if (typeof amount === 'string') return `the session ${session.id} ${amount}`;
  const intent = session.payment_intent;
  const paymentIntent = typeof intent === 'string' ? intent : isObject(intent) ? text(intent.id) : undefined;
  const paymentId = ours(session.client_reference_id) ?? ours(metadataOf(session).quittance_payment_id);
  const base = { amount, paymentIntent, paymentId, facts: { session: session.id } };
  if (event === undefined && isObject(intent)) {
    const fromIntent = readPaymentIntent(intent);
    if (typeof fromIntent !== 'string' && fromIntent.status !== null) {
      return { ...fromIntent, paymentId: fromIntent.paymentId ?? paymentId };
    }
  }
  const state = `${text(session.status) ?? '?'}/${text(session.payment_status) ?? '?'}`;
  const gatewayStatus = event ?? `session:${state}`;
  switch (event) {
    case 'checkout.session.async_payment_succeeded':
      return { ...base, status: 'captured', gatewayStatus };
    case 'checkout.session.async_payment_failed':
      return { ...base, status: 'refused', gatewayStatus, note: 'the delayed payment method failed' };
    case 'checkout.session.expired':
      return { ...base, status: 'expired', gatewayStatus };
    default:
      break;
  }
  if (session.status === 'expired') return { ...base, status: 'expired', gatewayStatus };
  if (session.status === 'complete' || event === 'checkout.session.completed') {
    // `unpaid` on a completed session: a delayed method (SEPA debit…) is on its way; async_payment_* decide.
    if (session.payment_status === 'paid' || session.payment_status === 'no_payment_required') {
      return { ...base, status: 'captured', gatewayStatus };
    }
    // Asked back (no event): the delayed debit failed when the PaymentIntent went back to requires_payment_method
    // with an error, as after async_payment_failed [UNCONFIRMED: read from the API reference, not observed].
    if (
      event === undefined &&
      isObject(intent) &&
      intent.status === 'requires_payment_method' &&
      isObject(intent.last_payment_error)
    ) {
      return { ...base, status: 'refused', gatewayStatus, note: 'the delayed payment method failed' };
    }
    return { ...base, status: 'pending', gatewayStatus };
  }
  return { ...base, status: null, gatewayStatus };
}

/**
 * PaymentIntent statuses → ours. `requires_payment_method` after a refused card is not final at Checkout: the
 * customer may try another card until the session expires, so `payment_intent.payment_failed` reads `pending`. A
 * PaymentIntent cancelled because its Checkout Session expired (`cancellation_reason` `abandoned` or `automatic`
 * [UNCONFIRMED]) reads `expired`, the same as the session's own event, so the two never contradict each other.
 */
export function readPaymentIntent(intent: Json, event?: StripeEventType): StripeReading | string {
  if (intent.object !== 'payment_intent')
    return `the object is ${describe(intent.object)}, not a payment_intent`;
  if (typeof intent.id !== 'string' || !/^pi_\w{1,250}$/.test(intent.id)) {
    return `the PaymentIntent id ${describe(intent.id)} is not a pi_… id`;
  }
  const amount = amountOf(intent.amount, intent.currency);
  if (typeof amount === 'string') return `the PaymentIntent ${intent.id} ${amount}`;
  const base = {
    amount,
    paymentIntent: intent.id,
    paymentId: ours(metadataOf(intent).quittance_payment_id),
    facts: {} as Record<string, string>,
  };
  const status = text(intent.status) ?? '?';
  const gatewayStatus = event ?? `pi:${status}`;
  const charge = isObject(intent.latest_charge) ? readCharge(intent.latest_charge) : undefined;
  if (
    status === 'succeeded' &&
    charge !== undefined &&
    typeof charge !== 'string' &&
    charge.status !== 'captured'
  ) {
    return {
      ...charge,
      paymentId: charge.paymentId ?? base.paymentId,
      gatewayStatus: `${gatewayStatus}+refund`,
    };
  }
  switch (status) {
    case 'succeeded':
      return { ...base, status: 'captured', gatewayStatus };
    case 'requires_capture':
      return { ...base, status: 'authorized', gatewayStatus };
    case 'processing':
      return { ...base, status: 'pending', gatewayStatus };
    case 'canceled': {
      const reason = text(intent.cancellation_reason) ?? 'none';
      base.facts.cancellation_reason = clip(reason, 64);
      const expired = reason === 'abandoned' || reason === 'automatic';
      return { ...base, status: expired ? 'expired' : 'cancelled', gatewayStatus };
    }
    default: {
      const error = isObject(intent.last_payment_error) ? intent.last_payment_error : undefined;
      if (error)
        base.facts.last_payment_error = clip(text(error.decline_code) ?? text(error.code) ?? 'unknown', 64);
      const decided = event !== undefined && event !== 'payment_intent.created';
      // A refused attempt or a step the customer still has to take (3-D Secure): the Checkout page is still open.
      return { ...base, status: decided ? 'pending' : null, gatewayStatus };
    }
  }
}

/** A Charge: `refunded` (all) or `amount_refunded` > 0 (part); otherwise what its capture says. */
export function readCharge(charge: Json): StripeReading | string {
  if (charge.object !== 'charge') return `the object is ${describe(charge.object)}, not a charge`;
  if (typeof charge.id !== 'string' || !/^(ch|py)_\w{1,250}$/.test(charge.id)) {
    return `the charge id ${describe(charge.id)} is not a ch_… id`;
  }
  const amount = amountOf(charge.amount, charge.currency);
  if (typeof amount === 'string') return `the charge ${charge.id} ${amount}`;
  const refunded = charge.amount_refunded ?? 0;
  if (!isMinorUnits(refunded)) return `the charge ${charge.id} gives amount_refunded ${describe(refunded)}`;
  const intent = charge.payment_intent;
  const base = {
    amount,
    paymentIntent: typeof intent === 'string' ? intent : isObject(intent) ? text(intent.id) : undefined,
    // PaymentIntent metadata is copied onto its charges at creation [UNCONFIRMED]; the pi_ reference finds it anyway.
    paymentId: ours(metadataOf(charge).quittance_payment_id),
    facts: { charge: charge.id, amount_refunded: String(refunded) },
  };
  if (charge.refunded === true) return { ...base, status: 'refunded', gatewayStatus: 'charge:refunded' };
  if (refunded > 0)
    return { ...base, status: 'partially_refunded', gatewayStatus: 'charge:partially_refunded' };
  if (charge.captured === false) return { ...base, status: 'authorized', gatewayStatus: 'charge:uncaptured' };
  return { ...base, status: 'captured', gatewayStatus: 'charge:captured' };
}

/** Stripe gives lower-case ISO codes and amounts in the currency's smallest unit (our minor units). */
function amountOf(value: unknown, currency: unknown): Money | undefined | string {
  if (value === undefined || value === null) return undefined;
  if (!isMinorUnits(value)) return `gives the amount ${describe(value)}, not minor units`;
  if (
    typeof currency !== 'string' ||
    !/^[a-z]{3}$/.test(currency) ||
    !isKnownCurrency(currency.toUpperCase())
  ) {
    return `gives the currency ${describe(currency)}, not a lower-case ISO-4217 code`;
  }
  return money(value, currency.toUpperCase());
}

function metadataOf(object: Json): Json {
  return isObject(object.metadata) ? object.metadata : {};
}

function ours(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 64 ? value : undefined;
}

function isMinorUnits(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
