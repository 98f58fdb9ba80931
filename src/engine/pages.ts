import type { ResolvedAccount } from '../config/load.js';
import { isFailure, isPaid, type PaymentState } from '../core/index.js';
import type { Engine } from './engine.js';

/**
 * The shop's page for the payment as it stands: success (authorized and beyond), failure, or pending
 * (not final), with the payment id, the shop's order reference and the status as parameters. A paid
 * payment with a fulfillment URL goes there instead, exactly as given (digital goods: the customer
 * lands on what they bought, the same URL every time, as repurchase detection expects).
 */
export function shopPage(
  account: Pick<ResolvedAccount, 'shop'>,
  payment: Pick<PaymentState, 'id' | 'status'> & {
    readonly orderRef: string;
    readonly fulfillmentUrl?: string | null;
  },
): string {
  if (isPaid(payment.status) && payment.fulfillmentUrl) return payment.fulfillmentUrl;
  const target = isPaid(payment.status)
    ? account.shop.successUrl
    : isFailure(payment.status)
      ? account.shop.failureUrl
      : account.shop.pendingUrl;
  const url = new URL(target);
  url.searchParams.set('payment', payment.id);
  url.searchParams.set('order', payment.orderRef);
  url.searchParams.set('status', payment.status);
  return url.toString();
}

/** quittance's waiting page for a payment, started now (`since` bounds how long it waits). */
export function waitPage(engine: Engine, paymentId: string): string {
  return `${engine.publicUrl}/pay/${encodeURIComponent(paymentId)}/wait?since=${engine.clock().getTime()}`;
}
