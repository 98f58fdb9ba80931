import { currencyExponent } from '../../core/index.js';
import type { SimClock } from '../_shared/clock.js';
import type { Notifier } from '../_shared/notifier.js';
import { appendNotification } from '../_shared/notifier.js';
import type { SimRandom } from '../_shared/random.js';
import { delayOf, dropsAttempt, type Fault, hasFault } from '../faults.js';
import type { NotificationJob } from './notifier.js';
import type { MollieScenario, SimPayment } from './types.js';

export interface PaymentContext {
  readonly clock: SimClock;
  readonly random: SimRandom;
  readonly notifier: Notifier<NotificationJob>;
  /** A payment of another merchant, for forged webhooks that name a real id this merchant's key cannot see. */
  foreignPaymentId(): string;
}

/** `tr_` and 10 base-62 characters, as Mollie's ids look (docs: `tr_d0b0E3EA3v`, `tr_5B8cwPMGnU6qLbRvo7qEZo`). */
export function paymentId(random: SimRandom): string {
  return `tr_${random.hex(5)}${random.uuid().slice(-5)}`;
}

/** Minor units as Mollie's decimal string with the currency's digits ("10.00", "1000" for JPY). */
export function decimal(minor: number, currency: string): { currency: string; value: string } {
  const exponent = currencyExponent(currency);
  if (exponent === 0) return { currency, value: String(minor) };
  const digits = String(minor).padStart(exponent + 1, '0');
  return { currency, value: `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}` };
}

/** When each status was reached, under Mollie's field name (docs.mollie.com/reference/get-payment). */
const DECIDED_AT: Readonly<Record<MollieScenario, string>> = {
  paid: 'paidAt',
  failed: 'failedAt',
  canceled: 'canceledAt',
  expired: 'expiredAt',
  authorized: 'authorizedAt',
};

/**
 * The payment object the API answers (docs.mollie.com/reference/get-payment; @mollie/api-client 4.6.0 `PaymentData`).
 * `amount` is what Mollie settled: under `wrong-amount`, the order + 1 once the shopper acted.
 */
export function paymentObject(p: SimPayment, apiBase: string): Record<string, unknown> {
  const self = `${apiBase}/v2/payments/${p.id}`;
  const paid = p.status === 'paid';
  return {
    resource: 'payment',
    id: p.id,
    mode: p.mode,
    createdAt: p.createdAt,
    amount: decimal(p.scenario === null ? p.orderAmount : p.settledAmount, p.currency),
    description: p.description,
    method: p.status === 'open' ? null : 'creditcard',
    metadata: p.metadata,
    status: p.status,
    isCancelable: p.status === 'open',
    ...(p.status === 'open' && { expiresAt: new Date(Date.parse(p.createdAt) + 15 * 60_000).toISOString() }),
    ...(p.scenario !== null && p.decidedAt !== null && { [DECIDED_AT[p.scenario]]: p.decidedAt }),
    ...(paid && {
      amountRefunded: decimal(p.amountRefunded, p.currency),
      amountRemaining: decimal(p.settledAmount - p.amountRefunded, p.currency),
    }),
    profileId: 'pfl_simulator1',
    sequenceType: 'oneoff',
    redirectUrl: p.redirectUrl,
    ...(p.webhookUrl !== undefined && { webhookUrl: p.webhookUrl }),
    ...(p.status === 'failed' && {
      details: {
        cardNumber: '0000',
        failureReason: 'card_declined',
        failureMessage: 'The card was declined.',
      },
    }),
    _links: {
      self: { href: self, type: 'application/hal+json' },
      ...(p.status === 'open' && { checkout: { href: p.checkoutUrl, type: 'text/html' } }),
      ...(paid && { refunds: { href: `${self}/refunds`, type: 'application/hal+json' } }),
      dashboard: { href: `https://my.mollie.com/dashboard/payments/${p.id}`, type: 'text/html' },
      documentation: { href: 'https://docs.mollie.com/reference/get-payment', type: 'text/html' },
    },
  };
}

/**
 * The shopper acted: settle the payment, schedule its webhook (faults included) and answer where the browser goes
 * (redirectUrl whatever happened: Mollie sends the customer back with nothing, docs.mollie.com/reference/create-payment
 * redirectUrl). One webhook per status change (docs.mollie.com/reference/webhooks).
 */
export function act(
  ctx: PaymentContext,
  p: SimPayment,
  scenario: MollieScenario,
  faults: Fault[],
): { readonly returnUrl: string } {
  const { clock, notifier } = ctx;
  p.scenario = scenario;
  p.status = scenario;
  p.faults = faults;
  p.decidedAt = new Date().toISOString();
  p.settledAmount = p.orderAmount + (hasFault(faults, 'wrong-amount') ? 1 : 0);
  if (p.webhookUrl === undefined) return { returnUrl: p.redirectUrl };
  const url = p.webhookUrl;
  const tags = hasFault(faults, 'wrong-amount') ? ['wrong-amount'] : [];
  const firstAt = clock.now() + delayOf(faults);
  const record = (resource: string, forged: boolean) => appendNotification(p.notifications, resource, forged);
  const genuine = { body: `id=${p.id}`, faultTags: tags };
  const firstDone = notifier.deliver({
    record: record(p.id, false),
    url,
    firstAt,
    payload: () => genuine,
    dropped: (index) => dropsAttempt(faults, index),
    duplicate: hasFault(faults, 'duplicate'),
    retry: true,
  });
  if (hasFault(faults, 'bad-signature')) {
    // Mollie signs nothing, so a forgery is a webhook Mollie did not send: an id Mollie does not know, or the id of
    // a real payment of ANOTHER merchant (this merchant's key gets 404 for it all the same).
    const unknown = Number(ctx.random.digits(1)) % 2 === 1;
    const id = unknown ? paymentId(ctx.random) : ctx.foreignPaymentId();
    const forged = { body: `id=${id}`, faultTags: ['forged', ...tags] };
    notifier.deliver({
      record: record(id, true),
      url,
      firstAt,
      after: firstDone,
      payload: () => forged,
      dropped: () => false,
      duplicate: false,
      retry: false,
    });
  }
  return { returnUrl: p.redirectUrl };
}

/**
 * A refund was created on a paid payment: Mollie calls the payment's webhook again with the payment's id
 * (docs.mollie.com/reference/webhooks: "A refund is performed on the payment"); no faults on this one.
 */
export function announceRefund(ctx: PaymentContext, p: SimPayment): void {
  if (p.webhookUrl === undefined) return;
  const record = appendNotification(p.notifications, p.id, false);
  const payload = { body: `id=${p.id}`, faultTags: [] };
  void ctx.notifier.deliver({
    record,
    url: p.webhookUrl,
    firstAt: ctx.clock.now(),
    payload: () => payload,
    dropped: () => false,
    duplicate: false,
    retry: true,
  });
}
