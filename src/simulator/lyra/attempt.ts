import type { Attempt } from './types.js';

const BODY_START_CHARS = 512;

/** Lyra's list: 2xx up to 206 and the redirect codes, which it does not follow. */
export function isLyraSuccess(status: number): boolean {
  return (status >= 200 && status <= 206) || [301, 302, 303, 307, 308].includes(status);
}

export type AttemptResult = Omit<Attempt, 'at'>;

/**
 * One POST of an urlencoded body. Redirects are not followed and the answer is read only up to
 * its first 512 characters. `timeoutMs` covers the headers and that part of the body; `stop`
 * aborts everything when the simulator closes.
 */
export async function postOnce(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
  stop: AbortSignal,
): Promise<AttemptResult> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([timeout, stop]);
  const latency = () => Math.round(performance.now() - started);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
      redirect: 'manual',
      signal,
    });
    const bodyStart = await readStart(res, BODY_START_CHARS);
    return { status: res.status, latencyMs: latency(), bodyStart };
  } catch (err) {
    const error = timeout.aborted ? `timeout after ${timeoutMs} ms` : describe(err);
    return { error, latencyMs: latency(), bodyStart: '' };
  }
}

async function readStart(res: Response, chars: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < chars) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text.slice(0, chars);
}

/** fetch hides the useful part (ECONNREFUSED, ECONNRESET...) in `cause`. */
function describe(err: unknown): string {
  const cause =
    err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}
