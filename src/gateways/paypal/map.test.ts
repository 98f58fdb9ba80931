import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GatewaySignal } from '../gateway.js';
import { encodeFields, ipnFields, OUR_ID, TXN } from './fixtures/ipns.js';
import { type IpnProblem, isProblem, readIpn } from './ipn.js';
import { ipnSignal, mapStatus, PAYPAL_STATUS_MAP } from './map.js';

function signalOf(overrides: Record<string, string | undefined>): GatewaySignal | IpnProblem {
  const ipn = readIpn(encodeFields(ipnFields(overrides)));
  assert.ok(!isProblem(ipn));
  return ipnSignal(ipn);
}

describe('paypal status map', () => {
  it('maps every documented payment_status', () => {
    assert.deepEqual(PAYPAL_STATUS_MAP, {
      Completed: 'captured',
      Pending: 'pending',
      Created: 'pending',
      Processed: 'pending',
      Denied: 'refused',
      Failed: 'refused',
      Expired: 'expired',
      Voided: 'cancelled',
      Refunded: 'refunded',
      Reversed: 'error',
      Canceled_Reversal: 'captured',
    });
    assert.equal(mapStatus('Pending', 'authorization'), 'authorized');
    assert.equal(mapStatus('Pending', 'echeck'), 'pending');
    assert.equal(mapStatus('toString', undefined), undefined);
  });
});

describe('ipnSignal', () => {
  it('reads a Completed IPN: amount, txn_id, lookup by custom and invoice', () => {
    const s = signalOf({});
    assert.ok(!isProblem(s));
    assert.equal(s.source, 'notification');
    assert.equal(s.status, 'captured');
    assert.deepEqual(s.amount, { value: 1250, currency: 'EUR' });
    assert.equal(s.gatewayRef, TXN);
    assert.equal(s.gatewayStatus, 'Completed');
    assert.deepEqual(s.lookup, { gatewayRef: TXN, paymentId: OUR_ID, merchantRef: OUR_ID });
    assert.equal(s.facts?.txn_id, TXN);
  });

  it('keeps pending_reason as a note', () => {
    const s = signalOf({ payment_status: 'Pending', pending_reason: 'echeck' });
    assert.ok(!isProblem(s));
    assert.equal(s.status, 'pending');
    assert.equal(s.note, 'Pending: echeck');
  });

  it('a refund names the original transaction (parent_txn_id) and carries no payment amount', () => {
    const s = signalOf({
      payment_status: 'Refunded',
      txn_id: '9XR01234AB5678901',
      parent_txn_id: TXN,
      mc_gross: '-12.50',
      reason_code: 'refund',
    });
    assert.ok(!isProblem(s));
    assert.equal(s.status, 'refunded');
    assert.equal(s.amount, undefined);
    assert.equal(s.gatewayRef, TXN);
    assert.equal(s.lookup.gatewayRef, TXN);
    assert.equal(s.facts?.txn_id, '9XR01234AB5678901');
    assert.equal(s.facts?.mc_gross, '-12.50');
  });

  it('refuses what is not a payment IPN or is malformed, with the field named', () => {
    const cases: [Record<string, string | undefined>, string, RegExp][] = [
      [{ payment_status: undefined, txn_type: 'new_case' }, 'MISSING_FIELD', /payment_status.*new_case/],
      [{ payment_status: 'Paid' }, 'INVALID_FIELD', /payment_status/],
      [{ txn_id: undefined }, 'MISSING_FIELD', /txn_id/],
      [{ mc_currency: 'XYZ' }, 'INVALID_FIELD', /mc_currency/],
      [{ mc_gross: 'ten' }, 'INVALID_FIELD', /mc_gross/],
      [{ mc_gross: undefined }, 'MISSING_FIELD', /mc_gross/],
    ];
    for (const [overrides, code, reason] of cases) {
      const s = signalOf(overrides);
      assert.ok(isProblem(s), JSON.stringify(overrides));
      assert.equal(s.code, code);
      assert.match(s.reason, reason);
    }
  });

  it('leaves out a custom too long to be our payment id', () => {
    const s = signalOf({ custom: 'x'.repeat(65) });
    assert.ok(!isProblem(s));
    assert.equal(s.lookup.paymentId, undefined);
  });
});
