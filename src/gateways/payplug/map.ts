import type { PaymentStatus } from '../../core/index.js';

/**
 * A PayPlug payment object, as much of it as quittance decides from. Field names: shared/protocols.md §2
 * (payplug/payplug-php `tests/unit_tests/Resource/PaymentTest.php`, `lib/Payplug/Resource/Payment.php`):
 * `id` (`pay_…`), `object: "payment"`, `is_live`, `amount`, `amount_refunded`, `currency`, `is_paid`, `is_refunded`,
 * `authorization` (deferred capture: `authorized_amount`, `authorized_at`, `expires_at`, as PayPlug's Magento and
 * PrestaShop modules read it), `failure` (null or `{code, message}`), `metadata`.
 */
export interface PayplugPayment {
  readonly id: string;
  readonly isLive: boolean | undefined;
  readonly amount: number;
  readonly amountRefunded: number;
  readonly currency: string;
  readonly isPaid: boolean;
  readonly isRefunded: boolean;
  /** `authorization.authorized_at` when set (seconds since the epoch; any non-null value counts). */
  readonly authorizedAt: unknown;
  readonly failureCode: string | undefined;
  readonly failureMessage: string | undefined;
  /** `metadata.quittance_payment_id`, which quittance sets at creation. */
  readonly quittancePaymentId: string | undefined;
}

type Json = Readonly<Record<string, unknown>>;

/** `pay_` and PayPlug's base-62 id (payplug-php tests use ids such as `pay_5iHMDxy4ABR4YBVW4UscIn`). */
export const PAYMENT_ID = /^pay_[A-Za-z0-9]{1,64}$/;
export const REFUND_ID = /^re_[A-Za-z0-9]{1,64}$/;

/**
 * Reads a payment object strictly: a string says what is wrong. Used for the fetched object (the truth) and, through
 * `claimOf`, for what a notification claims.
 */
export function readPayment(raw: unknown): PayplugPayment | string {
  if (!isObject(raw)) return 'the payment is not a JSON object';
  if (raw.object !== 'payment') return `the object is ${describe(raw.object)}, not a payment`;
  const id = raw.id;
  if (typeof id !== 'string' || !PAYMENT_ID.test(id))
    return `the payment id ${describe(id)} is not a pay_… id`;
  const amount = raw.amount;
  if (!isMinorUnits(amount)) return `the payment ${id} gives the amount ${describe(amount)}, not minor units`;
  const refunded = raw.amount_refunded ?? 0;
  if (!isMinorUnits(refunded)) {
    return `the payment ${id} gives amount_refunded ${describe(refunded)}, not minor units`;
  }
  const currency = raw.currency;
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    return `the payment ${id} gives the currency ${describe(currency)}, not an ISO-4217 code`;
  }
  for (const flag of ['is_paid', 'is_refunded'] as const) {
    if (raw[flag] !== undefined && raw[flag] !== null && typeof raw[flag] !== 'boolean') {
      return `the payment ${id} gives ${flag} ${describe(raw[flag])}, not true or false`;
    }
  }
  if (raw.is_live !== undefined && raw.is_live !== null && typeof raw.is_live !== 'boolean') {
    return `the payment ${id} gives is_live ${describe(raw.is_live)}, not true or false`;
  }
  const failure = raw.failure;
  if (failure !== undefined && failure !== null && !isObject(failure)) {
    return `the payment ${id} gives a failure that is not an object`;
  }
  const authorization = isObject(raw.authorization) ? raw.authorization : undefined;
  const metadata = isObject(raw.metadata) ? raw.metadata : {};
  const ours = metadata.quittance_payment_id;
  return {
    id,
    isLive: typeof raw.is_live === 'boolean' ? raw.is_live : undefined,
    amount,
    amountRefunded: refunded,
    currency,
    isPaid: raw.is_paid === true,
    isRefunded: raw.is_refunded === true,
    authorizedAt: authorization?.authorized_at ?? null,
    // A failure object without a code still says the payment failed.
    failureCode: isObject(failure) ? (text(failure.code) ?? 'unknown') : undefined,
    failureMessage: isObject(failure) ? text(failure.message) : undefined,
    quittancePaymentId: typeof ours === 'string' && ours.length > 0 && ours.length <= 64 ? ours : undefined,
  };
}

export interface MappedPayment {
  /** Null while PayPlug has decided nothing (the customer is still on the page). */
  readonly status: PaymentStatus | null;
  /** A short word for people: paid, refunded, partially_refunded, authorized, failure:<code>, open. */
  readonly gatewayStatus: string;
  readonly note?: string | undefined;
}

/**
 * `failure.code` → our failure. The codes are those integrations meet (shared/protocols.md §2: processing_error,
 * card_declined, insufficient_funds, 3ds_declined, incorrect_number, fraud_suspected, method_unsupported, timeout,
 * aborted); PayPlug's own list was not reached, so any other code is a refusal [UNCONFIRMED].
 * - aborted: the customer left the page or the shop aborted the payment (`PATCH {aborted: true}`) → cancelled;
 * - timeout: the payment page session ran out before the customer paid → expired;
 * - processing_error: PayPlug or the bank failed, not the card → error.
 */
export const FAILURE_MAP: Readonly<Record<string, PaymentStatus>> = {
  aborted: 'cancelled',
  timeout: 'expired',
  processing_error: 'error',
};

/**
 * The payment's state in our words. Order (payplug/SyliusPayPlugPlugin `PaymentNotificationHandler.php`, and the
 * status shown by PayPlug's own Magento module: refunded, partially refunded, paid, authorized, pending):
 * 1. is_refunded → refunded; amount_refunded > 0 → partially_refunded (a refund needs a paid payment);
 * 2. is_paid → captured;
 * 3. failure → cancelled / expired / error / refused (FAILURE_MAP) — before an authorization, since a failure on an
 *    authorized payment means the authorization was voided or expired;
 * 4. authorization.authorized_at set → authorized (deferred capture, not captured yet);
 * 5. nothing else → no decision.
 */
export function mapPayplugPayment(payment: PayplugPayment): MappedPayment {
  if (payment.isRefunded) return { status: 'refunded', gatewayStatus: 'refunded' };
  if (payment.amountRefunded > 0)
    return { status: 'partially_refunded', gatewayStatus: 'partially_refunded' };
  if (payment.isPaid) return { status: 'captured', gatewayStatus: 'paid' };
  if (payment.failureCode !== undefined) {
    const code = payment.failureCode.slice(0, 40);
    const status = Object.hasOwn(FAILURE_MAP, code) ? FAILURE_MAP[code] : 'refused';
    const message = payment.failureMessage ? `: ${payment.failureMessage.slice(0, 120)}` : '';
    return {
      status: status ?? 'refused',
      gatewayStatus: `failure:${code}`,
      note: `PayPlug failure ${code}${message}`,
    };
  }
  if (payment.authorizedAt !== null && payment.authorizedAt !== undefined && payment.authorizedAt !== false) {
    return { status: 'authorized', gatewayStatus: 'authorized' };
  }
  return { status: null, gatewayStatus: 'open' };
}

function isMinorUnits(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value from the request, quoted short in a reason. */
export function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const json = JSON.stringify(value) ?? String(value);
  const chars = Array.from(json.replace(/[\p{Cc}]+/gu, ' '));
  return chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : chars.join('');
}
