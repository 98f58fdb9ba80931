import { isObject } from './json.js';
import { clip } from './request.js';

/** What one call to a gateway's API gave: an answer (any status, its body read as JSON when it is), or no answer. */
export type ApiAnswer =
  | {
      readonly kind: 'answer';
      readonly status: number;
      /** The body as text (UTF-8), for APIs that answer words (PayPal's VERIFIED). */
      readonly text: string;
      /** The body read as JSON; undefined when it is not JSON. */
      readonly json: unknown;
    }
  | { readonly kind: 'unreachable'; readonly timedOut: boolean; readonly detail: string };

export interface ApiRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array | undefined;
}

/**
 * One call to a gateway's API. Only `io.fetch`, always with `io.signal`: the caller bounds the time (a job's lease,
 * a checkout's budget). Redirects are not followed: gateway APIs never redirect, and following one would send the
 * credentials in `headers` to another host, so a 3xx comes back as an answer and reads as a wrong base URL.
 */
export async function callApi(
  url: string,
  request: ApiRequest,
  io: { readonly fetch: typeof fetch; readonly signal: AbortSignal },
): Promise<ApiAnswer> {
  let status: number;
  let content: string;
  try {
    const response = await io.fetch(url, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined && { body: request.body }),
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
    json = content === '' ? undefined : JSON.parse(content);
  } catch {
    json = undefined;
  }
  return { kind: 'answer', status, text: content, json };
}

/** `fetch failed` says little; undici puts the socket error (ECONNREFUSED…) in `cause`. */
export function networkError(error: unknown): string {
  const cause = error instanceof Error && isObject(error.cause) ? error.cause : undefined;
  const code = cause && typeof cause.code === 'string' ? cause.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return clip(code ? `${message}: ${code}` : message, 127);
}

/** Words a gateway said, quoted short, with every secret given replaced by [redacted]. */
export function scrubbed(said: string, secrets: readonly string[], max = 160): string {
  const clean = secrets.filter((s) => s.length > 0).reduce((out, s) => out.split(s).join('[redacted]'), said);
  return clip(clean, max);
}

/** A configured URL without user info, query or fragment, for messages. */
export function shownUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
