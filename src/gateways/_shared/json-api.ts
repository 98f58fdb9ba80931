/** What one call to a gateway's JSON API gave, before any meaning is read into it. */
export type JsonAnswer =
  | { readonly kind: 'answer'; readonly status: number; readonly json: unknown }
  | { readonly kind: 'unreachable'; readonly timedOut: boolean; readonly detail: string };

/**
 * One authenticated JSON call through the injected `io.fetch`, always with `io.signal`. Redirects are not followed:
 * these APIs never redirect, and following one would send the secret key elsewhere. A body that is not JSON gives
 * `json: undefined` (a proxy's HTML error page, say), so the caller still sees the status.
 */
export async function callJsonApi(
  url: string,
  init: {
    readonly method: 'GET' | 'POST';
    readonly headers: Readonly<Record<string, string>>;
    readonly body?: unknown;
  },
  io: { readonly fetch: typeof fetch; readonly signal: AbortSignal },
): Promise<JsonAnswer> {
  let status: number;
  let content: string;
  try {
    const response = await io.fetch(url, {
      method: init.method,
      headers: {
        ...init.headers,
        ...(init.body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
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
  return { kind: 'answer', status, json };
}

/** `fetch failed` says little; undici puts the socket error (ECONNREFUSED…) in `cause`. */
export function networkError(error: unknown): string {
  const cause = error instanceof Error && isJsonObject(error.cause) ? error.cause : undefined;
  const code = cause && typeof cause.code === 'string' ? cause.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return clipLine(code ? `${message}: ${code}` : message, 127);
}

/** A value quoted in a message: control characters folded to spaces, at most `max` characters, then …. */
export function clipLine(value: string, max = 40): string {
  const chars = Array.from(value.replace(/[\p{Cc}]+/gu, ' '));
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
}

export function isJsonObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value from a request or an answer, quoted short in a reason (`missing` when absent). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  return clipLine(JSON.stringify(value) ?? String(value), 40);
}
