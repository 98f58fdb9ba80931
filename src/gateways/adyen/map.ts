import type { PaymentStatus } from '../../core/index.js';

export type CaptureMode = 'auto' | 'manual';

export interface MappedEvent {
  readonly status: PaymentStatus;
  /** Whether the item's amount is the payment's (a REFUND's is the refunded part only). */
  readonly carriesPaymentAmount: boolean;
  readonly note?: string | undefined;
}

/**
 * Events that are not about one payment's state (reports, payouts, recurring contracts…): accepted, journaled with the
 * inbox entry, no signal.
 */
const NOT_ABOUT_A_PAYMENT = new Set([
  'REPORT_AVAILABLE',
  'RECURRING_CONTRACT',
  'PAYOUT_THIRDPARTY',
  'PAYOUT_DECLINE',
  'PAYOUT_EXPIRE',
  'PAIDOUT_REVERSED',
  'AUTORESCUE',
  'CANCEL_AUTORESCUE',
  'MANUAL_REVIEW_ACCEPT',
  'MANUAL_REVIEW_REJECT',
  'ORDER_OPENED',
  'HANDLED_EXTERNALLY',
  'DISPUTE_DEFENSE_PERIOD_ENDED',
  'INFORMATION_SUPPLIED',
  'ISSUER_COMMENTS',
  'ISSUER_RESPONSE_TIMEFRAME_EXPIRED',
  'PREARBITRATION_LOST',
  'PREARBITRATION_WON',
  'REQUEST_FOR_INFORMATION',
  'NOTIFICATIONOFFRAUD',
  'TECHNICAL_CANCEL',
  'VOID_PENDING_REFUND',
]);

export function isPaymentEvent(eventCode: string): boolean {
  return !NOT_ABOUT_A_PAYMENT.has(eventCode);
}

/**
 * eventCode + success → our status. `success` false on a modification (CAPTURE, CANCELLATION, REFUND) means Adyen
 * refused the request, so the payment stays where it was: the signal says that state (a duplicate or a stale signal
 * for core) with a note. Events that take money back after capture (chargebacks, failed refunds) go to a state the
 * payment cannot move to, so core flags a conflict for a person.
 */
export function mapAdyenEvent(
  eventCode: string,
  success: boolean,
  capture: CaptureMode,
  modificationAction?: string,
): MappedEvent {
  const withAmount = (status: PaymentStatus, note?: string): MappedEvent => ({
    status,
    carriesPaymentAmount: true,
    ...(note !== undefined && { note }),
  });
  const refused = (what: string, stays: PaymentStatus): MappedEvent => ({
    status: stays,
    carriesPaymentAmount: false,
    note: `Adyen refused the ${what} (success false); the payment stays ${stays}.`,
  });
  switch (eventCode) {
    case 'AUTHORISATION':
      if (!success) return withAmount('refused');
      return withAmount(capture === 'auto' ? 'captured' : 'authorized');
    case 'CAPTURE':
      return success ? withAmount('captured') : refused('capture', 'authorized');
    case 'CAPTURE_FAILED':
      return withAmount('error', 'Adyen reported CAPTURE_FAILED: the captured funds were not collected.');
    case 'CANCELLATION':
    case 'AUTHORISATION_ADJUSTMENT_CANCELLATION':
      return success ? withAmount('cancelled') : refused('cancellation', 'authorized');
    case 'CANCEL_OR_REFUND':
      if (!success) return refused('cancel-or-refund', 'authorized');
      return modificationAction === 'refund' ? refundOf('CANCEL_OR_REFUND') : withAmount('cancelled');
    case 'REFUND':
    case 'REFUND_WITH_DATA':
      return success ? refundOf(eventCode) : refused('refund', 'captured');
    case 'REFUND_FAILED':
    case 'REFUNDED_REVERSED':
      return {
        status: 'captured',
        carriesPaymentAmount: false,
        note: `Adyen reported ${eventCode}: the refund did not reach the shopper, the money is back with the merchant.`,
      };
    case 'OFFER_CLOSED':
      return success ? withAmount('expired') : refused('offer closing', 'pending');
    case 'EXPIRE':
      return success ? withAmount('expired') : refused('expiry', 'authorized');
    case 'PENDING':
      return withAmount('pending');
    case 'CHARGEBACK':
    case 'SECOND_CHARGEBACK':
    case 'NOTIFICATION_OF_CHARGEBACK':
    case 'CHARGEBACK_REVERSED':
      return {
        status: 'pending',
        carriesPaymentAmount: false,
        note: `Adyen reported ${eventCode}: a dispute on a captured payment, for a person to follow in the Customer Area.`,
      };
    default:
      return {
        status: 'pending',
        carriesPaymentAmount: false,
        note: `Adyen sent the event "${eventCode.slice(0, 64)}", which quittance does not know; the payment is left for a person to review.`,
      };
  }
}

/** A refund notification names the refunded amount, not the total: quittance cannot tell a whole refund from a part. */
function refundOf(eventCode: string): MappedEvent {
  return {
    status: 'partially_refunded',
    carriesPaymentAmount: false,
    note: `Adyen reported ${eventCode}; it names the amount of this refund only, so the payment is marked partially refunded.`,
  };
}
