import type { Checkout, CheckoutRequest, GatewayAccount } from '../gateway.js';
import type { StandardWebhooksCredentials } from './credentials.js';

/**
 * The customer goes to the sender's payment page with what it needs to take the payment and tell us about it:
 * `reference` (to echo in its webhooks, read back through mapping.reference), `amount` in minor units, `currency`,
 * `return_url` and `notify_url`. Parameters already in checkoutUrl are kept.
 */
export function createStandardWebhooksPayment(
  account: GatewayAccount<StandardWebhooksCredentials>,
  request: CheckoutRequest,
): Checkout {
  const url = new URL(account.credentials.checkoutUrl);
  url.searchParams.set('reference', request.merchantRef);
  url.searchParams.set('amount', String(request.amount.value));
  url.searchParams.set('currency', request.amount.currency);
  url.searchParams.set('return_url', request.urls.return);
  url.searchParams.set('notify_url', request.urls.notify);
  return { method: 'GET', url: url.toString(), fields: {} };
}

/** Our payment id: unique, and unguessable, so a reference seen by the sender names one payment only. */
export function standardWebhooksMerchantRef(input: { readonly paymentId: string }): string {
  return input.paymentId;
}
