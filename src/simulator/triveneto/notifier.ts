import { encodeForm } from '../../gateways/_shared/form-codec.js';
import type { SimClock } from './clock.js';
import type { Delivery } from './types.js';

const ANSWER_CHARS = 4096;

export interface PostOptions {
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
  /** Message number within the payment, for x-simulator-notification. */
  readonly n: number;
  /** x-simulator-fault tags (`forged`, `duplicate`). */
  readonly faultTags: readonly string[];
  readonly clock: SimClock;
  /** Aborts everything when the simulator closes. */
  readonly stop: AbortSignal;
}

/**
 * One POST of a NotificationMessage (urlencoded) to responseURL, as the gateway makes it: once, no retry (none is
 * documented: protocols.md §4, [UNCONFIRMED]), redirects not followed, the answer read up to 4096 characters within
 * the gateway's timeout. Never throws: a failure is a Delivery with `error`.
 */
export async function postNotification(options: PostOptions): Promise<Delivery> {
  const { clock } = options;
  const at = clock.now();
  const started = performance.now();
  const timeout = AbortSignal.timeout(clock.timeoutMs);
  const signal = AbortSignal.any([timeout, options.stop]);
  const latencyMs = () => Math.round(performance.now() - started);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'user-agent': 'triveneto-simulator',
    'x-simulator-notification': String(options.n),
  };
  if (options.faultTags.length > 0) headers['x-simulator-fault'] = options.faultTags.join(', ');
  try {
    const res = await fetch(options.url, {
      method: 'POST',
      headers,
      body: encodeForm(options.fields),
      redirect: 'manual',
      signal,
    });
    const answer = await readStart(res, ANSWER_CHARS);
    return { at, status: res.status, latencyMs: latencyMs(), answer };
  } catch (err) {
    const error = timeout.aborted ? `timeout after ${clock.timeoutMs} ms` : describe(err);
    return { at, error, latencyMs: latencyMs(), answer: '' };
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
