import { z } from 'zod';

/**
 * Adyen Checkout API, Pay by Link (`POST /paymentLinks`): test host from @adyen/api-library 32.1.0
 * `services/checkout/paymentLinksApi.js` (`https://checkout-test.adyen.com/v72`); live host rewritten by the same
 * library's `service.js` to `https://{liveEndpointUrlPrefix}-checkout-live.adyenpayments.com/checkout/`.
 */
export const ADYEN_CHECKOUT_TEST = 'https://checkout-test.adyen.com/v72';
export const adyenCheckoutLive = (prefix: string): string =>
  `https://${prefix}-checkout-live.adyenpayments.com/checkout/v72`;

// Strict: a misspelt option fails at config load instead of being ignored.
export const adyenCredentialsSchema = z
  .strictObject({
    /** The merchant account the notifications must name (`merchantAccountCode`) and payment links are made for. */
    merchantAccount: z.string().min(1, 'merchantAccount is the Adyen merchant account code'),
    /**
     * The webhook's HMAC key (Customer Area > Developers > Webhooks), hex: Adyen hex-decodes it before use
     * (shared/protocols.md §6; @adyen/api-library `hmacValidator.calculateHmacSignature`).
     */
    hmacKey: z
      .string()
      .regex(/^(?:[0-9a-fA-F]{2}){16,}$/, 'hmacKey is the hex HMAC key of the webhook (64 hex digits)'),
    /** During a key rotation: notifications signed with this key verify too. */
    previousHmacKey: z
      .string()
      .regex(/^(?:[0-9a-fA-F]{2}){16,}$/, 'previousHmacKey is a hex HMAC key')
      .optional(),
    /** The Checkout API key (X-API-Key), to create payment links. */
    apiKey: z.string().min(1, 'apiKey is the Checkout API key (X-API-Key)'),
    environment: z.enum(['test', 'live']),
    /** The live endpoint prefix of the company account (Customer Area > Developers > API URLs); live only. */
    liveUrlPrefix: z
      .string()
      .regex(/^[a-z0-9-]+$/i, 'liveUrlPrefix is the prefix of the live API URLs')
      .optional(),
    /**
     * `auto` (Adyen's default): an AUTHORISATION with success true is the payment captured; `manual`: it is only
     * authorized until a CAPTURE notification comes.
     */
    capture: z.enum(['auto', 'manual']).default('auto'),
    /** Overrides the Checkout API base (…/v72), e.g. to point at a simulator. */
    apiBase: z.url({ protocol: /^https?$/ }).optional(),
  })
  .refine((c) => c.environment !== 'live' || c.apiBase !== undefined || c.liveUrlPrefix !== undefined, {
    message: 'a live account needs liveUrlPrefix (Customer Area > Developers > API URLs)',
    path: ['liveUrlPrefix'],
  });

export type AdyenCredentials = z.output<typeof adyenCredentialsSchema>;

export const ADYEN_SECRET_FIELDS = [
  'hmacKey',
  'previousHmacKey',
  'apiKey',
] as const satisfies readonly (keyof AdyenCredentials)[];

/** `{base}/<path>` with no doubled slash. */
export function adyenCheckoutUrl(credentials: AdyenCredentials, path: string): string {
  const base =
    credentials.apiBase ??
    (credentials.environment === 'live'
      ? adyenCheckoutLive(credentials.liveUrlPrefix ?? '')
      : ADYEN_CHECKOUT_TEST);
  return `${base.replace(/\/+$/, '')}/${path}`;
}
