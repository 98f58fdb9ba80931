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

type Json = Readonly<Record<string, unknown>>;

/**
 * One authenticated JSON call to `{backendUrl}<path>` (docs.taler.net/core/api-merchant.html: `Authorization: Bearer
 * secret-token:…` on every `/private` endpoint). Only `io.fetch`, always with `io.signal`. Redirects are not followed:
 * following one would send the token elsewhere.
 */
export async function callTaler(
  account: GatewayAccount<TalerCredentials>,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  io: { readonly fetch: typeof fetch; readonly signal: AbortSignal },
): Promise<ApiResult> {
  const { credentials } = account;
  let status: number;
  let content: string;
  try {
    const response = await io.fetch(talerUrl(credentials, path), {
      method,
      headers: {
        authorization: `Bearer ${bearerToken(credentials)}`,
        accept: 'application/json',
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      redirect: 'manual',
      signal: io.signal,
    });
    status = response.status;
    content = await response.text();
  } catch (error) {
    return { kind: 'unreachable', timedOut: io.signal.aborted, detail: networkError(error) };
  }
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    json = undefined;
  }
  return { kind: 'answer', status, json, said: status >= 300 ? errorWords(credentials, json) : '' };
}

/**
 * Taler's ErrorDetail (docs.taler.net/core/api-common.html "Errors"): `{code: number, hint?: string, detail?: string}`.
 * Quoted short, without the token.
 */
function errorWords(credentials: TalerCredentials, json: unknown): string {
  if (!isObject(json)) return '';
  const scrub = (value: string) =>
    clip(
      value.split(credentials.token).join('[redacted]').split(bearerToken(credentials)).join('[redacted]'),
      160,
    );
  const parts: string[] = [];
  if (typeof json.code === 'number') parts.push(`code ${json.code}`);
  if (typeof json.hint === 'string') parts.push(scrub(json.hint));
  if (typeof json.detail === 'string') parts.push(scrub(json.detail));
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

/** `fetch failed` says little; undici puts the socket error (ECONNREFUSED…) in `cause`. */
function networkError(error: unknown): string {
  const cause = error instanceof Error && isObject(error.cause) ? error.cause : undefined;
  const code = cause && typeof cause.code === 'string' ? cause.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return clip(code ? `${message}: ${code}` : message, 127);
}

export function clip(value: string, max = 40): string {
  const chars = Array.from(value.replace(/[\p{Cc}]+/gu, ' '));
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value from a message, quoted short in a reason. */
export function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  return clip(JSON.stringify(value) ?? String(value), 40);
}

/**
 * Order ids quittance accepts from the backend or a webhook: the characters the merchant backend allows in an order id
 * (it must be usable in a URL path; docs: "order_id … must be URL-safe") [UNCONFIRMED exact set], at most 128.
 */
export const ORDER_ID = /^[A-Za-z0-9._~-]{1,128}$/;
