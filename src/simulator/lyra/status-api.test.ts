import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { money } from '../../core/index.js';
import type { GatewayAccount, StatusAnswer, StatusQuery } from '../../gateways/gateway.js';
import { type LyraCredentials, lyra } from '../../gateways/lyra/index.js';
import { payAsCustomer } from './customer.js';
import { harness } from './testkit.js';
import type { Scenario, SimShop } from './types.js';

/**
 * The REST status API of the simulator, through real HTTP: first its own answers, then the Lyra adapter's
 * fetchStatus (with the global fetch) against it. The checkout form is the adapter's, so that matching by trans id
 * and day is tested end to end.
 */

const REST_PASSWORD = 'testpassword_SIMULATOR0123456789';
const REST_SHOP: SimShop = {
  siteId: '11223344',
  key: '5566778899001122',
  algorithm: 'hmac-sha-256',
  restPassword: REST_PASSWORD,
};

/** A 15-minute slot lasts 1.8 s: long enough to see AUTHORISED before the capture on a busy machine. */
const TIME_SCALE = 0.002;

let sequence = 0;

async function setup(t: TestContext, shop: SimShop = REST_SHOP) {
  const h = await harness(t, { shops: [shop], timeScale: TIME_SCALE });
  const account: GatewayAccount<LyraCredentials> = {
    id: 'acc_sim',
    gateway: 'lyra',
    mode: 'test',
    credentials: lyra.credentialsSchema.parse({
      siteId: shop.siteId,
      key: shop.key,
      algorithm: shop.algorithm,
      paymentUrl: h.sim.paymentUrl,
      restUrl: h.sim.statusUrl,
      restPassword: REST_PASSWORD,
    }),
  };

  /** A payment created by the adapter: its checkout form and the query reconciliation would make. */
  function payment(orderRef = `ORDER-${++sequence}`, value = 1250) {
    const now = new Date();
    const paymentId = `pay_sim${String(++sequence).padStart(6, '0')}`;
    const merchantRef = lyra.merchantRef({ paymentId, now, dailySequence: sequence });
    const amount = money(value, 'EUR');
    const checkout = lyra.createPayment(account, {
      paymentId,
      orderRef,
      merchantRef,
      amount,
      now,
      urls: {
        notify: h.merchant.ipnUrl,
        return: h.merchant.returnUrl,
        wait: 'https://quittance.example/pay/wait',
      },
    });
    const query = (gatewayRef: string | null = null): StatusQuery => ({
      paymentId,
      orderRef,
      merchantRef,
      gatewayRef,
      amount,
      createdAt: now,
    });
    return { checkout, query, merchantRef };
  }

  async function pay(scenario: Scenario, faults: { kind: 'wrong-amount' }[] = [], orderRef?: string) {
    const p = payment(orderRef);
    const result = await payAsCustomer({ checkout: p.checkout, scenario, faults, followReturn: false });
    const tx = h.sim.transactions().find((x) => x.txn === result.txn);
    assert.ok(tx);
    return { ...p, uuid: tx.uuid };
  }

  async function status(
    query: StatusQuery,
    options: { account?: GatewayAccount<LyraCredentials>; signal?: AbortSignal } = {},
  ): Promise<StatusAnswer> {
    const fetchStatus = lyra.fetchStatus;
    assert.ok(fetchStatus);
    return fetchStatus(options.account ?? account, query, {
      fetch: globalThis.fetch,
      signal: options.signal ?? AbortSignal.timeout(5_000),
      now: new Date(),
    });
  }

  async function post(service: string, body: string, password = REST_PASSWORD, siteId = shop.siteId) {
    const response = await fetch(h.sim.statusUrl + service, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${siteId}:${password}`).toString('base64')}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body,
    });
    // biome-ignore lint/suspicious/noExplicitAny: the test reads deep into Lyra's JSON and asserts every value it uses.
    return { status: response.status, json: (await response.json()) as Record<string, any> };
  }

  return { ...h, account, payment, pay, status, post };
}

function signalsOf(answer: StatusAnswer) {
  assert.equal(answer.kind, 'found', JSON.stringify(answer));
  return answer.kind === 'found' ? answer.signals : [];
}

describe('lyra simulator: REST status API answers', { timeout: 30_000, concurrency: true }, () => {
  it('Order/Get: the shape Lyra documents, from the simulator’s truth', async (t) => {
    const s = await setup(t);
    const paid = await s.pay('paid', [], 'ORDER-SHAPE');
    const { status, json } = await s.post('Order/Get', JSON.stringify({ orderId: 'ORDER-SHAPE' }));
    assert.equal(status, 200);
    assert.equal(json.webService, 'Order/Get');
    assert.equal(json.version, 'V4');
    assert.equal(typeof json.applicationVersion, 'string');
    assert.equal(json.status, 'SUCCESS');
    assert.equal(json.answer.orderId, 'ORDER-SHAPE');
    assert.equal(json.answer.shopId, REST_SHOP.siteId);
    const [tx] = json.answer.transactions;
    assert.equal(json.answer.transactions.length, 1);
    assert.equal(tx.uuid, paid.uuid);
    assert.equal(tx.status, 'PAID');
    assert.equal(tx.detailedStatus, 'AUTHORISED');
    assert.equal(tx.amount, 1250);
    assert.equal(tx.currency, 'EUR');
    assert.match(tx.creationDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    assert.equal(tx.operationType, 'DEBIT');
    assert.equal(tx.orderDetails.orderId, 'ORDER-SHAPE');
    assert.equal(tx.transactionDetails.cardDetails.legacyTransId, paid.merchantRef.slice(9));
    assert.equal(
      tx.transactionDetails.cardDetails.legacyTransDate.slice(0, 10).replaceAll('-', ''),
      paid.merchantRef.slice(0, 8),
    );

    await s.sim.idle();
    const later = await s.post('Transaction/Get', JSON.stringify({ uuid: paid.uuid }));
    assert.equal(later.json.webService, 'Transaction/Get');
    assert.equal(later.json.answer.uuid, paid.uuid);
    assert.equal(later.json.answer.detailedStatus, 'CAPTURED', 'CAPTURED after the capture slot');
    assert.equal(later.json.answer.status, 'PAID');
  });

  it('an order nobody paid, an unknown uuid: PSP_010 transaction not found', async (t) => {
    const s = await setup(t);
    const order = await s.post('Order/Get', JSON.stringify({ orderId: 'NOBODY' }));
    assert.equal(order.status, 200);
    assert.equal(order.json.status, 'ERROR');
    assert.equal(order.json.answer.errorCode, 'PSP_010');
    assert.equal(order.json.answer.errorMessage, 'transaction not found');
    const uuid = await s.post('Transaction/Get', JSON.stringify({ uuid: 'f'.repeat(32) }));
    assert.equal(uuid.json.answer.errorCode, 'PSP_010');
  });

  it('a wrong password or a shop without one: HTTP 401, INT_905', async (t) => {
    const s = await setup(t);
    const wrong = await s.post('Order/Get', JSON.stringify({ orderId: 'X' }), 'testpassword_wrong');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.status, 'ERROR');
    assert.equal(wrong.json.answer.errorCode, 'INT_905');
    const stranger = await s.post('Order/Get', JSON.stringify({ orderId: 'X' }), REST_PASSWORD, '99999999');
    assert.equal(stranger.status, 401);
    assert.deepEqual(
      s.sim.statusCalls().map((c) => [c.service, c.siteId, c.httpStatus, c.outcome]),
      [
        ['Order/Get', REST_SHOP.siteId, 401, 'unauthorized'],
        ['Order/Get', '99999999', 401, 'unauthorized'],
      ],
    );
  });

  it('bad JSON or a missing id: INT_902; an unknown service: 404', async (t) => {
    const s = await setup(t);
    const bad = await s.post('Order/Get', '{"orderId":');
    assert.equal(bad.json.status, 'ERROR');
    assert.equal(bad.json.answer.errorCode, 'INT_902');
    const missing = await s.post('Transaction/Get', '{}');
    assert.equal(missing.json.answer.errorCode, 'INT_902');
    const unknown = await s.post('Charge/CreatePayment', '{}');
    assert.equal(unknown.status, 404);
  });

  it('refuses a statusApi mode it does not know', async (t) => {
    const s = await setup(t);
    assert.throws(() => s.sim.setStatusApi(REST_SHOP.siteId, 'sideways' as never), /statusApi/);
    assert.throws(() => s.sim.setStatusApi('00000000', 'down'), /no shop/);
  });
});

describe('lyra simulator + adapter fetchStatus over HTTP', { timeout: 30_000, concurrency: true }, () => {
  it('paid: authorized at once, captured after the capture slot, by Order/Get and by Transaction/Get', async (t) => {
    const s = await setup(t);
    const paid = await s.pay('paid');
    const [first] = signalsOf(await s.status(paid.query()));
    assert.ok(first);
    assert.equal(first.source, 'poll');
    assert.equal(first.status, 'authorized');
    assert.equal(first.gatewayRef, paid.uuid);
    assert.deepEqual(first.amount, money(1250, 'EUR'));
    assert.deepEqual(first.lookup, { merchantRef: paid.merchantRef, gatewayRef: paid.uuid });
    assert.deepEqual(first.facts, { status: 'PAID', detailedStatus: 'AUTHORISED', operationType: 'DEBIT' });

    await s.sim.idle();
    const byOrder = signalsOf(await s.status(paid.query()));
    assert.deepEqual(
      byOrder.map((x) => [x.status, x.gatewayStatus]),
      [['captured', 'CAPTURED']],
    );
    const byUuid = signalsOf(await s.status(paid.query(paid.uuid)));
    assert.deepEqual(
      byUuid.map((x) => [x.status, x.gatewayRef]),
      [['captured', paid.uuid]],
    );
  });

  it('two payments of one order: each poll finds its own', async (t) => {
    const s = await setup(t);
    const refused = await s.pay('refused', [], 'ORDER-TWICE');
    const paid = await s.pay('paid', [], 'ORDER-TWICE');
    assert.deepEqual(
      signalsOf(await s.status(refused.query())).map((x) => [x.status, x.gatewayRef]),
      [['refused', refused.uuid]],
    );
    assert.deepEqual(
      signalsOf(await s.status(paid.query())).map((x) => [x.status, x.gatewayRef]),
      [['authorized', paid.uuid]],
    );
  });

  it('a wrong amount settled by the platform is reported as such', async (t) => {
    const s = await setup(t);
    const paid = await s.pay('paid', [{ kind: 'wrong-amount' }]);
    const [signal] = signalsOf(await s.status(paid.query()));
    assert.deepEqual(signal?.amount, money(1251, 'EUR'));
  });

  it('unpaid: never submitted, never opened, or cancelled: not-found', async (t) => {
    const s = await setup(t);
    const opened = s.payment();
    const page = await fetch(opened.checkout.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(opened.checkout.fields).toString(),
    });
    assert.equal(page.status, 200);
    await page.body?.cancel();
    assert.equal((await s.status(opened.query())).kind, 'not-found');
    assert.equal((await s.status(s.payment().query())).kind, 'not-found');
    const cancelled = await s.pay('cancelled');
    assert.equal((await s.status(cancelled.query())).kind, 'not-found');
  });

  it('a bad password: failed, not retryable, and the password is not in the reason', async (t) => {
    const s = await setup(t);
    const paid = await s.pay('paid');
    const account = {
      ...s.account,
      credentials: { ...s.account.credentials, restPassword: 'testpassword_not-the-right-one' },
    };
    const answer = await s.status(paid.query(), { account });
    assert.equal(answer.kind, 'failed');
    assert.ok(answer.kind === 'failed');
    assert.equal(answer.retryable, false);
    assert.match(answer.reason, /HTTP 401, INT_905/);
    assert.ok(!answer.reason.includes('not-the-right-one'));
  });

  it('a shop with no REST password at the platform refuses every call', async (t) => {
    const { restPassword: _, ...shop } = REST_SHOP;
    const s = await setup(t, shop);
    const answer = await s.status(s.payment().query());
    assert.ok(answer.kind === 'failed' && !answer.retryable, JSON.stringify(answer));
  });

  it('status API down: failed and retryable, then found once it is back', async (t) => {
    const s = await setup(t, { ...REST_SHOP, statusApi: 'down' });
    const paid = await s.pay('paid');
    const down = await s.status(paid.query());
    assert.ok(down.kind === 'failed' && down.retryable, JSON.stringify(down));
    assert.match(down.reason, /HTTP 503/);
    s.sim.setStatusApi(REST_SHOP.siteId, 'ok');
    assert.equal((await s.status(paid.query())).kind, 'found');
    assert.deepEqual(
      s.sim.statusCalls().map((c) => [c.httpStatus, c.outcome]),
      [
        [503, 'down'],
        [200, 'found'],
      ],
    );
  });

  it('status API slow: the caller’s timeout ends the call, failed and retryable', async (t) => {
    const s = await setup(t);
    const paid = await s.pay('paid');
    s.sim.setStatusApi(REST_SHOP.siteId, 'slow');
    const started = performance.now();
    const slow = await s.status(paid.query(), { signal: AbortSignal.timeout(300) });
    assert.ok(performance.now() - started < 5_000);
    assert.ok(slow.kind === 'failed' && slow.retryable, JSON.stringify(slow));
    assert.match(slow.reason, /did not answer in time/);
    assert.equal(s.sim.statusCalls().at(-1)?.outcome, 'slow');
  });
});
