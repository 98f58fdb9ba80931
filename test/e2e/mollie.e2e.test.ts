/**
 * Mollie end to end: quittance on real HTTP with a mollie account whose apiBase is the Mollie simulator, the job worker
 * started as `serve` starts it. Mollie's webhook is `id=tr_…` and nothing else, so every webhook is stored `pending`,
 * answered 200, and settled only by the fetch-back job's GET /v2/payments/{id}.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import { refundPayment } from '../../src/engine/refund.js';
import type { Fault } from '../../src/simulator/faults.js';
import { payAsCustomer } from '../../src/simulator/mollie/customer.js';
import { startMollieSimulator } from '../../src/simulator/mollie/server.js';
import type { MollieScenario, MollieSimulator } from '../../src/simulator/mollie/types.js';
import {
  createPayment,
  effects,
  effectTypes,
  type GatewayQuittance,
  inboxAt,
  paymentOf,
  type Quittance,
  SHOP,
  signalsOf,
  startGatewayQuittance,
  until,
} from './harness.js';

const ACCOUNT = 'shop-mollie';
const NOTIFY_PATH = `/notify/${ACCOUNT}`;

interface Setup {
  readonly q: GatewayQuittance;
  readonly sim: MollieSimulator;
  startWorker(): void;
}

async function setup(
  t: TestContext,
  options: { readonly worker?: boolean; readonly reconcile?: string } = {},
): Promise<Setup> {
  const apiKey = `test_${randomBytes(15).toString('hex')}`;
  const sim = await startMollieSimulator({ apiKeys: [apiKey], timeScale: 0.0001, seed: 13 });
  const q = await startGatewayQuittance(t, {
    ...options,
    account: { id: ACCOUNT, gateway: 'mollie', credentials: { apiKey, apiBase: sim.apiBase } },
    simulator: sim,
  });
  return { q, sim, startWorker: q.startWorker };
}

async function pay(s: Setup, scenario: MollieScenario, faults: Fault[] = [], followReturn = false) {
  const payment = await createPayment(s.q, { account: ACCOUNT });
  const result = await payAsCustomer({ checkout: payment.checkout, scenario, faults, followReturn });
  return { payment, returnStatus: result.returnStatus, location: result.location };
}

async function decided(q: Quittance) {
  const entries = await inboxAt(q, NOTIFY_PATH);
  return entries.every((e) => e.verdict !== 'pending') ? entries : undefined;
}

const isForged = (headers: Readonly<Record<string, string>>) =>
  (headers['x-simulator-fault'] ?? '').split(',').includes('forged');

describe('Mollie end to end', { timeout: 60_000 }, () => {
  it('a paid payment is created at Mollie and settles only after the fetch-back', async (t) => {
    const s = await setup(t, { worker: false });
    const { payment } = await pay(s, 'paid');
    assert.equal(payment.checkout.method, 'GET');
    assert.match(payment.checkout.url, new RegExp(`^${s.sim.url}/checkout/tr_`));
    const ref = (await paymentOf(s.q, payment.id)).gatewayRef ?? '';
    assert.match(ref, /^tr_/);
    const create = s.sim.apiCalls().find((c) => c.method === 'POST');
    assert.equal(create?.idempotencyKey, `quittance-create-${payment.id}`);
    await s.sim.idle();

    const [entry] = await inboxAt(s.q, NOTIFY_PATH);
    assert.equal(entry?.verdict, 'pending');
    assert.equal(entry?.answerStatus, 200);
    assert.equal(Buffer.from(entry?.body ?? []).toString(), `id=${ref}`);
    assert.equal((await paymentOf(s.q, payment.id)).status, 'created');

    s.startWorker();
    const entries = await until('the fetch-back decides', () => decided(s.q));
    assert.equal(entries[0]?.verdict, 'verified');
    assert.equal((await paymentOf(s.q, payment.id)).status, 'captured');
    const applied = (await signalsOf(s.q, payment.id)).filter((x) => x.settlement === 'applied');
    assert.deepEqual(
      applied.map((x) => [x.source, x.status, x.gatewayRef, x.amount?.value]),
      [['notification', 'captured', ref, 1250]],
    );
    assert.deepEqual(effectTypes(await effects(s.q, payment.id)), ['payment.authorized', 'payment.captured']);
  });

  it('each outcome maps: failed → refused, canceled → cancelled, expired → expired, authorized', async (t) => {
    const s = await setup(t);
    const cases: ReadonlyArray<readonly [MollieScenario, string]> = [
      ['failed', 'refused'],
      ['canceled', 'cancelled'],
      ['expired', 'expired'],
      ['authorized', 'authorized'],
    ];
    const made = [];
    for (const [scenario, status] of cases) made.push({ ...(await pay(s, scenario)), status });
    await s.sim.idle();
    await until('every webhook is decided', () => decided(s.q));
    for (const { payment, status } of made) assert.equal((await paymentOf(s.q, payment.id)).status, status);
  });

  it('forged webhooks (an id Mollie does not know, another merchant’s payment) are answered 200, then rejected UNKNOWN_AT_GATEWAY', async (t) => {
    const s = await setup(t);
    const paid = [];
    for (let i = 0; i < 4; i++) paid.push((await pay(s, 'paid', [{ kind: 'bad-signature' }])).payment);
    const handMade = await fetch(`${s.q.url}${NOTIFY_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-simulator-fault': 'forged' },
      body: 'id=tr_0000forged',
    });
    assert.equal(handMade.status, 200, 'acknowledged: the check comes later');
    assert.ok((await handMade.text()).length < 200, 'a short body');
    await s.sim.idle();
    const entries = await until('every webhook is decided', () => decided(s.q));
    const forged = entries.filter((e) => isForged(e.headers));
    assert.equal(forged.length, 5);
    for (const entry of forged) {
      assert.equal(entry.answerStatus, 200);
      assert.equal(entry.verdict, 'rejected');
      assert.equal(entry.reasonCode, 'UNKNOWN_AT_GATEWAY', entry.reason ?? '');
    }
    const named = forged.map((e) => Buffer.from(e.body).toString());
    assert.ok(
      s.sim.payments().every((p) => !named.includes(`id=${p.id}`)),
      'no forgery named one of this merchant’s payments',
    );
    for (const payment of paid) {
      const stored = await paymentOf(s.q, payment.id);
      assert.equal(stored.status, 'captured');
      assert.equal(stored.needsReview, false);
      assert.deepEqual(effectTypes(await effects(s.q, payment.id)), [
        'payment.authorized',
        'payment.captured',
      ]);
    }
  });

  it('duplicated and dropped-then-retried webhooks settle once', async (t) => {
    const s = await setup(t);
    const { payment } = await pay(s, 'paid', [{ kind: 'drop' }, { kind: 'duplicate' }]);
    await s.sim.idle();
    const entries = await until('both copies are decided', () => decided(s.q));
    assert.equal(entries.length, 2);
    assert.ok(entries.every((e) => e.verdict === 'verified'));
    assert.deepEqual(
      (await signalsOf(s.q, payment.id)).map((x) => x.settlement),
      ['applied', 'duplicate'],
    );
    assert.deepEqual(effectTypes(await effects(s.q, payment.id)), ['payment.authorized', 'payment.captured']);
  });

  it('the customer’s return and a delayed webhook, in whichever order they land, settle the payment once', async (t) => {
    const s = await setup(t);
    // The delay is in simulator time (real ms, as the demo's): the return usually asks Mollie first, but either order
    // must give the same result.
    const { payment, location } = await pay(
      s,
      'paid',
      [{ kind: 'delay', ms: 500 }, { kind: 'duplicate' }],
      true,
    );
    assert.equal(location?.split('?')[0], SHOP.successUrl);
    await s.sim.idle();
    await until('the webhooks are decided', () => decided(s.q));
    const signals = await signalsOf(s.q, payment.id);
    assert.deepEqual(
      signals.map((x) => x.settlement).sort(),
      ['applied', 'duplicate', 'duplicate'],
      'one return (poll) and two webhook copies, one of them applied',
    );
    assert.deepEqual(signals.map((x) => x.source).sort(), ['notification', 'notification', 'poll']);
    assert.equal((await paymentOf(s.q, payment.id)).status, 'captured');
    assert.deepEqual(effectTypes(await effects(s.q, payment.id)), ['payment.authorized', 'payment.captured']);
  });

  it('a webhook that never arrives is recovered by reconciliation', async (t) => {
    const s = await setup(t, { reconcile: '200ms,400ms,800ms' });
    const { payment } = await pay(s, 'paid', [{ kind: 'drop-all' }]);
    await s.sim.idle();
    const stored = await until('reconciliation settles the payment', async () => {
      const p = await paymentOf(s.q, payment.id);
      return p.status === 'captured' ? p : undefined;
    });
    assert.equal(stored.needsReview, false);
    assert.deepEqual(
      (await signalsOf(s.q, payment.id)).filter((x) => x.settlement === 'applied').map((x) => x.source),
      ['poll'],
    );
    assert.deepEqual(await inboxAt(s.q, NOTIFY_PATH), []);
  });

  it('a refund goes to Mollie; the webhook Mollie calls for it settles partially refunded, then refunded', async (t) => {
    const s = await setup(t);
    const { payment } = await pay(s, 'paid');
    await s.sim.idle();
    await until('paid', async () => (await paymentOf(s.q, payment.id)).status === 'captured');
    const part = await refundPayment(s.q.engine, {
      paymentId: payment.id,
      amount: 250,
      reason: 'one item back',
      by: 'e2e',
    });
    assert.deepEqual(part.amount, { value: 250, currency: 'EUR' });
    await s.sim.idle();
    await until(
      'partially refunded',
      async () => (await paymentOf(s.q, payment.id)).status === 'partially_refunded',
    );
    await refundPayment(s.q.engine, { paymentId: payment.id, amount: 1000, reason: 'the rest', by: 'e2e' });
    await s.sim.idle();
    await until('refunded', async () => (await paymentOf(s.q, payment.id)).status === 'refunded');
    const refunds = s.sim.apiCalls().filter((c) => c.method === 'POST' && c.path.endsWith('/refunds'));
    assert.equal(refunds.length, 2);
    assert.ok(refunds.every((c) => c.status === 201 && c.idempotencyKey?.startsWith('quittance-refund-')));
    await assert.rejects(
      refundPayment(s.q.engine, { paymentId: payment.id, amount: 1, reason: 'too much', by: 'e2e' }),
      (error: { code?: string; message?: string }) =>
        error.code === 'VALIDATION_FAILED' && /higher than the amount remaining/.test(error.message ?? ''),
    );
  });

  it('wrong amount: the fetched payment says amount + 1, so the payment is flagged, never paid', async (t) => {
    const s = await setup(t);
    const { payment } = await pay(s, 'paid', [{ kind: 'wrong-amount' }]);
    await s.sim.idle();
    await until('the fetch-back decides', () => decided(s.q));
    const stored = await paymentOf(s.q, payment.id);
    assert.equal(stored.status, 'created');
    assert.equal(stored.needsReview, true);
    assert.deepEqual(
      (await signalsOf(s.q, payment.id)).map((x) => [x.settlement, x.amount?.value]),
      [['conflict', 1251]],
    );
  });
});
