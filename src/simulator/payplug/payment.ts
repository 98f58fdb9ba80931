import type { SimClock } from '../_shared/clock.js';
import type { Notifier } from '../_shared/notifier.js';
import { appendNotification } from '../_shared/notifier.js';
import type { SimRandom } from '../_shared/random.js';
import { delayOf, dropsAttempt, type Fault, hasFault } from '../faults.js';
import type { NotificationJob } from './notifier.js';
import type { PayplugScenario, SimNotification, SimPayment } from './types.js';

export interface PaymentContext {
  readonly clock: SimClock;
  readonly random: SimRandom;
  readonly notifier: Notifier<NotificationJob>;
}

/** `pay_` and 22 base-62 characters, as PayPlug's ids look (payplug-php tests: `pay_5iHMDxy4ABR4YBVW4UscIn`). */
export function paymentId(random: SimRandom): string {
  return `pay_${random.hex(14)}${random.uuid().slice(-8)}`;
}

/**
 * The payment object the API answers and the notifier posts (shared/protocols.md §2; payplug/payplug-php
 * `tests/unit_tests/Resource/PaymentTest.php`). `amount` is what PayPlug settled: under `wrong-amount`, the order + 1.
 */
export function paymentObject(p: SimPayment): Record<string, unknown> {
  const paid = p.paidAt !== null;
  return {
    id: p.id,
    object: 'payment',
    is_live: p.secretKey.startsWith('sk_live_'),
    amount: p.scenario === null ? p.orderAmount : p.settledAmount,
    amount_refunded: 0,
    currency: p.currency,
    created_at: p.createdAt,
    is_paid: paid,
    is_refunded: false,
    is_3ds: false,
    save_card: false,
    card: paid
      ? { last4: '1800', country: 'FR', exp_year: 2030, exp_month: 9, brand: 'Visa' }
      : { last4: null, country: null, exp_year: null, exp_month: null, brand: null },
    hosted_payment: {
      payment_url: p.paymentUrl,
      return_url: p.returnUrl,
      cancel_url: p.cancelUrl,
      paid_at: p.paidAt,
    },
    notification: { url: p.notificationUrl, response_code: lastResponse(p.notifications) },
    failure: p.failure,
    metadata: p.metadata,
    authorization: null,
  };
}

function lastResponse(notifications: readonly SimNotification[]): number | null {
  const genuine = notifications.filter((n) => !n.forged).flatMap((n) => n.attempts);
  return genuine.at(-1)?.status ?? null;
}

/** Failure objects (`failure {code, message}`; codes from shared/protocols.md §2). */
const FAILURES = {
  refused: { code: 'card_declined', message: 'The card was declined.' },
  cancelled: { code: 'aborted', message: 'The payment was aborted by the customer.' },
} as const;

/**
 * The shopper acted: settle the payment, schedule its notification (faults included) and answer where the browser
 * goes (return_url, or cancel_url when the customer gave up). One notification per payment event (protocols.md §2).
 */
export function act(
  ctx: PaymentContext,
  p: SimPayment,
  scenario: PayplugScenario,
  faults: Fault[],
): { readonly returnUrl: string } {
  const { clock, random, notifier } = ctx;
  p.scenario = scenario;
  p.faults = faults;
  p.settledAmount = p.orderAmount + (hasFault(faults, 'wrong-amount') ? 1 : 0);
  if (scenario === 'paid') p.paidAt = Math.floor(Date.now() / 1000);
  else p.failure = { ...FAILURES[scenario] };

  const tags = hasFault(faults, 'wrong-amount') ? ['wrong-amount'] : [];
  const firstAt = clock.now() + delayOf(faults);
  const record = (resource: string, forged: boolean) => appendNotification(p.notifications, resource, forged);
  // The same body on every attempt: the payment as it stood when the shopper acted.
  const genuine = { body: JSON.stringify(paymentObject(p)), faultTags: tags };
  const firstDone = notifier.deliver({
    record: record(p.id, false),
    url: p.notificationUrl,
    firstAt,
    payload: () => genuine,
    dropped: (index) => dropsAttempt(faults, index),
    duplicate: hasFault(faults, 'duplicate'),
    retry: true,
  });

  if (hasFault(faults, 'bad-signature')) {
    // PayPlug signs nothing, so a forgery is simply a body PayPlug did not send: either this payment claiming the
    // opposite outcome, or a payment id PayPlug does not know (naming our payment in its metadata all the same).
    const unknownId = Number(random.digits(1)) % 2 === 1;
    const forged = forgedObject(p, unknownId ? paymentId(random) : p.id);
    const forgedPayload = { body: JSON.stringify(forged), faultTags: ['forged', ...tags] };
    notifier.deliver({
      record: record(String(forged.id), true),
      url: p.notificationUrl,
      firstAt,
      after: firstDone,
      payload: () => forgedPayload,
      dropped: () => false,
      duplicate: false,
      retry: false,
    });
  }
  return { returnUrl: scenario === 'cancelled' ? p.cancelUrl : p.returnUrl };
}

/** The opposite outcome: a paid payment claimed refused, any failure claimed paid. */
function forgedObject(p: SimPayment, id: string): Record<string, unknown> {
  const genuine = paymentObject(p);
  const paid = p.scenario === 'paid';
  return {
    ...genuine,
    id,
    is_paid: !paid,
    failure: paid ? { ...FAILURES.refused } : null,
    hosted_payment: {
      ...(genuine.hosted_payment as Record<string, unknown>),
      paid_at: paid ? null : Math.floor(Date.now() / 1000),
    },
  };
}

export function hasActed(p: SimPayment): boolean {
  return p.scenario !== null;
}

export type { Fault };
