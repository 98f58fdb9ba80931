import type { StatusIo } from '../gateway.js';

/*
 * Test doubles for adapters that call an API through the injected `fetch` (PayPlug, Mollie): a recording stub, a JSON
 * answer and the StatusIo around them. Used by tests and fixtures only.
 */

/** One recorded call of the stub fetch. */
export interface Call {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
  readonly redirect: string | undefined;
  readonly signal: AbortSignal | undefined;
}

/** A fetch that answers from `answer` and records every call; `answer` may throw to play a network error. */
export function stubFetch(answer: (call: Call) => Response | Promise<Response>): {
  fetch: typeof fetch;
  calls: Call[];
} {
  const calls: Call[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit) => {
    const call: Call = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      body: typeof init?.body === 'string' ? init.body : undefined,
      redirect: init?.redirect,
      signal: init?.signal ?? undefined,
    };
    calls.push(call);
    if (init?.signal?.aborted) throw new DOMException('The operation was aborted.', 'AbortError');
    return answer(call);
  };
  return { fetch: fake as typeof fetch, calls };
}

export function json(status: number, value: unknown): Response {
  return new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
}

export function io(f: typeof fetch, signal: AbortSignal = new AbortController().signal): StatusIo {
  return { fetch: f, signal, now: new Date('2026-05-04T10:21:00Z') };
}
