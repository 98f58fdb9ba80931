import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { money } from '../../core/index.js';
import { chargeObject, factsOf, intentObject, sessionObject } from './fixtures/events.js';
import { readCharge, readPaymentIntent, readSession } from './map.js';

const f = factsOf({
  paymentId: 'pay_map000001',
  orderRef: 'ORDER-1',
  merchantRef: 'pay_map000001',
  amount: money(1250, 'EUR'),
  now: new Date(),
  urls: { notify: 'https://q.example/n', return: 'https://q.example/r', wait: 'https://q.example/w' },
});

const statusOf = (reading: ReturnType<typeof readSession>) =>
  typeof reading === 'string' ? assert.fail(reading) : reading.status;

describe('Stripe objects in our words', () => {
  it('a completed session: paid → captured, unpaid (delayed method) → pending; expired → expired; open → nothing', () => {
    assert.equal(statusOf(readSession(sessionObject(f), 'checkout.session.completed')), 'captured');
    assert.equal(
      statusOf(readSession(sessionObject(f, { payment_status: 'unpaid' }), 'checkout.session.completed')),
      'pending',
    );
    assert.equal(
      statusOf(readSession(sessionObject(f, { status: 'expired', payment_status: 'unpaid' }))),
      'expired',
    );
    assert.equal(statusOf(readSession(sessionObject(f, { status: 'open', payment_status: 'unpaid' }))), null);
  });

  it('reads the amount in upper-case ISO and finds our payment by client_reference_id or metadata', () => {
    const reading = readSession(
      sessionObject(f, { client_reference_id: null }),
      'checkout.session.completed',
    );
    assert.ok(typeof reading !== 'string');
    assert.deepEqual(reading.amount, money(1250, 'EUR'));
    assert.equal(reading.paymentId, 'pay_map000001');
    assert.equal(reading.paymentIntent, f.intentId);
  });

  it('asked back, a session with its PaymentIntent expanded is read from the PaymentIntent (refunds included)', () => {
    const charge = chargeObject(f, { refunded: false, amount_refunded: 300 });
    const reading = readSession(
      sessionObject(f, { payment_intent: intentObject(f, { latest_charge: charge }) }),
    );
    assert.equal(statusOf(reading), 'partially_refunded');
    const failed = sessionObject(f, {
      payment_status: 'unpaid',
      payment_intent: intentObject(f, {
        status: 'requires_payment_method',
        last_payment_error: { code: 'x' },
      }),
    });
    assert.equal(statusOf(readSession(failed)), 'refused');
  });

  it('PaymentIntents: manual capture, processing, cancellation, and a refused attempt that is not final', () => {
    assert.equal(statusOf(readPaymentIntent(intentObject(f, { status: 'requires_capture' }))), 'authorized');
    assert.equal(statusOf(readPaymentIntent(intentObject(f, { status: 'processing' }))), 'pending');
    assert.equal(statusOf(readPaymentIntent(intentObject(f, { status: 'canceled' }))), 'cancelled');
    assert.equal(
      statusOf(readPaymentIntent(intentObject(f, { status: 'canceled', cancellation_reason: 'abandoned' }))),
      'expired',
    );
    const failed = intentObject(f, { status: 'requires_payment_method' });
    assert.equal(statusOf(readPaymentIntent(failed, 'payment_intent.payment_failed')), 'pending');
    assert.equal(statusOf(readPaymentIntent(failed)), null);
  });

  it('charges: all refunded, part refunded, uncaptured', () => {
    assert.equal(statusOf(readCharge(chargeObject(f))), 'refunded');
    assert.equal(
      statusOf(readCharge(chargeObject(f, { refunded: false, amount_refunded: 1 }))),
      'partially_refunded',
    );
    assert.equal(
      statusOf(readCharge(chargeObject(f, { refunded: false, amount_refunded: 0, captured: false }))),
      'authorized',
    );
  });

  it('refuses what is not the object it claims, or a bad amount or currency', () => {
    assert.equal(typeof readSession({ ...sessionObject(f), object: 'charge' }), 'string');
    assert.equal(typeof readSession(sessionObject(f, { id: 'pi_x' })), 'string');
    assert.equal(typeof readPaymentIntent(intentObject(f, { amount: -1 })), 'string');
    assert.equal(typeof readPaymentIntent(intentObject(f, { currency: 'EUR' })), 'string');
    assert.equal(typeof readCharge(chargeObject(f, { amount_refunded: 1.5 })), 'string');
  });
});
