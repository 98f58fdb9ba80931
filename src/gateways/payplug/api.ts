import type { GatewayAccount } from '../gateway.js';
import { type PayplugCredentials, payplugHeaders, payplugUrl } from './credentials.js';
import { isObject } from './map.js';

/** What one call to PayPlug's API gave, before any meaning is read into it. */
export type ApiResult =
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly json: unknown;
      readonly error: ApiError | undefined;
    }
  | { readonly kind: 'unreachable'; readonly timedOut: boolean; readonly detail: string };

/**
 * PayPlug's error body: `{"object": "error", "message": "…", "details": {"<field>": "…"}}` — the shape payplug-php
 * keeps whole in HttpException's `httpResponse` (`lib/Payplug/Core/HttpClient.php` throwRequestException). The exact
 * keys are [UNCONFIRMED] (PayPlug's API reference was not reached), so any of them may be missing.
 */
export interface ApiError {
  readonly message: string | undefined;
  /** `details` as `field: message` pairs, when PayPlug names the fields it refused. */
  readonly details: readonly string[];
}

/**
 * One authenticated JSON call (payplug-php `HttpClient::request`: Bearer key, PayPlug-Version, JSON both ways). Only
 * `io.fetch`, always with `io.signal`. Redirects are not followed: the API never redirects, and following one would
 * send the secret key elsewhere (payplug-php follows them; we do not). PayPlug's words are scrubbed of the key.
 */
export async function callPayplug(
  account: GatewayAccount<PayplugCredentials>,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  io: { readonly fetch: typeof fetch; readonly signal: AbortSignal },
): Promise<ApiResult> {
  const { credentials } = account;
  let status: number;
  let content: string;
  try {
    const response = await io.fetch(payplugUrl(credentials, path), {
      method,
      headers: {
        ...payplugHeaders(credentials),
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
  return { kind: 'answer', status, json, error: readError(account, json) };
}

function readError(account: GatewayAccount<PayplugCredentials>, json: unknown): ApiError | undefined {
  if (!isObject(json) || (json.object !== 'error' && typeof json.message !== 'string')) return undefined;
  const scrub = (value: string) => clip(value.split(account.credentials.secretKey).join('[redacted]'), 160);
  const details = isObject(json.details)
    ? Object.entries(json.details)
        .slice(0, 5)
        .map(
          ([field, said]) =>
            `${clip(field, 40)}: ${scrub(typeof said === 'string' ? said : JSON.stringify(said))}`,
        )
    : [];
  return { message: typeof json.message === 'string' ? scrub(json.message) : undefined, details };
}

/** PayPlug's error in words: its message and the fields it named. */
export function said(error: ApiError | undefined): string {
  if (!error) return '';
  const parts = [error.message, ...error.details].filter((p): p is string => !!p);
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

/** The API base without user info or query, for messages. */
export function shownBase(credentials: PayplugCredentials): string {
  const url = new URL(payplugUrl(credentials, ''));
  return `${url.origin}${url.pathname}`;
}
