import { z } from 'zod';
import { shownUrl } from '../_shared/api-call.js';

/**
 * GNU Taler merchant backend credentials (shared/protocols.md §5; docs.taler.net/core/api-merchant.html).
 *
 * - `backendUrl`: the instance's base URL, `https://backend.example/` (default instance) or
 *   `https://backend.example/instances/$INSTANCE/`. Every call is `{backendUrl}private/…`, so a trailing slash is added.
 * - `token`: the instance's access token. The backend wants `Authorization: Bearer secret-token:<token>`
 *   (protocols.md §5; taler-php `InstanceAuthConfigTokenOLD.php`; mirrorps/symfony-taler's README configures
 *   `Bearer secret-token:your-api-token`). Tokens issued by newer backends already start with the RFC 8959
 *   `secret-token:` prefix; a token given without it gets it added.
 * - `currency`: the currency the backend's exchanges deal in (`EUR`, `CHF`, `KUDOS`…). When given, only it is offered;
 *   when absent any code the Taler amount format can carry is.
 * - `payDeadlineSeconds`: how long the customer may pay; sent as the order's `pay_deadline`, so quittance knows when
 *   an unpaid order has expired. Default 2 hours, the merchant web UI's default `default_pay_delay` for new instances
 *   (taler-merchant-webui `CreatePage` `with_defaults`) [UNCONFIRMED as the backend's own default].
 * - `refundDelaySeconds`: when given, the order's `refund_deadline` is set that long after creation (at least the pay
 *   deadline), so `quittance refund` works until then; absent, the instance's default applies (often none: then the
 *   backend refuses refunds with 403).
 */
export const DEFAULT_PAY_DEADLINE_SECONDS = 2 * 60 * 60;

/** Taler's currency codes: upper-case letters, at most 11 (TALER_CURRENCY_LEN 12 counts the NUL) [UNCONFIRMED]. */
export const TALER_CURRENCY = /^[A-Z]{3,11}$/;

export const talerCredentialsSchema = z.strictObject({
  backendUrl: z.url({ protocol: /^https?$/ }).refine((value) => {
    const url = new URL(value);
    return url.username === '' && url.password === '' && url.search === '' && url.hash === '';
  }, 'backendUrl is the backend (or instance) base URL, without user info, query or fragment'),
  token: z
    .string()
    .min(1, 'token is the instance access token (secret-token:…)')
    .max(1024)
    .regex(/^[\x21-\x7e]+$/, 'token is printable ASCII without spaces'),
  currency: z
    .string()
    .regex(TALER_CURRENCY, 'currency is the upper-case code the backend uses, such as EUR or KUDOS')
    .optional(),
  payDeadlineSeconds: z
    .number()
    .int()
    .min(1)
    .max(30 * 24 * 60 * 60)
    .optional(),
  refundDelaySeconds: z
    .number()
    .int()
    .min(0)
    .max(10 * 365 * 24 * 60 * 60)
    .optional(),
});

export type TalerCredentials = z.infer<typeof talerCredentialsSchema>;

export const TALER_SECRET_FIELDS = ['token'] as const satisfies readonly (keyof TalerCredentials)[];

/** `{backendUrl}<path>`, with exactly one slash between. */
export function talerUrl(credentials: TalerCredentials, path: string): string {
  return `${credentials.backendUrl.replace(/\/+$/, '')}/${path}`;
}

/** The token as the backend wants it after `Bearer `: with the `secret-token:` prefix. */
export function bearerToken(credentials: TalerCredentials): string {
  return credentials.token.startsWith('secret-token:')
    ? credentials.token
    : `secret-token:${credentials.token}`;
}

export function payDeadlineSeconds(credentials: TalerCredentials): number {
  return credentials.payDeadlineSeconds ?? DEFAULT_PAY_DEADLINE_SECONDS;
}

/** The backend base for messages: origin and path only. */
export function shownBase(credentials: TalerCredentials): string {
  return shownUrl(credentials.backendUrl);
}
