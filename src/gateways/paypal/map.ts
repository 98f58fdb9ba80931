import { isKnownCurrency, money, type PaymentStatus } from '../../core/index.js';
import { clip } from '../_shared/request.js';
import type { GatewaySignal, StatusMap } from '../gateway.js';
import { grossOf, type Ipn, type IpnProblem, required } from './ipn.js';

/**
 * `payment_status` in our words (IPN and PDT variables, payment_status):
 * - Completed: the payment is complete and the funds are in the account → captured;
 * - Pending (see pending_reason; an e-check clears in days), Created, Processed (accepted, not yet complete) → pending;
 * - Denied (the merchant or PayPal refused), Failed (the funding source, e.g. the buyer's bank, failed) → refused;
 * - Expired, Voided: an authorization that lapsed or was voided → expired, cancelled;
 * - Refunded (the merchant refunded) → refunded;
 * - Reversed (a chargeback or another reversal took the funds back) → error: a dispute for a person, as Mollie's
 *   chargebacks (docs/ARCHITECTURE.md, difference 22); core cannot apply it to a paid payment and flags the conflict;
 * - Canceled_Reversal: a reversal was cancelled and the funds came back → captured (a no-op on a captured payment).
 * `Pending` with pending_reason `authorization` is an authorization waiting for capture → authorized (mapStatus).
 */
export const PAYPAL_STATUS_MAP: StatusMap = {
  Completed: 'captured',
  Pending: 'pending',
  Created: 'pending',
  Processed: 'pending',
  Denied: 'refused',
  Failed: 'refused',
  Expired: 'expired',
  Voided: 'cancelled',
  Refunded: 'refunded',
  Reversed: 'error',
  Canceled_Reversal: 'captured',
};

/** Statuses whose gross is not the payment's amount (the refunded or reversed sum, negative; the reversal's fee). */
const NOT_THE_PAYMENT_AMOUNT = new Set(['Refunded', 'Reversed', 'Canceled_Reversal']);

/** Our status for a payment_status (with pending_reason), or undefined for a word PayPal does not document. */
export function mapStatus(
  paymentStatus: string,
  pendingReason: string | undefined,
): PaymentStatus | undefined {
  if (paymentStatus === 'Pending' && pendingReason === 'authorization') return 'authorized';
  return Object.hasOwn(PAYPAL_STATUS_MAP, paymentStatus) ? PAYPAL_STATUS_MAP[paymentStatus] : undefined;
}

/** Facts kept beside the signal when the IPN has them. */
const FACT_FIELDS = [
  'txn_id',
  'txn_type',
  'parent_txn_id',
  'pending_reason',
  'reason_code',
  'ipn_track_id',
  'charset',
  'mc_gross',
  'test_ipn',
] as const;

/**
 * The payment an IPN speaks of, as one `notification` signal, read from its own fields: once PayPal answered
 * VERIFIED to the postback, the message is PayPal's word. The gateway reference is the original transaction:
 * `parent_txn_id` on a refund, reversal or capture (IPN variables: "in the case of a refund, reversal, or canceled
 * reversal, this variable contains the txn_id of the original transaction"), else `txn_id`. Lookup: `custom` (our
 * payment id, set at checkout), `invoice` (our merchant reference), then that transaction.
 */
export function ipnSignal(ipn: Ipn): GatewaySignal | IpnProblem {
  const f = ipn.fields;
  const paymentStatus = required(ipn, 'payment_status');
  if (typeof paymentStatus !== 'string') {
    return {
      ...paymentStatus,
      reason: `${paymentStatus.reason} (txn_type ${clip(f.txn_type ?? 'none')}): quittance settles payments only`,
    };
  }
  const status = mapStatus(paymentStatus, f.pending_reason);
  if (!status) {
    return {
      code: 'INVALID_FIELD',
      reason: `payment_status ${JSON.stringify(clip(paymentStatus))} is not PayPal's`,
    };
  }
  const txnId = required(ipn, 'txn_id');
  if (typeof txnId !== 'string') return txnId;
  const currency = required(ipn, 'mc_currency');
  if (typeof currency !== 'string') return currency;
  if (!isKnownCurrency(currency)) {
    return {
      code: 'INVALID_FIELD',
      reason: `mc_currency ${JSON.stringify(clip(currency))} is not a currency`,
    };
  }
  const grossText = required(ipn, 'mc_gross');
  if (typeof grossText !== 'string') return grossText;
  const gross = grossOf(grossText, currency);
  if (!gross) {
    return {
      code: 'INVALID_FIELD',
      reason: `mc_gross ${JSON.stringify(clip(grossText))} is not an amount in ${currency}`,
    };
  }
  const original = f.parent_txn_id || txnId;
  const facts: Record<string, string> = {};
  for (const name of FACT_FIELDS) {
    const value = f[name];
    if (value !== undefined && value !== '') facts[name] = clip(value, 64);
  }
  const why =
    paymentStatus === 'Reversed'
      ? `PayPal took the funds back (reason_code ${clip(f.reason_code ?? 'none', 32)}): a dispute for a person to follow in PayPal's Resolution Center`
      : (f.pending_reason ?? f.reason_code);
  const custom = f.custom;
  return {
    source: 'notification',
    status,
    // A refund's gross is what was given back, not the order's amount: core compares `amount` with the order's.
    ...(!NOT_THE_PAYMENT_AMOUNT.has(paymentStatus) && { amount: money(gross.value, currency) }),
    gatewayRef: original,
    gatewayStatus: paymentStatus,
    ...(why !== undefined && why !== '' && { note: `${paymentStatus}: ${clip(why, 160)}` }),
    lookup: {
      gatewayRef: original,
      ...(custom !== undefined && custom !== '' && custom.length <= 64 && { paymentId: custom }),
      ...(f.invoice !== undefined && f.invoice !== '' && { merchantRef: f.invoice }),
    },
    facts,
  };
}
