import { type ApiAnswer, callApi } from '../_shared/api-call.js';
import { isObject } from '../_shared/json.js';
import { clip } from '../_shared/request.js';
import type { GatewayAccount } from '../gateway.js';
import { type MollieCredentials, mollieUrl, shownBase } from './credentials.js';

/** A call's answer plus Mollie's own words on an error, scrubbed of the key ('' when none). */
export type MollieResult =
  | (Extract<ApiAnswer, { kind: 'answer' }> & { readonly said: string })
  | Extract<ApiAnswer, { kind: 'unreachable' }>;

/**
 * One authenticated call (docs.mollie.com/reference/authentication: `Authorization: Bearer <API key>`; JSON both ways,
 * as @mollie/api-client 4.6.0 `NetworkClient` sends it, with its `Idempotency-Key` header on POSTs when given).
 */
export async function callMollie(
  account: GatewayAccount<MollieCredentials>,
  method: 'GET' | 'POST',
  path: string,
  io: { readonly fetch: typeof fetch; readonly signal: AbortSignal },
  options: { readonly body?: unknown; readonly idempotencyKey?: string } = {},
): Promise<MollieResult> {
  const { apiKey } = account.credentials;
  const answer = await callApi(
    mollieUrl(account.credentials, path),
    {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        accept: 'application/hal+json',
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
        ...(options.idempotencyKey !== undefined && { 'idempotency-key': options.idempotencyKey }),
      },
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    },
    io,
  );
  if (answer.kind === 'unreachable') return answer;
  return { ...answer, said: errorWords(answer.json, apiKey) };
}

/**
 * Mollie's error body is `application/hal+json` `{status, title, detail, field?}` (docs.mollie.com/reference/errors;
 * @mollie/api-client `ApiError.createFromResponse` reads `detail`, `title`, `field`). Quoted as ` (title: detail)`.
 */
function errorWords(json: unknown, apiKey: string): string {
  if (!isObject(json) || (typeof json.detail !== 'string' && typeof json.title !== 'string')) return '';
  const scrub = (value: unknown) =>
    typeof value === 'string' ? clip(value.split(apiKey).join('[redacted]'), 160) : undefined;
  const parts = [
    scrub(json.title),
    scrub(json.detail),
    json.field ? `field ${scrub(json.field)}` : undefined,
  ];
  const words = parts.filter((p): p is string => !!p).join(': ');
  return words === '' ? '' : ` (${words})`;
}

/** "Mollie's API (GET payments/tr_x at https://api.mollie.com/v2/)", for messages. */
export function where(account: GatewayAccount<MollieCredentials>, call: string): string {
  return `Mollie's API (${call} at ${shownBase(account.credentials)})`;
}
