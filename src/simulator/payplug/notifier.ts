import type { SimClock } from '../_shared/clock.js';
import { createPostNotifier, type DeliveryJob, type Notifier } from '../_shared/notifier.js';
import { RETRY_DELAYS_MS } from './clock.js';
import type { SimNotification } from './types.js';

/** One notification to deliver: the payment resource as JSON, the same body on every attempt. */
export interface NotificationJob extends DeliveryJob {
  readonly record: SimNotification;
}

/**
 * POSTs each notification (the resource as JSON, support.payplug.com/hc/en-gb/articles/360022399591) to the
 * payment's notification_url, through the common loop (_shared/notifier.ts). A 2xx answer counts as delivered
 * (PayPlug wants 200; whether it accepts any 2xx is [UNCONFIRMED]); anything else, a network error or a timeout is
 * retried on clock.ts RETRY_DELAYS_MS.
 */
export function createNotifier({
  clock,
  retries,
}: {
  clock: SimClock;
  retries: boolean;
}): Notifier<NotificationJob> {
  return createPostNotifier<NotificationJob>({
    clock,
    retries,
    retryDelaysMs: RETRY_DELAYS_MS,
    contentType: 'application/json',
    userAgent: 'payplug-simulator',
  });
}
