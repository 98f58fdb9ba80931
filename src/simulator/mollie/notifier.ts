import { is2xx } from '../_shared/attempt.js';
import type { SimClock } from '../_shared/clock.js';
import {
  afterDelays,
  createNotifier as createDeliveryNotifier,
  type DeliveryJob,
  type Notifier,
} from '../_shared/notifier.js';
import { RETRY_DELAYS_MS } from './clock.js';
import type { SimNotification } from './types.js';

/** One webhook to deliver: `id=tr_…`, the same body on every attempt. */
export interface NotificationJob extends DeliveryJob {
  readonly record: SimNotification;
}

/**
 * POSTs each webhook (`application/x-www-form-urlencoded`, `id=tr_…`, docs.mollie.com/reference/webhooks) to the
 * payment's webhookUrl through the common loop (_shared/notifier.ts). Mollie wants 200; whether any 2xx counts is
 * [UNCONFIRMED], so any 2xx does here. Anything else, a network error or a timeout is retried on RETRY_DELAYS_MS.
 */
export function createNotifier({
  clock,
  retries,
}: {
  clock: SimClock;
  retries: boolean;
}): Notifier<NotificationJob> {
  return createDeliveryNotifier<NotificationJob>({
    clock,
    retries,
    isSuccess: is2xx,
    retryAt: afterDelays(RETRY_DELAYS_MS, clock),
    headers: webhookHeaders,
  });
}

function webhookHeaders(n: number, index: number, faultTags: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    // The docs' example request shows this User-Agent.
    'user-agent': 'Mollie HTTP client/1.0',
    'x-simulator-notification': String(n),
    'x-simulator-attempt': String(index + 1),
  };
  if (faultTags.length > 0) headers['x-simulator-fault'] = faultTags.join(',');
  return headers;
}
