/** One HTTP delivery attempt of a notification. `at` is ms since the simulator started. */
export interface Attempt {
  readonly at: number;
  readonly status?: number;
  readonly error?: string;
  readonly latencyMs: number;
  /** The start of the merchant's answer (the first 512 characters unless the protocol reads more). */
  readonly bodyStart: string;
  /** The extra copy sent by the `duplicate` fault. */
  readonly duplicate?: true;
}

export type AttemptResult = Omit<Attempt, 'at'>;

/** How much of the answer a gateway keeps by default: Lyra shows the first 512 characters in its history. */
export const BODY_START_CHARS = 512;

/**
 * One POST, as a gateway makes it: redirects are not followed and the answer is read only up to its first
 * `bodyChars` characters (Triveneto reads 4096 to find `REDIRECT=`). The content type defaults to urlencoded; a
 * `content-type` in `headers` replaces it (PayPlug posts JSON). `timeoutMs` covers the headers and that part of the
 * body; `stop` aborts everything when the simulator closes. Never throws: a failure is a result with `error`.
 */
export async function postOnce(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
  stop: AbortSignal,
  bodyChars: number = BODY_START_CHARS,
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
    const bodyStart = await readStart(res, bodyChars);
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

/** A 2xx answer: what Sips and PayPlug count as delivered (Lyra has its own list, Triveneto reads the body). */
export function is2xx(status: number): boolean {
  return status >= 200 && status <= 299;
}
