import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { money } from '../../core/index.js';
import {
  eventOf,
  factsOf,
  intentObject,
  objectFor,
  PREVIOUS_SECRET,
  TEST_SECRET,
  testAccount,
  webhookRequest,
} from './fixtures/events.js';
import { verifyStripeNotification } from './notification.js';

const request = {
  paymentId: 'pay_note000001',
  orderRef: 'ORDER-1',
  merchantRef: 'pay_note000001',
  amount: money(1250, 'EUR'),
  now: new Date(),
  urls: { notify: 'https://q.example/n', return: 'https://q.example/r', wait: 'https://q.example/w' },
};
const f = factsOf(request);

describe('verifyStripeNotification', () => {
  it('a signed payment_intent.succeeded: captured, with the pi_ reference, the amount and the event id', () => {
    const verdict = verifyStripeNotification(
      testAccount,
      webhookRequest(eventOf('payment_intent.succeeded', objectFor('payment_intent.succeeded', f), 'evt_1'), [
        TEST_SECRET,
      ]),
    );
    assert.equal(verdict.kind, 'verified');
    const [signal] = verdict.kind === 'verified' ? verdict.signals : [];
    assert.equal(signal?.status, 'captured');
    assert.equal(signal?.gatewayRef, f.intentId);
    assert.deepEqual(signal?.amount, money(1250, 'EUR'));
    assert.deepEqual(signal?.lookup, { paymentId: 'pay_note000001', gatewayRef: f.intentId });
    assert.equal(signal?.facts?.event, 'evt_1');
  });

  it('accepts the previous secret during a roll', () => {
    const raw = webhookRequest(eventOf('charge.refunded', objectFor('charge.refunded', f)), [
      PREVIOUS_SECRET,
    ]);
    assert.equal(verifyStripeNotification(testAccount, raw).kind, 'verified');
  });

  it('a stale signature is refused with TIMESTAMP_OUT_OF_TOLERANCE', () => {
    const receivedAt = new Date('2026-05-04T10:20:30Z');
    const raw = webhookRequest(eventOf('payment_intent.succeeded', intentObject(f)), [TEST_SECRET], {
      receivedAt,
      timestamp: receivedAt.getTime() / 1000 - 301,
    });
    const verdict = verifyStripeNotification(testAccount, raw);
    assert.ok(
      verdict.kind === 'rejected' && verdict.code === 'TIMESTAMP_OUT_OF_TOLERANCE',
      JSON.stringify(verdict),
    );
  });

  it('a live event on a test account is MODE_MISMATCH', () => {
    const raw = webhookRequest(eventOf('payment_intent.succeeded', intentObject({ ...f, livemode: true })), [
      TEST_SECRET,
    ]);
    const verdict = verifyStripeNotification(testAccount, raw);
    assert.ok(verdict.kind === 'rejected' && verdict.code === 'MODE_MISMATCH');
  });

  it('an event type quittance does not track is verified with no signal (Stripe gets its 2xx)', () => {
    const raw = webhookRequest(eventOf('customer.created', { id: 'cus_1', object: 'customer' }), [
      TEST_SECRET,
    ]);
    assert.deepEqual(verifyStripeNotification(testAccount, raw), { kind: 'verified', signals: [] });
  });

  it('a signed body that is not an event, or names no payment, is unparseable', () => {
    const notEvent = webhookRequest('{"object":"charge"}', [TEST_SECRET]);
    assert.equal(verifyStripeNotification(testAccount, notEvent).kind, 'unparseable');
    const anonymous = intentObject(f, { metadata: {}, id: 'pi_1' });
    const orphan = webhookRequest(eventOf('payment_intent.succeeded', { ...anonymous }), [TEST_SECRET]);
    assert.equal(
      verifyStripeNotification(testAccount, orphan).kind,
      'verified',
      'the pi_ reference still finds it',
    );
  });
});
