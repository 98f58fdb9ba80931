import type { Money, PaymentStatus } from '../../core/index.js';
import { describe, isObject } from '../_shared/json.js';
import { clip } from '../_shared/request.js';
import { parseMollieAmount } from './amount.js';

/** `tr_` and Mollie's base-62 token (docs.mollie.com/reference/webhooks: `id=tr_d0b0E3EA3v`). */
export const PAYMENT_ID = /^tr_[A-Za-z0-9]{1,64}$/;

/**
 * The payment statuses Mollie documents (docs.mollie.com/reference/get-payment `status`; @mollie/api-client 4.6.0
 * `src/data/payments/data.ts` enum PaymentStatus).
 */
export const MOLLIE_STATUSES = [
  'open',
  'pending',
  'authorized',
  'paid',
  'canceled',
  'expired',
  'failed',
] as const;
export type MollieStatus = (typeof MOLLIE_STATUSES)[number];

/**
 * A Mollie payment object, as much of it as quittance decides from (docs.mollie.com/reference/get-payment;
 * @mollie/api-client 4.6.0 `PaymentData`): `resource: "payment"`, `id`, `mode`, `status`, `amount`,
 * `amountRefunded`, `amountChargedBack`, `metadata`, `details.failureReason`.
 */
export interface MolliePayment {
  readonly id: string;
  readonly mode: 'test' | 'live';
  readonly status: MollieStatus;
  readonly amount: Money;
  /** Minor units refunded so far (0 when Mollie leaves the field out). */
  readonly amountRefunded: number;
  /** Minor units taken back by chargebacks (0 when absent). */
  readonly amountChargedBack: number;
  readonly failureReason: string | undefined;
  /** `metadata.quittance_payment_id`, which quittance sets at creation. */
  readonly quittancePaymentId: string | undefined;
  readonly checkoutUrl: string | undefined;
}

/** Reads a payment object strictly (the fetched truth): a string says what is wrong. */
export function readMolliePayment(raw: unknown): MolliePayment | string {
  if (!isObject(raw)) return 'the payment is not a JSON object';
  if (raw.resource !== undefined && raw.resource !== 'payment') {
    return `the resource is ${describe(raw.resource)}, not a payment`;
  }
  const id = raw.id;
  if (typeof id !== 'string' || !PAYMENT_ID.test(id))
    return `the payment id ${describe(id)} is not a tr_… id`;
  const mode = raw.mode;
  if (mode !== 'test' && mode !== 'live') return `the payment ${id} gives the mode ${describe(mode)}`;
  const status = raw.status;
  if (typeof status !== 'string' || !(MOLLIE_STATUSES as readonly string[]).includes(status)) {
    return `the payment ${id} gives the status ${describe(status)}, which Mollie does not document`;
  }
  const amount = parseMollieAmount(raw.amount, 'amount');
  if (typeof amount === 'string') return `the payment ${id}: ${amount}`;
  const refunded = optionalPart(raw.amountRefunded, 'amountRefunded', amount);
  if (typeof refunded === 'string') return `the payment ${id}: ${refunded}`;
  const chargedBack = optionalPart(raw.amountChargedBack, 'amountChargedBack', amount);
  if (typeof chargedBack === 'string') return `the payment ${id}: ${chargedBack}`;
  const metadata = isObject(raw.metadata) ? raw.metadata : {};
  const ours = metadata.quittance_payment_id;
  const details = isObject(raw.details) ? raw.details : {};
  const links = isObject(raw._links) ? raw._links : {};
  const checkout = isObject(links.checkout) ? links.checkout.href : undefined;
  return {
    id,
    mode,
    status: status as MollieStatus,
    amount,
    amountRefunded: refunded,
    amountChargedBack: chargedBack,
    failureReason: typeof details.failureReason === 'string' ? clip(details.failureReason, 64) : undefined,
    quittancePaymentId: typeof ours === 'string' && ours.length > 0 && ours.length <= 64 ? ours : undefined,
    checkoutUrl: typeof checkout === 'string' ? checkout : undefined,
  };
}

/** An optional amount in the payment's currency (absent = 0). */
function optionalPart(raw: unknown, field: string, of: Money): number | string {
  if (raw === undefined || raw === null) return 0;
  const part = parseMollieAmount(raw, field);
  if (typeof part === 'string') return part;
  if (part.currency !== of.currency) {
    return `${field} is in ${part.currency}, the payment in ${of.currency}`;
  }
  return part.value;
}

export interface MappedPayment {
  /** Null while Mollie has decided nothing (`open`: the customer has not finished on the checkout page). */
  readonly status: PaymentStatus | null;
  /** Mollie's word, refined for people: paid, refunded, partially_refunded, charged_back, failed:<reason>… */
  readonly gatewayStatus: string;
  readonly note?: string | undefined;
}

/** Mollie's final failures in our words (docs.mollie.com/docs/status-change: canceled, expired, failed). */
const STATUS_MAP: Readonly<Record<Exclude<MollieStatus, 'open' | 'paid'>, PaymentStatus>> = {
  pending: 'pending',
  authorized: 'authorized',
  canceled: 'cancelled',
  expired: 'expired',
  failed: 'refused',
};

/**
 * The payment's state in our words. A refund leaves Mollie's `status` at `paid`; the payment's webhook is called again
 * (docs.mollie.com/reference/webhooks: "A refund is performed on the payment …"), and the amounts tell what happened:
 * 1. paid with amountRefunded ≥ amount → refunded; > 0 → partially_refunded; else captured;
 * 2. authorized → authorized (captureMode manual, not captured yet); pending → pending;
 * 3. canceled → cancelled, expired → expired, failed → refused (details.failureReason kept in the note);
 * 4. open → no decision.
 * Chargebacks are read apart (`chargebackOf`).
 */
export function mapMolliePayment(payment: MolliePayment): MappedPayment {
  const { status } = payment;
  if (status === 'open') return { status: null, gatewayStatus: 'open' };
  if (status === 'paid') {
    if (payment.amountRefunded >= payment.amount.value && payment.amountRefunded > 0) {
      return { status: 'refunded', gatewayStatus: 'refunded' };
    }
    if (payment.amountRefunded > 0)
      return { status: 'partially_refunded', gatewayStatus: 'partially_refunded' };
    return { status: 'captured', gatewayStatus: 'paid' };
  }
  if (status === 'failed' && payment.failureReason !== undefined) {
    return {
      status: 'refused',
      gatewayStatus: `failed:${payment.failureReason}`,
      note: `Mollie failure reason ${payment.failureReason}`,
    };
  }
  return { status: STATUS_MAP[status], gatewayStatus: status };
}

/**
 * A chargeback leaves the payment `paid` and raises `amountChargedBack` (the webhook is called: "a chargeback is
 * received on the payment"). Our statuses have no word for money taken back by the bank, so it is said as `error`
 * with a note: core cannot apply a failure to a paid payment, flags the conflict and a person follows the dispute in
 * Mollie's dashboard. Undefined when nothing was charged back.
 */
export function chargebackOf(payment: MolliePayment): MappedPayment | undefined {
  if (payment.amountChargedBack <= 0) return undefined;
  return {
    status: 'error',
    gatewayStatus: 'charged_back',
    note:
      `Mollie reports a chargeback of ${payment.amountChargedBack} minor units on the payment ${payment.id}: ` +
      'a dispute for a person to follow in the Mollie dashboard.',
  };
}
