import { callApi, scrubbed, shownUrl } from '../_shared/api-call.js';
import { isObject } from '../_shared/json.js';
import type { GatewayAccount } from '../gateway.js';
import { type StripeCredentials, stripeUrl } from './credentials.js';

export type ApiResult =
  | { readonly kind: 'answer'; readonly status: number; readonly json: unknown; readonly error: string }
  | { readonly kind: 'unreachable'; readonly timedOut: boolean; readonly detail: string };

/**
 * Stripe's form encoding of nested parameters (stripe-node `utils.ts` queryStringifyRequestData):
 * `line_items[0][price_data][currency]=eur`. Keys in insertion order; undefined values left out.
 */
export function formEncode(params: Readonly<Record<string, unknown>>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const name = prefix === '' ? key : `${prefix}[${key}]`;
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        out.push(
          ...(isObject(item) ? formEncode(item, `${name}[${index}]`) : [pair(`${name}[${index}]`, item)]),
        );
      });
    } else if (isObject(value)) {
      out.push(...formEncode(value, name));
    } else {
      out.push(pair(name, value));
    }
  }
  return out;
}

function pair(name: string, value: unknown): string {
  return `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`;
}

/**
 * One authenticated call (Bearer secret key, form body, JSON answer). Only `io.fetch`, always with `io.signal`.
 * Redirects are not followed: the API never redirects, and following one would send the key elsewhere. Stripe's error
 * message (`{"error": {"type", "code", "message"}}`) is kept, scrubbed of the key.
 */
export async function callStripe(
  account: GatewayAccount<StripeCredentials>,
  method: 'GET' | 'POST',
  path: string,
  params: Readonly<Record<string, unknown>> | undefined,
  io: { readonly fetch: typeof fetch; readonly signal: AbortSignal },
  idempotencyKey?: string,
): Promise<ApiResult> {
  const { credentials } = account;
  const result = await callApi(
    stripeUrl(credentials, path),
    {
      method,
      headers: {
        authorization: `Bearer ${credentials.secretKey}`,
        accept: 'application/json',
        ...(credentials.apiVersion !== undefined && { 'stripe-version': credentials.apiVersion }),
        ...(idempotencyKey !== undefined && { 'idempotency-key': idempotencyKey }),
        ...(params !== undefined && { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      body: params === undefined ? undefined : formEncode(params).join('&'),
    },
    io,
  );
  if (result.kind === 'unreachable') return result;
  const { json } = result;
  const error = isObject(json) && isObject(json.error) ? json.error : undefined;
  const said = error && typeof error.message === 'string' ? error.message : '';
  return { ...result, error: scrubbed(said, [credentials.secretKey]) };
}

/** The API base without user info or query, for messages. */
export function shownBase(credentials: StripeCredentials): string {
  return shownUrl(stripeUrl(credentials, ''));
}
