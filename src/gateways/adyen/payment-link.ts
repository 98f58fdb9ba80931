import { QuittanceError } from '../../core/index.js';
import type { Checkout, CheckoutRequest, GatewayAccount } from '../gateway.js';
import { type AdyenCredentials, adyenCheckoutUrl } from './credentials.js';

type Account = GatewayAccount<AdyenCredentials>;

/** A link stays usable this long; Adyen's own default is 24 h. */
export const LINK_LIFETIME_MS = 24 * 60 * 60_000;

/** The `POST /paymentLinks` call, built without any I/O (field names: @adyen/api-library `PaymentLinkRequest`). */
export function paymentLinkRequest(account: Account, request: CheckoutRequest) {
  const { credentials } = account;
  return {
    url: adyenCheckoutUrl(credentials, 'paymentLinks'),
    headers: { 'content-type': 'application/json', 'x-api-key': credentials.apiKey },
    body: {
      reference: request.merchantRef,
      merchantOrderReference: request.orderRef,
      merchantAccount: credentials.merchantAccount,
      amount: { value: request.amount.value, currency: request.amount.currency },
      returnUrl: request.urls.return,
      reusable: false,
      expiresAt: new Date(request.now.getTime() + LINK_LIFETIME_MS).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
  };
}

/** Reads a `PaymentLinkResponse`: the link's `url` (where the shopper pays) and `id`. */
export function parsePaymentLinkAnswer(
  body: unknown,
): { readonly id: string; readonly url: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { id, url } = body as { id?: unknown; url?: unknown };
  if (typeof id !== 'string' || typeof url !== 'string' || !/^https?:\/\//i.test(url) || !URL.canParse(url)) {
    return undefined;
  }
  return { id, url };
}

/**
 * Creates a single-use payment link and sends the shopper to it. Throws QuittanceError GATEWAY_UNAVAILABLE
 * (unreachable, timed out, 5xx, unreadable) or VALIDATION_FAILED (4xx: bad key, refused request; asking again will not
 * help). The API key never appears in a message.
 */
export async function createPaymentLink(
  account: Account,
  request: CheckoutRequest,
  io: { readonly fetch: typeof fetch; readonly signal: AbortSignal },
): Promise<{ readonly checkout: Checkout; readonly linkId: string }> {
  const call = paymentLinkRequest(account, request);
  let response: Response;
  let body: unknown;
  try {
    response = await io.fetch(call.url, {
      method: 'POST',
      headers: call.headers,
      body: JSON.stringify(call.body),
      redirect: 'manual',
      signal: io.signal,
    });
    body = await response.json().catch(() => undefined);
  } catch (error) {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      io.signal.aborted
        ? 'Adyen did not answer the payment link request in time.'
        : 'Adyen could not be reached to create the payment link.',
      undefined,
      { cause: error },
    );
  }
  if (response.status >= 400 && response.status <= 499) {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      `Adyen refused the payment link (HTTP ${response.status}${errorCodeOf(body)}).`,
    );
  }
  const link = response.status >= 200 && response.status <= 299 ? parsePaymentLinkAnswer(body) : undefined;
  if (!link) {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      `Adyen answered the payment link request with HTTP ${response.status} and no usable link.`,
    );
  }
  return { checkout: { method: 'GET', url: link.url, fields: {} }, linkId: link.id };
}

/** Adyen's error answers carry `errorCode` and `message` (never our key): the code alone is quoted. */
function errorCodeOf(body: unknown): string {
  const code = (body as { errorCode?: unknown } | undefined)?.errorCode;
  return typeof code === 'string' && /^[\w.-]{1,20}$/.test(code) ? `, errorCode ${code}` : '';
}
