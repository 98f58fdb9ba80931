import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { paidObject, paymentObject } from './fixtures/payments.js';
import { chargebackOf, mapMolliePayment, readMolliePayment } from './map.js';

function mapped(raw: Record<string, unknown>) {
  const payment = readMolliePayment(raw);
  assert.notEqual(typeof payment, 'string', String(payment));
  if (typeof payment === 'string') throw new Error(payment);
  return mapMolliePayment(payment);
}

const eur = (value: string) => ({ value, currency: 'EUR' });

describe('Mollie payment → our status', () => {
  it('maps every documented status (the table)', () => {
    const table: ReadonlyArray<readonly [Record<string, unknown>, string | null, string]> = [
      [paymentObject(), null, 'open'],
      [paymentObject({ status: 'pending' }), 'pending', 'pending'],
      [paymentObject({ status: 'authorized' }), 'authorized', 'authorized'],
      [paidObject(), 'captured', 'paid'],
      [paymentObject({ status: 'canceled' }), 'cancelled', 'canceled'],
      [paymentObject({ status: 'expired' }), 'expired', 'expired'],
      [paymentObject({ status: 'failed' }), 'refused', 'failed'],
      [paidObject({ amountRefunded: eur('10.00') }), 'partially_refunded', 'partially_refunded'],
      [paidObject({ amountRefunded: eur('33.00') }), 'refunded', 'refunded'],
      [paidObject({ amountChargedBack: eur('33.00') }), 'captured', 'paid'],
    ];
    for (const [raw, status, word] of table) {
      const m = mapped(raw);
      assert.equal(m.status, status, word);
      assert.equal(m.gatewayStatus, word);
    }
  });

  it('keeps the failure reason and says a chargeback is for a person', () => {
    const failed = mapped(
      paymentObject({ status: 'failed', details: { failureReason: 'insufficient_funds' } }),
    );
    assert.equal(failed.gatewayStatus, 'failed:insufficient_funds');
    assert.match(failed.note ?? '', /insufficient_funds/);
    const disputed = readMolliePayment(
      paidObject({ amountChargedBack: eur('5.00'), amountRefunded: eur('33.00') }),
    );
    assert.ok(typeof disputed !== 'string');
    assert.equal(mapMolliePayment(disputed).status, 'refunded');
    const chargeback = chargebackOf(disputed);
    assert.equal(chargeback?.status, 'error');
    assert.equal(chargeback?.gatewayStatus, 'charged_back');
    assert.match(chargeback?.note ?? '', /chargeback of 500 minor units.*person/);
    const undisputed = readMolliePayment(paidObject());
    assert.ok(typeof undisputed !== 'string');
    assert.equal(chargebackOf(undisputed), undefined);
  });

  it('reads amounts in the currency digits, and the metadata id', () => {
    const jpy = readMolliePayment(paymentObject({ amount: { value: '1000', currency: 'JPY' } }));
    assert.ok(typeof jpy !== 'string');
    assert.deepEqual(jpy.amount, { value: 1000, currency: 'JPY' });
    const eurPayment = readMolliePayment(paidObject({ amountRefunded: eur('0.50') }));
    assert.ok(typeof eurPayment !== 'string');
    assert.equal(eurPayment.amount.value, 3300);
    assert.equal(eurPayment.amountRefunded, 50);
    assert.equal(eurPayment.quittancePaymentId, 'pay_01jqz8x3c7k2m9n4p6r8t0v2wx');
  });

  it('refuses objects it cannot read, saying why', () => {
    const cases: ReadonlyArray<readonly [unknown, RegExp]> = [
      [[], /not a JSON object/],
      [paymentObject({ resource: 'refund' }), /not a payment/],
      [paymentObject({ id: 'ord_1' }), /not a tr_/],
      [paymentObject({ mode: 'sandbox' }), /mode/],
      [paymentObject({ status: 'shipping' }), /does not document/],
      [paymentObject({ amount: { value: 33, currency: 'EUR' } }), /not a decimal amount/],
      [paymentObject({ amount: { value: '33.001', currency: 'EUR' } }), /not a decimal amount/],
      [paymentObject({ amount: { value: '33.00', currency: 'eur' } }), /ISO-4217/],
      [paidObject({ amountRefunded: { value: '1.00', currency: 'USD' } }), /in USD, the payment in EUR/],
    ];
    for (const [raw, reason] of cases) {
      const read = readMolliePayment(raw);
      assert.equal(typeof read, 'string', JSON.stringify(raw).slice(0, 80));
      assert.match(String(read), reason);
    }
  });
});
