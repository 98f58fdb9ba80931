import {
  createNotifier as createDeliveryNotifier,
  type DeliveryJob,
  type DeliveryRecord,
  type Notifier,
} from '../_shared/notifier.js';
import type { LyraClock } from './clock.js';
import type { SimTransStatus } from './types.js';

/** The live record of one IPN; `transactions()` hands out copies. */
export interface IpnRecord extends DeliveryRecord {
  readonly status: SimTransStatus;
  readonly forged: boolean;
}

/** An IPN to deliver; its body and fault tags may change per attempt (vads_url_check_src=RETRY). */
export interface IpnJob extends DeliveryJob {
  readonly record: IpnRecord;
}

export interface NotifierOptions {
  readonly clock: LyraClock;
  readonly retries: boolean;
  readonly maxRetries: number;
}

/** Lyra's list: 2xx up to 206 and the redirect codes, which it does not follow. */
export function isLyraSuccess(status: number): boolean {
  return (status >= 200 && status <= 206) || [301, 302, 303, 307, 308].includes(status);
}

/**
 * Delivers IPNs with Lyra's policy (the common loop of _shared/notifier.ts): one attempt when due, and on failure
 * (status outside the success list, network error, timeout, loss) a retry at each following 15-minute slot
 * boundary, at most `maxRetries` times, then give up.
 */
export function createNotifier({ clock, retries, maxRetries }: NotifierOptions): Notifier<IpnJob> {
  return createDeliveryNotifier<IpnJob>({
    clock,
    retries,
    isSuccess: isLyraSuccess,
    retryAt: (index, now) => (index >= maxRetries ? undefined : clock.nextSlotAfter(now)),
    headers: ipnHeaders,
  });
}

function ipnHeaders(n: number, index: number, faultTags: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': 'lyra-simulator',
    'x-simulator-ipn': String(n),
    'x-simulator-attempt': String(index + 1),
  };
  if (faultTags.length > 0) headers['x-simulator-fault'] = faultTags.join(', ');
  return headers;
}
