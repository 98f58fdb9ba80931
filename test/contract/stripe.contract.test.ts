import type { CheckoutRequest, GatewayAdapter, Verdict } from '../../src/gateways/gateway.js';
import type { StripeCredentials } from '../../src/gateways/stripe/credentials.js';
import {
  EVENT_STATES,
  factsOf,
  intentObject,
  OTHER_SECRET,
  sessionObject,
  signedNotification,
  TEST_SECRET,
  testAccount,
  withCredentials,
} from '../../src/gateways/stripe/fixtures/events.js';
import { checkoutOf, stripe } from '../../src/gateways/stripe/index.js';
import { testGatewayContract, testStatusContract } from './gateway.contract.js';

const otherEndpoint = withCredentials(testAccount, { webhookSecret: OTHER_SECRET });

/**
 * Stripe's `createPayment` throws: the link is the url of a Checkout Session created server to server
 * (`initPayment`). The contract's "creates a usable checkout" check runs against what `initPayment` hands back for a
 * session answer (`checkoutOf`); every other check runs on the adapter itself (create.test.ts covers the call).
 */
const adapterWithInitCheckout: GatewayAdapter<StripeCredentials, Verdict> = {
  ...stripe,
  createPayment: () => checkoutOf({ url: 'https://checkout.stripe.com/c/pay/cs_test_a1contract' }),
};

testGatewayContract({
  adapter: adapterWithInitCheckout,
  account: testAccount,
  statuses: EVENT_STATES,
  secret: TEST_SECRET,
  signedNotification: (request, type) => signedNotification(testAccount, request, type),
  signedWithOtherKey: (request, type) => signedNotification(otherEndpoint, request, type),
});

/** What a poll sees, by the state of the PaymentIntent behind the session (`expand[]=payment_intent.latest_charge`). */
const POLL_STATES = {
  paid: 'captured',
  requires_capture: 'authorized',
  processing: 'pending',
  canceled: 'cancelled',
  expired: 'expired',
  refunded: 'refunded',
  partially_refunded: 'partially_refunded',
} as const;

function polled(request: CheckoutRequest, state: string): Record<string, unknown> {
  const f = factsOf(request);
  const charge = (refunded: number) => ({
    id: 'ch_3Testcharge',
    object: 'charge',
    amount: f.amount,
    currency: f.currency,
    amount_refunded: refunded,
    refunded: refunded === f.amount,
    captured: true,
    payment_intent: f.intentId,
  });
  switch (state) {
    case 'expired':
      return sessionObject(f, { status: 'expired', payment_status: 'unpaid', payment_intent: null });
    case 'refunded':
      return sessionObject(f, { payment_intent: intentObject(f, { latest_charge: charge(f.amount) }) });
    case 'partially_refunded':
      return sessionObject(f, { payment_intent: intentObject(f, { latest_charge: charge(100) }) });
    case 'paid':
      return sessionObject(f, { payment_intent: intentObject(f) });
    default:
      return sessionObject(f, {
        status: state === 'canceled' ? 'expired' : 'open',
        payment_status: 'unpaid',
        payment_intent: intentObject(f, { status: state }),
      });
  }
}

/** The contract asks with no stored reference: the PaymentIntent search answers, as a list. */
testStatusContract({
  adapter: stripe,
  account: testAccount,
  statuses: Object.fromEntries(Object.entries(POLL_STATES).filter(([state]) => state !== 'expired')),
  gatewayFetch: (request, state) =>
    (async () => {
      const session = polled(request, state);
      return Response.json({ object: 'search_result', data: [session.payment_intent], has_more: false });
    }) as unknown as typeof fetch,
  unknownFetch: () =>
    (async () =>
      Response.json({ object: 'search_result', data: [], has_more: false })) as unknown as typeof fetch,
});
