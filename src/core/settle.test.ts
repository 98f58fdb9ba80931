import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { money } from './money.js';
import type { PaymentState } from './payment.js';
import { settle } from './settle.js';
import type { Signal } from './signal.js';
import type { PaymentStatus } from './status.js';

const ID = 'pay_01settle';
const ORDER = money(1250, 'EUR');

function payment(status: PaymentStatus, gatewayRef: string | null = null, needsReview = false): PaymentState {
  return Object.freeze({ id: ID, amount: ORDER, status, gatewayRef, needsReview });
}

function signal(status: PaymentStatus, extra: Partial<Signal> = {}): Signal {
  return Object.freeze({ source: 'notification', status, ...extra });
}

function keys(effects: readonly { key: string }[]): string[] {
  return effects.map((e) => e.key);
}

describe('settle(): applied', () => {
  it('moves forward and records the transaction reference', () => {
    const r = settle(payment('created'), signal('pending', { gatewayRef: 'tx1' }));
    assert.equal(r.settlement, 'applied');
    assert.equal(r.reason, 'created → pending');
    assert.deepEqual(r.payment, {
      id: ID,
      amount: ORDER,
      status: 'pending',
      gatewayRef: 'tx1',
      needsReview: false,
    });
    assert.deepEqual(r.effects, []);
  });

  it('tells the shop about an authorization', () => {
    const r = settle(payment('pending', 'tx1'), signal('authorized', { amount: money(1250, 'EUR') }));
    assert.equal(r.settlement, 'applied');
    assert.equal(r.reason, 'pending → authorized');
    assert.equal(r.payment.status, 'authorized');
    assert.equal(r.payment.gatewayRef, 'tx1', 'a signal without reference keeps the known one');
    assert.deepEqual(r.effects, [
      { type: 'payment.authorized', key: `${ID}:payment.authorized`, paymentId: ID },
    ]);
  });

  it('emits the milestones skipped over when the capture comes first', () => {
    const r = settle(payment('created'), signal('captured', { source: 'return' }));
    assert.equal(r.settlement, 'applied');
    assert.deepEqual(keys(r.effects), [`${ID}:payment.authorized`, `${ID}:payment.captured`]);
  });

  it('applies refunds forward', () => {
    const partial = settle(payment('captured', 'tx1'), signal('partially_refunded', { gatewayRef: 'tx1' }));
    assert.equal(partial.settlement, 'applied');
    assert.deepEqual(partial.effects, []);
    const full = settle(partial.payment, signal('refunded', { source: 'poll' }));
    assert.equal(full.settlement, 'applied');
    assert.equal(full.reason, 'partially_refunded → refunded');
    assert.deepEqual(keys(full.effects), [`${ID}:payment.refunded`]);
  });

  it('lets the first failure win', () => {
    const r = settle(payment('pending'), signal('refused', { note: 'card declined' }));
    assert.equal(r.settlement, 'applied');
    assert.equal(r.payment.status, 'refused');
    assert.deepEqual(keys(r.effects), [`${ID}:payment.failed`]);
  });

  it('voids an authorization never captured', () => {
    for (const to of ['cancelled', 'expired'] as const) {
      const r = settle(payment('authorized', 'tx1'), signal(to, { gatewayRef: 'tx1' }));
      assert.equal(r.settlement, 'applied', to);
      assert.equal(r.payment.status, to);
      assert.deepEqual(keys(r.effects), [`${ID}:payment.failed`]);
    }
  });

  it('keeps needsReview once set', () => {
    const r = settle(payment('pending', null, true), signal('captured'));
    assert.equal(r.settlement, 'applied');
    assert.equal(r.payment.needsReview, true);
  });

  it('takes a new reference while nothing is final (a new attempt at the gateway)', () => {
    const r = settle(payment('pending', 'tx1'), signal('authorized', { gatewayRef: 'tx2' }));
    assert.equal(r.settlement, 'applied');
    assert.equal(r.payment.gatewayRef, 'tx2');
  });
});

describe('settle(): duplicate and stale', () => {
  it('answers duplicate for the same status, without effects or change', () => {
    const before = payment('captured', 'tx1');
    const r = settle(before, signal('captured', { gatewayRef: 'tx1', amount: money(1250, 'EUR') }));
    assert.equal(r.settlement, 'duplicate');
    assert.equal(r.reason, 'already captured');
    assert.deepEqual(r.effects, []);
    assert.equal(r.payment, before);
  });

  it('answers stale for an earlier step arriving late', () => {
    const before = payment('captured', 'tx1');
    const r = settle(before, signal('authorized', { source: 'poll' }));
    assert.equal(r.settlement, 'stale');
    assert.equal(r.reason, 'authorized arrived after captured: an earlier step, kept for the record');
    assert.deepEqual(r.effects, []);
    assert.equal(r.payment, before);
  });

  it('answers stale for pending after a failure', () => {
    const r = settle(payment('refused'), signal('pending'));
    assert.equal(r.settlement, 'stale');
    assert.equal(r.payment.status, 'refused');
  });
});

