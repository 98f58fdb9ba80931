import { encodeForm } from '../../gateways/_shared/form-codec.js';
import { postOnce } from '../_shared/attempt.js';
import type { SimClock } from '../_shared/clock.js';
import type { Delivery } from './types.js';

/** The merchant's answer is read this far: far enough to find `REDIRECT=<url>` (the common default is 512). */
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
 * the gateway's timeout (_shared/attempt.ts postOnce). Never throws: a failure is a Delivery with `error`.
 */
export async function postNotification(options: PostOptions): Promise<Delivery> {
  const { clock } = options;
  const at = clock.now();
  const headers: Record<string, string> = {
    'user-agent': 'triveneto-simulator',
    'x-simulator-notification': String(options.n),
  };
  if (options.faultTags.length > 0) headers['x-simulator-fault'] = options.faultTags.join(', ');
  const { bodyStart, ...result } = await postOnce(
    options.url,
    encodeForm(options.fields),
    headers,
    clock.timeoutMs,
    options.stop,
    ANSWER_CHARS,
  );
  return { at, ...result, answer: bodyStart };
}
