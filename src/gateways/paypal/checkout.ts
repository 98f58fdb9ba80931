import { formatMajorUnits } from '../../core/index.js';
import type { Checkout, CheckoutRequest, GatewayAccount } from '../gateway.js';
import { checkoutUrlOf, type PaypalCredentials } from './credentials.js';

/**
 * A "Buy Now" button posted by the customer's browser (PayPal Payments Standard, HTML variables:
 * developer.paypal.com/api/nvp-soap/paypal-payments-standard/integration-guide/Appx-websitestandard-htmlvariables/):
 * - cmd `_xclick`: one item, paid at once (paymentaction defaults to sale: IPN Completed, or Pending then Completed);
 * - business: the receiver's e-mail; amount in major units with the currency's decimals; currency_code;
 * - invoice: our merchant reference (PayPal refuses a second payment with the same invoice by default), custom: our
 *   payment id; both come back in every IPN of the payment, refunds included;
 * - notify_url: where the IPNs go (overrides the profile's IPN URL for this payment);
 * - return / cancel_return: where the browser goes; rm=1: back with a GET and no payment variables (nothing in a
 *   return is trusted here anyway);
 * - charset utf-8: how PayPal reads these fields; no_shipping=1 (no address asked), no_note=1.
 */
export function createPaypalPayment(
  account: GatewayAccount<PaypalCredentials>,
  request: CheckoutRequest,
): Checkout {
  // "12.50 EUR" → "12.50": the currency's own decimals, computed on integers (no float rounding).
  const amount = formatMajorUnits(request.amount);
  const cancel = new URL(request.urls.return);
  cancel.searchParams.set('cancelled', '1');
  return {
    method: 'POST',
    url: checkoutUrlOf(account),
    fields: {
      cmd: '_xclick',
      business: account.credentials.receiverEmail,
      item_name: `Order ${request.orderRef}`,
      amount,
      currency_code: request.amount.currency,
      invoice: request.merchantRef,
      custom: request.paymentId,
      notify_url: request.urls.notify,
      return: request.urls.return,
      cancel_return: cancel.toString(),
      rm: '1',
      charset: 'utf-8',
      no_shipping: '1',
      no_note: '1',
    },
  };
}
