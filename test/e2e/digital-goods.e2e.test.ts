/**
 * Digital goods through real HTTP, gateway-independent (issue 5): the Lyra simulator takes the money,
 * quittance remembers what each session bought. The Taler-specific flow is in taler.e2e.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { settleByOperator } from '../../src/engine/operator.js';
import { type LyraSimulator, payAsCustomer, startLyraSimulator } from '../../src/simulator/lyra/index.js';
import { ALGORITHM, api, paymentOf, type Quittance, SITE_ID, startQuittance, TEST_KEY } from './harness.js';

interface Answer {
  readonly id: string;
  readonly status: string;
  readonly checkout: { method: 'GET' | 'POST'; url: string; fields: Record<string, string> };
  readonly alreadyPaid?: { paymentId: string; fulfillmentUrl: string };
}

describe('digital goods: fulfillment URLs and repurchase detection, end to end', () => {
  let simulator: LyraSimulator;
  let q: Quittance;
  before(async () => {
    simulator = await startLyraSimulator({
      shops: [{ siteId: SITE_ID, key: TEST_KEY, algorithm: ALGORITHM }],
      timeScale: 0.0005,
      seed: 5,
    });
    q = await startQuittance({ paymentUrl: simulator.paymentUrl });
  });
  after(async () => {
    await simulator?.close();
    await q?.close();
  });

  let orders = 0;
  async function order(body: { fulfillmentUrl?: string; fulfillmentMessage?: string; sessionId?: string }) {
    const orderRef = `DG-${++orders}`;
    const res = await api(q, 'POST', '/api/payments', {
      account: 'shop',
      orderRef,
      amount: { value: 990, currency: 'EUR' },
      ...body,
    });
    return { ...res, orderRef, answer: res.json as Answer };
  }

  async function pay(created: Answer) {
    const customer = await payAsCustomer({ checkout: created.checkout, scenario: 'paid' });
    await simulator.idle();
    return customer;
  }

  it('replaces ${ORDER_ID} before storing, and sends the paying customer to the fulfillment URL', async () => {
    const created = await order({
      fulfillmentUrl: 'https://shop.example/orders/${ORDER_ID}/ebook',
      sessionId: 'browser-1',
    });
    assert.equal(created.status, 201);
    const view = (await api(q, 'GET', `/api/payments/${created.answer.id}`)).json as {
      fulfillmentUrl: string;
      sessionId: string;
    };
    assert.equal(view.fulfillmentUrl, `https://shop.example/orders/${created.orderRef}/ebook`);
    assert.equal(view.sessionId, 'browser-1');
    const customer = await pay(created.answer);
    assert.equal((await paymentOf(q, created.answer.id)).status, 'captured');
    assert.equal(customer.location, `https://shop.example/orders/${created.orderRef}/ebook`);
  });

  const ebook = 'https://shop.example/ebooks/the-book';

  it('does not charge the same session twice for the same URL: it sends the customer straight there', async () => {
    const first = await order({ fulfillmentUrl: ebook, sessionId: 'browser-2' });
    await pay(first.answer);
    const again = await order({ fulfillmentUrl: ebook, sessionId: 'browser-2' });
    assert.equal(again.status, 200);
    assert.deepEqual(again.answer.alreadyPaid, { paymentId: first.answer.id, fulfillmentUrl: ebook });
    assert.deepEqual(again.answer.checkout, { method: 'GET', url: ebook, fields: {} });
    assert.equal(again.answer.id, first.answer.id);
    const count = await q.engine.store.db
      .selectFrom('payments')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .where('order_ref', '=', again.orderRef)
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 0, 'no payment row for the repurchase');
  });

  it('charges another session for the same URL', async () => {
    const other = await order({ fulfillmentUrl: ebook, sessionId: 'browser-3' });
    assert.equal(other.status, 201);
    assert.equal(other.answer.alreadyPaid, undefined);
    assert.notEqual(other.answer.checkout.url, ebook);
  });

  it('charges again after a refund, by default', async () => {
    const url = 'https://shop.example/ebooks/refunded-book';
    const first = await order({ fulfillmentUrl: url, sessionId: 'browser-4' });
    await pay(first.answer);
    await settleByOperator(q.engine, {
      paymentId: first.answer.id,
      status: 'refunded',
      reason: 'refunded at the back office',
      by: 'e2e',
      resolve: true,
    });
    const again = await order({ fulfillmentUrl: url, sessionId: 'browser-4' });
    assert.equal(again.status, 201);
    assert.equal(again.answer.alreadyPaid, undefined);
  });

  it('refuses a fulfillment URL that is not http(s) with a clear error naming the field', async () => {
    const bad = await order({ fulfillmentUrl: 'javascript:alert(1)', sessionId: 'browser-5' });
    assert.equal(bad.status, 400);
    const error = (bad.json as { error: { code: string; message: string; details?: { field?: string } } })
      .error;
    assert.equal(error.code, 'VALIDATION_FAILED');
    assert.equal(error.details?.field, 'fulfillmentUrl');
  });
});
