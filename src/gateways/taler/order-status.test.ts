import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { money } from '../../core/index.js';
import { claimedOrder, NOW, NOW_S, OUR_ID, paidOrder, unpaidOrder } from './fixtures/orders.js';
import { mapOrder, readOrderStatus, signalOfOrder, type TalerOrder } from './order-status.js';

const read = (json: unknown): TalerOrder => {
  const order = readOrderStatus(json);
  assert.ok(typeof order !== 'string', String(order));
  return order;
};
const at = (seconds: number) => ({ now: new Date((NOW_S + seconds) * 1000) });

describe('taler order status: reading', () => {
  it('reads the three shapes', () => {
    const unpaid = read(
      unpaidOrder({ already_paid_order_id: 'other-1', already_paid_fulfillment_url: 'https://s/x' }),
    );
    assert.equal(unpaid.status, 'unpaid');
    assert.ok(unpaid.status === 'unpaid');
    assert.equal(unpaid.alreadyPaidOrderId, 'other-1');
    assert.equal(unpaid.payDeadline, NOW_S + 7200);
    assert.deepEqual(unpaid.amount, money(1250, 'EUR'));
    const claimed = read(claimedOrder());
    assert.ok(
      claimed.status === 'claimed' && claimed.orderId === OUR_ID && claimed.payDeadline === NOW_S + 7200,
    );
    const paid = read(
      paidOrder({ refunded: true, refund_amount: 'EUR:2', refund_details: [{ reason: 'r [quittance x]' }] }),
    );
    assert.ok(paid.status === 'paid');
    assert.deepEqual(paid.refundAmount, money(200, 'EUR'));
    assert.deepEqual(paid.refundReasons, ['r [quittance x]']);
  });

  it('reads the pay deadline from proto_contract_terms (protocol v25) and v1 contract choices', () => {
    const unpaid = read(
      unpaidOrder({ pay_deadline: undefined, proto_contract_terms: { pay_deadline: { t_s: 5 } } }),
    );
    assert.ok(unpaid.status === 'unpaid' && unpaid.payDeadline === 5);
    const v1 = paidOrder({ choice_index: 1 });
    const terms: Record<string, unknown> = {
      ...(v1.contract_terms as Record<string, unknown>),
      version: 1,
      amount: undefined,
    };
    terms.choices = [{ amount: 'EUR:1' }, { amount: 'EUR:12.5' }];
    const paid = read({ ...v1, contract_terms: terms });
    assert.ok(paid.status === 'paid');
    assert.deepEqual(paid.amount, money(1250, 'EUR'));
  });

  it('says what is wrong with answers it cannot read', () => {
    for (const bad of [
      null,
      [],
      'x',
      { order_status: 'refunded' },
      { order_status: 'paid' },
      paidOrder({ refunded: 'yes' }),
      paidOrder({ refund_amount: 'EUR:0.001' }),
      paidOrder({ contract_terms: { order_id: 'a b' } }),
      unpaidOrder({ total_amount: '12.50' }),
      unpaidOrder({ already_paid_order_id: 42 }),
    ]) {
      assert.equal(typeof readOrderStatus(bad), 'string', JSON.stringify(bad));
    }
  });
});

describe('taler order status: mapping', () => {
  it('paid → captured; refunded in part → partially_refunded; in whole → refunded', () => {
    assert.equal(mapOrder(read(paidOrder()), at(60)).status, 'captured');
    assert.equal(
      mapOrder(read(paidOrder({ refunded: true, refund_amount: 'EUR:5' })), at(60)).status,
      'partially_refunded',
    );
    assert.equal(
      mapOrder(read(paidOrder({ refunded: true, refund_amount: 'EUR:12.5' })), at(60)).status,
      'refunded',
    );
    // refunded false wins over a stray refund_amount
    assert.equal(
      mapOrder(read(paidOrder({ refunded: false, refund_amount: 'EUR:5' })), at(60)).status,
      'captured',
    );
    assert.deepEqual(mapOrder(read(paidOrder()), at(60)).amount, money(1250, 'EUR'));
  });

  it('claimed → pending, expired after the pay deadline and its grace', () => {
    assert.equal(mapOrder(read(claimedOrder()), at(60)).status, 'pending');
    assert.equal(mapOrder(read(claimedOrder()), at(7200 + 10)).status, 'pending', 'within the 30 s grace');
    assert.equal(mapOrder(read(claimedOrder()), at(7200 + 31)).status, 'expired');
  });

  it('unpaid → nothing while payable, expired after the deadline, cancelled on repurchase', () => {
    assert.equal(mapOrder(read(unpaidOrder()), at(60)).status, null);
    assert.equal(mapOrder(read(unpaidOrder()), at(7231)).status, 'expired');
    const repurchase = mapOrder(read(unpaidOrder({ already_paid_order_id: 'pay_other' })), at(60));
    assert.equal(repurchase.status, 'cancelled');
    assert.match(repurchase.note ?? '', /pay_other/);
    assert.equal(repurchase.facts.already_paid_order_id, 'pay_other');
  });

  it('uses the fallback deadline when the answer gives none; a short delay gets half of it as grace', () => {
    const order = read(unpaidOrder({ pay_deadline: undefined }));
    assert.equal(mapOrder(order, { ...at(100), fallbackDeadline: undefined }).status, null);
    assert.equal(mapOrder(order, { ...at(5), fallbackDeadline: NOW_S + 4 }).status, null, 'grace 2 s');
    assert.equal(mapOrder(order, { ...at(7), fallbackDeadline: NOW_S + 4 }).status, 'expired');
  });

  it('makes poll or notification signals whose lookup finds the payment by its order id', () => {
    const signal = signalOfOrder(read(paidOrder()), OUR_ID, 'notification', { now: NOW });
    assert.ok(signal);
    assert.equal(signal.source, 'notification');
    assert.equal(signal.status, 'captured');
    assert.deepEqual(signal.lookup, { merchantRef: OUR_ID, gatewayRef: OUR_ID });
    assert.equal(signal.gatewayRef, OUR_ID);
    assert.equal(signalOfOrder(read(unpaidOrder()), OUR_ID, 'poll', { now: NOW }), undefined);
    const withId = signalOfOrder(read(claimedOrder()), OUR_ID, 'poll', { now: NOW, paymentId: 'pay_x' });
    assert.equal(withId?.lookup.paymentId, 'pay_x');
  });
});
