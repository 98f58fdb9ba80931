import type { SimClock } from '../_shared/clock.js';
import {
  createNotifier as createDeliveryNotifier,
  type DeliveryJob,
  type Notifier,
} from '../_shared/notifier.js';
import { resendDelay } from './clock.js';
import type { SimIpn } from './types.js';

export interface IpnJob extends DeliveryJob {
  readonly record: SimIpn;
}

/**
 * POSTs each IPN (a form, the same bytes on every attempt) to the payment's notify_url through the common loop.
 * Only HTTP 200 counts as delivered (IPNImplementation: "respond with an empty HTTP 200"); anything else, a network
 * error or a timeout is resent after 10 s, 20 s, 40 s… capped at 24 h, 16 times (clock.ts).
 */
export function createIpnNotifier({
  clock,
  retries,
}: {
  clock: SimClock;
  retries: boolean;
}): Notifier<IpnJob> {
  return createDeliveryNotifier<IpnJob>({
    clock,
    retries,
    isSuccess: (status) => status === 200,
    retryAt: (index, now) => {
      const delay = resendDelay(index);
      return delay === undefined ? undefined : now + clock.scaled(delay);
    },
    headers: (n, index, faultTags) => ({
      // PayPal's IPN user agent.
      'user-agent': 'PayPal IPN ( https://www.paypal.com/ipn )',
      'x-simulator-notification': String(n),
      'x-simulator-attempt': String(index + 1),
      ...(faultTags.length > 0 && { 'x-simulator-fault': faultTags.join(',') }),
    }),
  });
}
