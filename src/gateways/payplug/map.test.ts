import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isPaymentStatus } from '../../core/index.js';
import { signalOf } from './fetch.js';
import { paidObject, paymentObject } from './fixtures/payments.js';
import { mapPayplugPayment, type PayplugPayment, readPayment } from './map.js';

function read(raw: unknown): PayplugPayment {
  const payment = readPayment(raw);
  assert.ok(typeof payment !== 'string', String(payment));
  return payment;
}

describe('PayPlug payment map', () => {
  it('paid → captured; refunded and partially refunded come first', () => {
    assert.equal(mapPayplugPayment(read(paidObject())).status, 'captured');
    assert.equal(mapPayplugPayment(read(paidObject({ amount_refunded: 1000 }))).status, 'partially_refunded');
    assert.equal(
      mapPayplugPayment(read(paidObject({ amount_refunded: 3300, is_refunded: true }))).status,
      'refunded',
    );
  });

  it('an authorization not captured → authorized; nothing decided → no status', () => {
    const authorized = paymentObject({
      authorization: { authorized_amount: 3300, authorized_at: 1434010827, expires_at: 1434615627 },
    });
    assert.equal(mapPayplugPayment(read(authorized)).status, 'authorized');
    assert.equal(
      mapPayplugPayment(read(paymentObject({ authorization: { authorized_at: null } }))).status,
      null,
    );
    assert.deepEqual(mapPayplugPayment(read(paymentObject())), { status: null, gatewayStatus: 'open' });
  });

  it('failures: aborted → cancelled, timeout → expired, processing_error → error, any other code → refused', () => {
    const failed = (code: unknown) =>
      mapPayplugPayment(read(paymentObject({ failure: { code, message: 'The payment failed.' } })));
    assert.equal(failed('aborted').status, 'cancelled');
    assert.equal(failed('timeout').status, 'expired');
    assert.equal(failed('processing_error').status, 'error');
    assert.equal(failed('card_declined').status, 'refused');
    assert.equal(failed('something_new').status, 'refused');
    assert.equal(failed(undefined).status, 'refused', 'a failure without a code is still a failure');
    assert.equal(failed('card_declined').gatewayStatus, 'failure:card_declined');
    assert.match(failed('card_declined').note ?? '', /card_declined: The payment failed/);
    assert.equal(failed('constructor').status, 'refused', 'no prototype lookups');
  });

  it('a failure after an authorization (voided or expired) wins over the authorization', () => {
    const voided = paymentObject({ authorization: { authorized_at: 1 }, failure: { code: 'aborted' } });
    assert.equal(mapPayplugPayment(read(voided)).status, 'cancelled');
  });

  it('refuses what is not a payment object, saying why', () => {
    assert.match(String(readPayment(null)), /not a JSON object/);
    assert.match(String(readPayment({ ...paymentObject(), object: 'refund' })), /not a payment/);
    assert.match(String(readPayment(paymentObject({ id: 'xyz' }))), /not a pay_… id/);
    assert.match(String(readPayment(paymentObject({ amount: 12.5 }))), /not minor units/);
    assert.match(String(readPayment(paymentObject({ amount: -1 }))), /not minor units/);
    assert.match(String(readPayment(paymentObject({ currency: 'eur' }))), /ISO-4217/);
    assert.match(String(readPayment(paymentObject({ is_paid: 'yes' }))), /is_paid/);
    assert.match(String(readPayment(paymentObject({ failure: 'declined' }))), /failure/);
  });

  it('the signal takes amount, id and lookup from the object', () => {
    const signal = signalOf(read(paidObject()), 'notification');
    assert.deepEqual(
      { ...signal, facts: undefined },
      {
        source: 'notification',
        status: 'captured',
        amount: { value: 3300, currency: 'EUR' },
        gatewayRef: 'pay_5iHMDxy4ABR4YBVW4UscIn',
        gatewayStatus: 'paid',
        lookup: { gatewayRef: 'pay_5iHMDxy4ABR4YBVW4UscIn', paymentId: 'pay_01jqz8x3c7k2m9n4p6r8t0v2wx' },
        facts: undefined,
      },
    );
    assert.equal(signalOf(read(paymentObject()), 'poll'), undefined);
  });
});

/** Random payment-shaped objects: every field may be missing, null, of the wrong type or of the right one. */
const anything = fc.oneof(fc.constant(undefined), fc.constant(null), fc.boolean(), fc.integer(), fc.string());
const arbitraryPayment = fc.record(
  {
    id: fc.oneof(fc.constant('pay_abc123XYZ'), fc.string(), fc.constant(undefined)),
    object: fc.oneof(fc.constant('payment'), fc.constant('payment'), anything),
    is_live: fc.oneof(fc.boolean(), anything),
    amount: fc.oneof(fc.integer({ min: 0, max: 2_000_000 }), anything, fc.double()),
    amount_refunded: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2_000_000 }), anything),
    currency: fc.oneof(fc.constant('EUR'), anything),
    is_paid: fc.oneof(fc.boolean(), anything),
    is_refunded: fc.oneof(fc.boolean(), anything),
    failure: fc.oneof(
      fc.constant(null),
      fc.record({ code: fc.oneof(fc.constantFrom('aborted', 'timeout', 'card_declined'), anything) }),
      anything,
    ),
    authorization: fc.oneof(
      fc.constant(null),
      fc.record({ authorized_at: fc.oneof(fc.integer(), fc.constant(null)) }),
      anything,
    ),
    metadata: fc.oneof(fc.dictionary(fc.string(), fc.string()), anything),
  },
  { requiredKeys: [] },
);

describe('PayPlug payment map (properties)', () => {
  it('never throws; reads or explains; a status is one of ours; the signal builds', () => {
    fc.assert(
      fc.property(arbitraryPayment, (raw) => {
        const payment = readPayment(raw);
        if (typeof payment === 'string') return;
        const mapped = mapPayplugPayment(payment);
        if (mapped.status !== null) assert.ok(isPaymentStatus(mapped.status));
        signalOf(payment, 'notification');
      }),
      { numRuns: 500 },
    );
  });

  it('a paid object that is not refunded always maps to captured, whatever its failure or authorization', () => {
    fc.assert(
      fc.property(arbitraryPayment, (raw) => {
        const paid = {
          ...raw,
          object: 'payment',
          id: 'pay_abc',
          amount: 100,
          currency: 'EUR',
          is_paid: true,
        };
        const payment = readPayment({ ...paid, amount_refunded: 0, is_refunded: false });
        // Only a malformed failure or is_live field can make it unreadable; readable, it is captured.
        fc.pre(typeof payment !== 'string');
        assert.equal(mapPayplugPayment(payment as PayplugPayment).status, 'captured');
      }),
      { numRuns: 300 },
    );
  });

  it('is_refunded → refunded, and a failed, unpaid object is always a failure', () => {
    fc.assert(
      fc.property(arbitraryPayment, fc.string({ maxLength: 30 }), (raw, code) => {
        const base = {
          ...raw,
          object: 'payment',
          id: 'pay_abc',
          amount: 100,
          currency: 'EUR',
          amount_refunded: 0,
          is_live: false,
        };
        const refunded = { ...base, is_paid: true, is_refunded: true, failure: null };
        assert.equal(mapPayplugPayment(read(refunded)).status, 'refunded');
        const unpaid = { ...base, is_paid: false, is_refunded: false, failure: { code } };
        const failed = mapPayplugPayment(read(unpaid));
        assert.ok(['refused', 'cancelled', 'expired', 'error'].includes(String(failed.status)));
      }),
      { numRuns: 300 },
    );
  });
});
