import { callApi, scrubbed } from '../_shared/api-call.js';
import { isObject } from '../_shared/json.js';
import type { GatewayAccount } from '../gateway.js';
import { bearerToken, type TalerCredentials, talerUrl } from './credentials.js';

/** What one call to the merchant backend gave, before any meaning is read into it. */
export type ApiResult =
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly json: unknown;
      /** The backend's error words (`hint`, `detail`, `code`), scrubbed of the token; '' when none. */
      readonly said: string;
    }
  | { readonly kind: 'unreachable'; readonly timedOut: boolean; readonly detail: string };

/**
 * One authenticated JSON call to `{backendUrl}<path>` (docs.taler.net/core/api-merchant.html: `Authorization: Bearer
 * secret-token:…` on every `/private` endpoint), redirects not followed (callApi).
 */
export async function callTaler(
  account: GatewayAccount<TalerCredentials>,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  io: { readonly fetch: typeof fetch; readonly signal: AbortSignal },
): Promise<ApiResult> {
  const { credentials } = account;
  const result = await callApi(
    talerUrl(credentials, path),
    {
      method,
      headers: {
        authorization: `Bearer ${bearerToken(credentials)}`,
        accept: 'application/json',
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
    io,
  );
  if (result.kind === 'unreachable') return result;
  return { ...result, said: result.status >= 300 ? errorWords(credentials, result.json) : '' };
}

/**
 * Taler's ErrorDetail (docs.taler.net/core/api-common.html "Errors"): `{code: number, hint?: string, detail?: string}`.
 * Quoted short, without the token.
 */
function errorWords(credentials: TalerCredentials, json: unknown): string {
  if (!isObject(json)) return '';
  const scrub = (value: string) => scrubbed(value, [bearerToken(credentials), credentials.token]);
  const parts: string[] = [];
  if (typeof json.code === 'number') parts.push(`code ${json.code}`);
  if (typeof json.hint === 'string') parts.push(scrub(json.hint));
  if (typeof json.detail === 'string') parts.push(scrub(json.detail));
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

/**
 * Order ids quittance accepts from the backend or a webhook: the characters the merchant backend allows in an order id
 * (it must be usable in a URL path; docs: "order_id … must be URL-safe") [UNCONFIRMED exact set], at most 128.
 */
export const ORDER_ID = /^[A-Za-z0-9._~-]{1,128}$/;