describe('settle(): conflict', () => {
  it('flags a success after a failure, never applying it', () => {
    const r = settle(payment('refused', 'tx1'), signal('captured', { gatewayRef: 'tx1' }));
    assert.equal(r.settlement, 'conflict');
    assert.equal(r.reason, 'captured contradicts the final status refused');
    assert.equal(r.payment.status, 'refused');
    assert.equal(r.payment.needsReview, true);
    assert.deepEqual(r.effects, [{ type: 'payment.conflict', key: `${ID}:payment.conflict`, paymentId: ID }]);
  });

  it('flags a void after a capture', () => {
    const r = settle(payment('captured'), signal('cancelled'));
    assert.equal(r.settlement, 'conflict');
    assert.equal(r.payment.status, 'captured');
    assert.equal(r.payment.needsReview, true);
    assert.deepEqual(keys(r.effects), [`${ID}:payment.conflict`]);
  });

  it('flags an amount that differs from the order, whatever the status', () => {
    const r = settle(payment('pending'), signal('captured', { amount: money(1000, 'EUR') }));
    assert.equal(r.settlement, 'conflict');
    assert.equal(r.reason, 'notification reports 10.00 EUR but the order is 12.50 EUR');
    assert.equal(r.payment.status, 'pending');
    assert.equal(r.payment.needsReview, true);
    assert.deepEqual(keys(r.effects), [`${ID}:payment.conflict`]);
  });

  it('flags a currency that differs from the order, even with the same number', () => {
    const r = settle(
      payment('created'),
      signal('authorized', { source: 'return', amount: money(1250, 'USD') }),
    );
    assert.equal(r.settlement, 'conflict');
    assert.equal(r.reason, 'return reports 12.50 USD but the order is 12.50 EUR');
    assert.equal(r.payment.status, 'created');
    assert.equal(r.payment.needsReview, true);
  });

  it('flags a wrong amount even when the status would be a duplicate', () => {
    const r = settle(payment('captured'), signal('captured', { amount: money(1, 'EUR') }));
    assert.equal(r.settlement, 'conflict');
    assert.equal(r.payment.status, 'captured');
  });

  it('flags another transaction after a final result', () => {
    const r = settle(payment('captured', 'tx1'), signal('captured', { gatewayRef: 'tx2' }));
    assert.equal(r.settlement, 'conflict');
    assert.equal(r.reason, 'notification speaks of transaction tx2 but the payment was settled by tx1');
    assert.equal(r.payment.gatewayRef, 'tx1');
    assert.equal(r.payment.needsReview, true);
    assert.deepEqual(keys(r.effects), [`${ID}:payment.conflict`]);
  });

  it('flags another transaction even when its status would move forward', () => {
    const r = settle(payment('authorized', 'tx1'), signal('captured', { gatewayRef: 'tx2' }));
    assert.equal(r.settlement, 'conflict');
    assert.equal(r.payment.status, 'authorized');
  });

  it('tells the shop once, when the payment becomes flagged; later conflicts are journaled only', () => {
    const p = payment('refused', 'tx1');
    const a = settle(p, signal('captured', { amount: money(1250, 'EUR') }));
    const b = settle(a.payment, signal('captured', { source: 'poll', amount: money(1250, 'EUR') }));
    const c = settle(b.payment, signal('authorized', { amount: money(1, 'EUR') }));
    assert.deepEqual(keys(a.effects), [`${ID}:payment.conflict`]);
    assert.deepEqual([b.settlement, c.settlement], ['conflict', 'conflict']);
    assert.deepEqual([...b.effects, ...c.effects], []);
  });
});

describe('settle(): purity', () => {
  it('does not modify its inputs (they are frozen here) and keeps id and amount', () => {
    const before = payment('pending');
    const r = settle(before, signal('captured'));
    assert.notEqual(r.payment, before);
    assert.equal(before.status, 'pending');
    assert.equal(r.payment.id, ID);
    assert.equal(r.payment.amount, ORDER);
  });
});

describe('settle(): operator decisions', () => {
  const decision = (status: PaymentStatus, ref = 'sig_op1'): Signal => ({
    source: 'operator',
    status,
    note: 'alice: bank confirmed by phone',
    override: { ref },
  });

  it('applies a decision against a final status, clears the flag, and tells the shop under the decision key', () => {
    const flagged = { ...payment('refused', 'tx1'), needsReview: true };
    const r = settle(flagged, decision('captured'));
    assert.equal(r.settlement, 'applied');
    assert.equal(r.payment.status, 'captured');
    assert.equal(r.payment.needsReview, false);
    assert.deepEqual(keys(r.effects), [
      `${ID}:payment.authorized:operator:sig_op1`,
      `${ID}:payment.captured:operator:sig_op1`,
    ]);
  });

  it('clears a flag while keeping the status, without effects', () => {
    const r = settle({ ...payment('captured'), needsReview: true }, decision('captured'));
    assert.equal(r.settlement, 'applied');
    assert.equal(r.payment.needsReview, false);
    assert.deepEqual(r.effects, []);
  });

  it('is a duplicate when it changes nothing', () => {
    assert.equal(settle(payment('captured'), decision('captured')).settlement, 'duplicate');
  });

  it('ignores the amount check: the person decided', () => {
    const r = settle(payment('created'), { ...decision('captured'), amount: money(1, 'EUR') });
    assert.equal(r.settlement, 'applied');
  });

  it('without override, an operator signal follows the table like any other', () => {
    const r = settle(payment('refused'), { source: 'operator', status: 'captured' });
    assert.equal(r.settlement, 'conflict');
  });
});
