import { createHmac } from 'node:crypto';
import { is2xx } from '../_shared/attempt.js';
import { createSimClock, type SimClock } from '../_shared/clock.js';
import {
  afterDelays,
  createNotifier as createDeliveryNotifier,
  type DeliveryJob,
  type Notifier,
} from '../_shared/notifier.js';
import type { SimEvent } from './types.js';

/**
 * Stripe's retries: "exponential backoff for up to 3 days in live mode; 3 times over a few hours in sandbox"
 * (shared/protocols.md §6). The simulator plays a sandbox account: 3 retries, 30 min, 1 h and 2 h after the failed
 * attempt (the exact gaps are [UNCONFIRMED]).
 */
export const RETRY_DELAYS_MS: readonly number[] = [30 * 60_000, 60 * 60_000, 2 * 60 * 60_000];

/** How long an attempt waits for the answer: quittance's notifyTimeoutMs for Stripe [UNCONFIRMED]. */
export const TIMEOUT_MS = 10_000;

export function createClock(timeScale: number): SimClock {
  return createSimClock(timeScale, TIMEOUT_MS);
}

export interface EventJob extends DeliveryJob {
  readonly record: SimEvent;
}

/**
 * Posts each event as JSON, signed afresh on every attempt as Stripe does (`t` is the attempt's time): one `v1=` per
 * secret in `secretsOf(n)` (the endpoint's, or a stranger's for a forgery). Any 2xx is delivered.
 */
export function createNotifier(options: {
  readonly clock: SimClock;
  readonly retries: boolean;
  /** The body and the signing secrets of event `n`. */
  readonly signing: (n: number) => { readonly body: string; readonly secrets: readonly string[] };
}): Notifier<EventJob> {
  return createDeliveryNotifier<EventJob>({
    clock: options.clock,
    retries: options.retries,
    isSuccess: is2xx,
    retryAt: afterDelays(RETRY_DELAYS_MS, options.clock),
    headers: (n, index, faultTags) => {
      const { body, secrets } = options.signing(n);
      const t = Math.floor(Date.now() / 1000);
      const v1 = secrets.map(
        (secret) => `v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`,
      );
      const headers: Record<string, string> = {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'stripe-signature': [`t=${t}`, ...v1].join(','),
        'x-simulator-notification': String(n),
        'x-simulator-attempt': String(index + 1),
      };
      if (faultTags.length > 0) headers['x-simulator-fault'] = faultTags.join(',');
      return headers;
    },
  });
}
