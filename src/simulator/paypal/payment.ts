import type { SimClock } from '../_shared/clock.js';
import type { Notifier } from '../_shared/notifier.js';
import type { SimRandom } from '../_shared/random.js';
import { delayOf, dropsAttempt, type Fault, hasFault } from '../faults.js';
import { encodeIpn } from './encode.js';
import { type IpnStep, ipnPairs } from './ipn.js';
import type { IpnJob } from './notifier.js';
import type { PaypalScenario, SimAccount, SimIpn, SimPayment } from './types.js';

export interface PaymentContext {
  readonly clock: SimClock;
  readonly random: SimRandom;
  readonly notifier: Notifier<IpnJob>;
  readonly account: SimAccount;
  readonly live: boolean;
  /** Every IPN body PayPal really sent: the postback answers VERIFIED for these bytes only. */
  readonly sent: Set<string>;
}

/** 17 upper-case alphanumerics, as PayPal's transaction ids look (`73925525EV970654D`). */
export function transactionId(random: SimRandom): string {
  return (random.digits(8) + random.hex(9)).toUpperCase();
}

/**
 * The IPNs a scenario makes, in PayPal's order. A payment by e-check (one in three, or whenever `reorder` is asked so
 * that there are two IPNs to swap) is Pending first, Completed days later; a refusal is a payment PayPal held and
 * then refused: Pending (e-check, or payment review) then Failed (the bank refused) or Denied (the review did).
 * A cancelled payment makes no IPN: the buyer just goes back to cancel_return.
 */
export function stepsOf(scenario: PaypalScenario, faults: readonly Fault[], random: SimRandom): IpnStep[] {
  const draw = Number(random.digits(1));
  if (scenario === 'cancelled') return [];
  if (scenario === 'refused') {
    return draw % 2 === 0
      ? [{ paymentStatus: 'Pending', pendingReason: 'echeck' }, { paymentStatus: 'Failed' }]
      : [{ paymentStatus: 'Pending', pendingReason: 'paymentreview' }, { paymentStatus: 'Denied' }];
  }
  const echeck = hasFault(faults, 'reorder') || draw % 3 === 0;
  return echeck
    ? [{ paymentStatus: 'Pending', pendingReason: 'echeck' }, { paymentStatus: 'Completed' }]
    : [{ paymentStatus: 'Completed' }];
}

/**
 * The buyer acted: settle, schedule the IPNs (faults included) and answer where the browser goes. The IPNs of one
 * payment go out in order (each first attempt after the previous one's), except under `reorder` (last first).
 */
export function act(
  ctx: PaymentContext,
  p: SimPayment,
  scenario: PaypalScenario,
  faults: Fault[],
): { readonly returnUrl: string } {
  const { clock, random, notifier } = ctx;
  p.scenario = scenario;
  p.faults = faults;
  p.settledAmount = p.orderAmount + (hasFault(faults, 'wrong-amount') ? 1 : 0);
  const tags = hasFault(faults, 'wrong-amount') ? ['wrong-amount'] : [];
  const steps = stepsOf(scenario, faults, random);
  const ordered = hasFault(faults, 'reorder') ? [...steps].reverse() : steps;
  const firstAt = clock.now() + delayOf(faults);
  let after: Promise<void> | undefined;
  for (const step of ordered) {
    const ipn = record(p, step, ipnBody(ctx, p, step), false);
    ctx.sent.add(ipn.body);
    const payload = { body: ipn.body, faultTags: tags };
    after = notifier.deliver({
      record: ipn,
      url: p.checkout.notify_url ?? '',
      firstAt,
      ...(after && { after }),
      payload: () => payload,
      dropped: (index) => dropsAttempt(faults, index),
      duplicate: hasFault(faults, 'duplicate'),
      retry: true,
    });
  }
  if (hasFault(faults, 'bad-signature') && p.checkout.notify_url) {
    // An IPN PayPal never sent, claiming the opposite outcome; it is not in `sent`, so its postback says INVALID.
    const step: IpnStep = { paymentStatus: scenario === 'paid' ? 'Denied' : 'Completed' };
    const forged = record(p, step, ipnBody(ctx, p, step), true);
    const payload = { body: forged.body, faultTags: ['forged', ...tags] };
    notifier.deliver({
      record: forged,
      url: p.checkout.notify_url,
      firstAt,
      ...(after && { after }),
      payload: () => payload,
      dropped: () => false,
      duplicate: false,
      retry: false,
    });
  }
  return {
    returnUrl: scenario === 'cancelled' ? (p.checkout.cancel_return ?? '') : (p.checkout.return ?? ''),
  };
}

function ipnBody(ctx: PaymentContext, p: SimPayment, step: IpnStep): string {
  const pairs = ipnPairs({
    account: ctx.account,
    payment: p,
    step,
    live: ctx.live,
    trackId: ctx.random.hex(13),
    verifySign: `A${ctx.random.hex(55)}`,
  });
  return encodeIpn(pairs, p.charset);
}

function record(p: SimPayment, step: IpnStep, body: string, forged: boolean): SimIpn {
  const ipn: SimIpn = {
    n: p.ipns.length + 1,
    paymentStatus: step.paymentStatus,
    body,
    forged,
    delivered: false,
    gaveUp: false,
    attempts: [],
  };
  p.ipns.push(ipn);
  return ipn;
}
