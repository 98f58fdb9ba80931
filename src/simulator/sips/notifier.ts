import { is2xx } from '../_shared/attempt.js';
import type { SimClock } from '../_shared/clock.js';
import {
  afterDelays,
  createNotifier as createDeliveryNotifier,
  type DeliveryJob,
  type DeliveryRecord,
  type Notifier,
} from '../_shared/notifier.js';
import { RETRY_DELAYS_MS } from './clock.js';

/** The live record of one automatic response; `transactions()` hands out copies. */
export interface ResponseRecord extends DeliveryRecord {
  readonly responseCode: string;
  readonly forged: boolean;
}

/**
 * One automatic response to deliver. Its payload is the same urlencoded form on every attempt, as nothing in a Sips
 * response says which try it is; a forgery goes out after the genuine response's first try (`after`).
 */
export interface ResponseJob extends DeliveryJob {
  readonly record: ResponseRecord;
}

export interface NotifierOptions {
  readonly clock: SimClock;
  readonly retries: boolean;
}

/** [UNCONFIRMED] (see clock.ts): only a 2xx answer counts; a redirect is not followed and counts as a failure. */
export function isSipsSuccess(status: number): boolean {
  return is2xx(status);
}

/**
 * Delivers automatic responses with the simulator's chosen policy (clock.ts) through the common loop
 * (_shared/notifier.ts): one attempt when due, then on failure a retry after each of RETRY_DELAYS_MS (scaled), then
 * give up.
 */
export function createNotifier({ clock, retries }: NotifierOptions): Notifier<ResponseJob> {
  return createDeliveryNotifier<ResponseJob>({
    clock,
    retries,
    isSuccess: isSipsSuccess,
    retryAt: afterDelays(RETRY_DELAYS_MS, clock),
    headers: responseHeaders,
  });
}

/** Simulator bookkeeping headers; a real Sips sends none of these. */
function responseHeaders(n: number, index: number, faultTags: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': 'sips-simulator',
    'x-simulator-response': String(n),
    'x-simulator-attempt': String(index + 1),
  };
  if (faultTags.length > 0) headers['x-simulator-fault'] = faultTags.join(',');
  return headers;
}
