import type { SimClock } from '../_shared/clock.js';
import type { Notifier } from '../_shared/notifier.js';
import type { SimRandom } from '../_shared/random.js';
import { delayOf, dropsAttempt, type Fault, hasFault } from '../faults.js';
import type { EventJob } from './notifier.js';
import { eventObject, intentObject, sessionObject } from './objects.js';
import type { SimEvent, SimSession, StripeScenario } from './types.js';

export interface SessionContext {
  readonly clock: SimClock;
  readonly random: SimRandom;
  readonly notifier: Notifier<EventJob>;
  readonly webhookSecrets: readonly string[];
  /** Registers event n's body and secrets for the notifier's signing; returns n (unique across sessions). */
  register(body: string, secrets: readonly string[]): number;
  endpointFor(session: SimSession): string;
}

/**
 * The shopper acted: settle the session, then send its events in Stripe's usual order (faults included):
 * - paid: payment_intent.succeeded, then checkout.session.completed (paid);
 * - refused: checkout.session.completed (unpaid: a delayed method), then checkout.session.async_payment_failed;
 * - cancelled: checkout.session.expired (the customer left; the session is expired at once rather than in 24 h).
 * `reorder` swaps the two events; Stripe guarantees no order (protocols.md §6).
 */
export function act(
  ctx: SessionContext,
  s: SimSession,
  scenario: StripeScenario,
  faults: Fault[],
): { readonly returnUrl: string } {
  const { clock, random, notifier } = ctx;
  s.scenario = scenario;
  s.faults = faults;
  s.settledAmount = s.orderAmount + (hasFault(faults, 'wrong-amount') ? 1 : 0);
  const intentId = `pi_3${random.hex(12)}`;
  const snapshots: Array<{ type: string; object: Record<string, unknown> }> = [];
  if (scenario === 'paid') {
    s.intent = { id: intentId, status: 'succeeded', lastPaymentError: null };
    s.status = 'complete';
    s.paymentStatus = 'paid';
    snapshots.push({ type: 'payment_intent.succeeded', object: intentObject(s, false) });
    snapshots.push({ type: 'checkout.session.completed', object: sessionObject(s, false) });
  } else if (scenario === 'refused') {
    s.intent = { id: intentId, status: 'processing', lastPaymentError: null };
    s.status = 'complete';
    snapshots.push({ type: 'checkout.session.completed', object: sessionObject(s, false) });
    s.intent.status = 'requires_payment_method';
    s.intent.lastPaymentError = 'payment_method_provider_decline';
    snapshots.push({ type: 'checkout.session.async_payment_failed', object: sessionObject(s, false) });
  } else {
    s.status = 'expired';
    snapshots.push({ type: 'checkout.session.expired', object: sessionObject(s, false) });
  }
  if (hasFault(faults, 'reorder') && snapshots.length === 2) snapshots.reverse();

  const tags = hasFault(faults, 'wrong-amount') ? ['wrong-amount'] : [];
  const firstAt = clock.now() + delayOf(faults);
  const url = ctx.endpointFor(s);
  let previous: Promise<void> | undefined;
  for (const { type, object } of snapshots) {
    const body = JSON.stringify(eventObject(`evt_${random.hex(12)}`, type, object));
    const record = recordOf(s, ctx.register(body, ctx.webhookSecrets), body, type, false);
    const payload = { body, faultTags: tags };
    previous = notifier.deliver({
      record,
      url,
      firstAt,
      ...(previous && { after: previous }),
      payload: () => payload,
      dropped: (index) => dropsAttempt(faults, index),
      duplicate: hasFault(faults, 'duplicate'),
      retry: true,
    });
  }
  if (hasFault(faults, 'bad-signature')) {
    // The opposite outcome, well formed and naming this payment, signed with a secret that is not the endpoint's.
    const type = scenario === 'paid' ? 'checkout.session.async_payment_failed' : 'checkout.session.completed';
    const claimed = {
      ...sessionObject(s, false),
      status: 'complete',
      payment_status: scenario === 'paid' ? 'unpaid' : 'paid',
    };
    const body = JSON.stringify(eventObject(`evt_${random.hex(12)}`, type, claimed));
    const n = ctx.register(body, [`whsec_forged${random.hex(12)}`]);
    const payload = { body, faultTags: ['forged', ...tags] };
    notifier.deliver({
      record: recordOf(s, n, body, type, true),
      url,
      firstAt,
      ...(previous && { after: previous }),
      payload: () => payload,
      dropped: () => false,
      duplicate: false,
      retry: false,
    });
  }
  return { returnUrl: scenario === 'cancelled' ? s.cancelUrl : s.successUrl };
}

function recordOf(s: SimSession, n: number, body: string, type: string, forged: boolean): SimEvent {
  const id = (JSON.parse(body) as { id: string }).id;
  const record: SimEvent = { n, id, type, forged, delivered: false, gaveUp: false, attempts: [] };
  s.events.push(record);
  return record;
}
