import { QuittanceError } from '../../core/index.js';
import { isObject } from '../_shared/json.js';
import type { Checkout, CheckoutRequest, GatewayAccount } from '../gateway.js';
import { callStripe, shownBase } from './api.js';
import { keyModeProblem, type StripeCredentials } from './credentials.js';

type Account = GatewayAccount<StripeCredentials>;

/** The query flag the cancel URL carries, so that the logs show the customer gave up (nothing trusts it). */
export const CANCEL_FLAG = 'stripe_cancelled';

/**
 * `POST /v1/checkout/sessions` (Stripe API reference, Checkout Sessions "Create"): one line item for the order's
 * amount, our payment id as `client_reference_id` and in the metadata of both the session and its PaymentIntent
 * (`payment_intent_data.metadata`), so that every event, whichever object it carries, names the payment.
 */
export function sessionParams(request: CheckoutRequest): Record<string, unknown> {
  const metadata = { quittance_payment_id: request.paymentId, order_ref: request.orderRef };
  return {
    mode: 'payment',
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: request.amount.currency.toLowerCase(),
          unit_amount: request.amount.value,
          product_data: { name: `Order ${request.orderRef}` },
        },
      },
    ],
    client_reference_id: request.paymentId,
    success_url: request.urls.return,
    cancel_url: cancelUrl(request.urls.return),
    metadata,
    payment_intent_data: { metadata },
  };
}

export function cancelUrl(returnUrl: string): string {
  const url = new URL(returnUrl);
  url.searchParams.set(CANCEL_FLAG, '1');
  return url.toString();
}

/** The customer goes to the session's hosted page (a GET link); the `cs_…` id is the payment's first reference. */
export function checkoutOf(session: { readonly url: string }): Checkout {
  return { method: 'GET', url: session.url, fields: {} };
}

/**
 * Creates the Checkout Session. The idempotency key is our payment id, so that a start retried after a lost answer
 * gets the same session back instead of a second one (Stripe keeps keys 24 h). Throws QuittanceError: CONFIG_INVALID
 * (key of the other mode, bad key), VALIDATION_FAILED (Stripe refused the parameters), GATEWAY_UNAVAILABLE.
 */
export async function initStripeSession(
  account: Account,
  request: CheckoutRequest,
  io: { readonly fetch: typeof fetch; readonly signal: AbortSignal },
): Promise<{ readonly checkout: Checkout; readonly gatewayRef: string }> {
  const modeProblem = keyModeProblem(account.id, account.mode, account.credentials);
  if (modeProblem) throw new QuittanceError('CONFIG_INVALID', modeProblem);
  const where = `Stripe (${shownBase(account.credentials)})`;
  const result = await callStripe(
    account,
    'POST',
    'checkout/sessions',
    sessionParams(request),
    io,
    `quittance-${request.paymentId}`,
  );
  if (result.kind === 'unreachable') {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      `${where} ${result.timedOut ? 'did not answer in time' : `could not be reached: ${result.detail}`}`,
    );
  }
  const said = result.error ? `: ${result.error}` : '';
  if (result.status === 401 || result.status === 403) {
    throw new QuittanceError(
      'CONFIG_INVALID',
      `${where} refused the secret key (HTTP ${result.status})${said}`,
    );
  }
  if (result.status >= 400 && result.status < 500 && result.status !== 429) {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      `${where} refused the Checkout Session (HTTP ${result.status})${said}`,
    );
  }
  if (result.status !== 200) {
    throw new QuittanceError('GATEWAY_UNAVAILABLE', `${where} answered HTTP ${result.status}${said}`);
  }
  const session = result.json;
  if (
    !isObject(session) ||
    typeof session.id !== 'string' ||
    !/^cs_\w{1,250}$/.test(session.id) ||
    typeof session.url !== 'string' ||
    !/^https?:\/\//.test(session.url)
  ) {
    throw new QuittanceError('GATEWAY_UNAVAILABLE', `${where} answered a Checkout Session without id or url`);
  }
  return { checkout: checkoutOf({ url: session.url }), gatewayRef: session.id };
}
