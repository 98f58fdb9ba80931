import type { SimClock } from '../_shared/clock.js';
import { createPostNotifier, type DeliveryJob, type Notifier } from '../_shared/notifier.js';
import { RETRY_DELAYS_MS } from './clock.js';
import type { SimNotification } from './types.js';

/** One webhook to deliver: `id=tr_…`, the same body on every attempt. */
export interface NotificationJob extends DeliveryJob {
  readonly record: SimNotification;
}

/**
 * POSTs each webhook (`application/x-www-form-urlencoded`, `id=tr_…`, docs.mollie.com/reference/webhooks, whose example
 * request shows the User-Agent) to the payment's webhookUrl. Mollie wants 200; whether any 2xx counts is
 * [UNCONFIRMED], so any 2xx does here. Anything else, a network error or a timeout is retried on RETRY_DELAYS_MS.
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
    contentType: 'application/x-www-form-urlencoded',
    userAgent: 'Mollie HTTP client/1.0',
  });
}
