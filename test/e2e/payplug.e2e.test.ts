/**
 * PayPlug end to end: quittance on real HTTP with a payplug account whose apiBase is the PayPlug simulator, the job
 * worker started as `serve` starts it (startEngineWorker). PayPlug signs nothing, so every notification is stored
 * `pending`, acknowledged, and settled only by the fetch-back job's GET /v1/payments/{id}.
 *
 * Waiting: `until` polls what quittance stored until a condition holds; its deadline is a safety net for a broken
 * build, never an assertion on how fast anything is.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type { Hono } from 'hono';
import { resolveConfig } from '../../src/config/load.js';
import { startEngine } from '../../src/engine/engine.js';
import { startEngineWorker } from '../../src/engine/runtime.js';
import { createApp } from '../../src/http/app.js';
import { listen } from '../../src/http/server.js';
import type { Worker } from '../../src/jobs/worker.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { Fault } from '../../src/simulator/faults.js';
import { payAsCustomer } from '../../src/simulator/payplug/customer.js';
import { startPayplugSimulator } from '../../src/simulator/payplug/server.js';
import type { PayplugScenario, PayplugSimulator } from '../../src/simulator/payplug/types.js';
import { createStore } from '../../src/store/db.js';
import {
  type CreatedPayment,
  createPayment,
  effects,
  effectTypes,
  inboxAt,
  paymentOf,
  type Quittance,
  SHOP,
  signalsOf,
} from './harness.js';

const ACCOUNT = 'shop-payplug';
const NOTIFY_PATH = `/notify/${ACCOUNT}`;

interface Setup {
  readonly q: Quittance;
  readonly sim: PayplugSimulator;
  /** Starts the job worker (fetch-backs, reconciliation); `worker: true` starts it at once. */
  startWorker(): void;
}

async function setup(
  t: TestContext,
  options: { readonly worker: boolean; readonly reconcile?: string } = { worker: true },
): Promise<Setup> {
  const secretKey = `sk_test_${randomBytes(12).toString('hex')}`;
  const sim = await startPayplugSimulator({ secretKeys: [secretKey], timeScale: 0.0001, seed: 11 });
  const dir = mkdtempSync(join(tmpdir(), 'quittance-payplug-e2e-'));
  const file = join(dir, 'e2e.db');
  const store = createStore(`sqlite:${file}`);
  const apiKey = `e2e_${randomBytes(12).toString('hex')}`;
  let app: Hono | undefined;
  const server = await listen(
    (request, env) => (app ? app.fetch(request, env) : new Response('starting', { status: 503 })),
    '127.0.0.1',
    0,
  );
  const config = resolveConfig(
    {
      database: `sqlite:${file}`,
      apiKeys: [apiKey],
      logLevel: 'silent',
      // Reconciliation is far away unless a test asks for it: the paths under test settle first.
      reconcile: { schedule: options.reconcile ?? '1h', returnTimeout: '5s' },
      worker: { enabled: true, concurrency: 4, pollInterval: '50ms', lease: '10s' },
      accounts: [
        {
          id: ACCOUNT,
          gateway: 'payplug',
          mode: 'test',
          credentials: { secretKey, apiBase: sim.apiBase },
          shop: { ...SHOP },
        },
      ],
    },
    {},
  );
  const engine = await startEngine({ store, config, logger: silentLogger(), publicUrl: server.url });
  app = createApp(engine);
  let worker: Worker | undefined;
  const q: Quittance = {
    url: server.url,
    engine,
    apiKey,
    async close() {
      await worker?.stop(5_000);
      await server.close();
      await sim.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  t.after(() => q.close());
  const startWorker = () => {
    worker ??= startEngineWorker(engine);
  };
  if (options.worker) startWorker();
  return { q, sim, startWorker };
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function pay(
  s: Setup,
  scenario: PayplugScenario,
  faults: Fault[] = [],
  followReturn = false,
): Promise<{ payment: CreatedPayment; returnStatus: number | null; location: string | null }> {
  const payment = await createPayment(s.q, { account: ACCOUNT });
  const result = await payAsCustomer({ checkout: payment.checkout, scenario, faults, followReturn });
  return { payment, returnStatus: result.returnStatus, location: result.location };
}

/** The payment's PayPlug id, as initPayment stored it. */
async function gatewayRefOf(q: Quittance, paymentId: string): Promise<string> {
  const ref = (await paymentOf(q, paymentId)).gatewayRef ?? '';
  assert.ok(ref.startsWith('pay_'), `gateway reference ${ref}`);
  return ref;
}

function postNotification(q: Quittance, body: unknown): Promise<Response> {
  return fetch(`${q.url}${NOTIFY_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-simulator-fault': 'forged' },
    body: JSON.stringify(body),
  });
}

async function decided(q: Quittance) {
  const entries = await inboxAt(q, NOTIFY_PATH);
  return entries.every((e) => e.verdict !== 'pending') ? entries : undefined;
}

describe('PayPlug end to end', { timeout: 60_000 }, () => {
  it('a paid payment is created at PayPlug and settles only after the fetch-back', async (t) => {
    const s = await setup(t, { worker: false });
    const { payment } = await pay(s, 'paid');
    assert.equal(payment.checkout.method, 'GET');
    assert.match(payment.checkout.url, new RegExp(`^${s.sim.url}/pay/pay_`));
    const ref = await gatewayRefOf(s.q, payment.id);
    await s.sim.idle();

    // Delivered, stored, acknowledged with 200 — and nothing applied: no worker has asked PayPlug yet.
    const [entry] = await inboxAt(s.q, NOTIFY_PATH);
    assert.equal(entry?.verdict, 'pending');
    assert.equal(entry?.answerStatus, 200);
    assert.equal(s.sim.payment(ref)?.notifications[0]?.attempts[0]?.status, 200);
    assert.equal((await paymentOf(s.q, payment.id)).status, 'created');
    assert.deepEqual(await signalsOf(s.q, payment.id), []);
    assert.equal(s.sim.apiCalls().filter((c) => c.method === 'GET').length, 0);

    s.startWorker();
    const entries = await until('the fetch-back decides', () => decided(s.q));
    assert.equal(entries[0]?.verdict, 'verified');
    const stored = await paymentOf(s.q, payment.id);
    assert.equal(stored.status, 'captured');
    assert.equal(stored.needsReview, false);
    const gets = s.sim.apiCalls().filter((c) => c.method === 'GET' && c.path === `/v1/payments/${ref}`);
    assert.ok(gets.length >= 1, 'PayPlug was asked about the payment');
    assert.ok(gets.every((c) => c.version === '2019-08-06' && c.status === 200));
    const applied = (await signalsOf(s.q, payment.id)).filter((x) => x.settlement === 'applied');
    assert.deepEqual(
      applied.map((x) => [x.source, x.status, x.gatewayRef, x.amount?.value]),
      [['notification', 'captured', ref, 1250]],
    );
    assert.deepEqual(effectTypes(await effects(s.q, payment.id)), ['payment.authorized', 'payment.captured']);
  });

  it('a forged notification never changes a payment and ends rejected (unknown id, or a claim PayPlug contradicts)', async (t) => {
    const s = await setup(t);
    // Unknown id naming our payment in its metadata: PayPlug has no such payment.
    const open = await createPayment(s.q, { account: ACCOUNT });
    const unknown = await postNotification(s.q, {
      id: 'pay_0000forgedforgedforged',
      object: 'payment',
      is_live: false,
      amount: 1250,
      amount_refunded: 0,
      currency: 'EUR',
      is_paid: true,
      is_refunded: false,
      failure: null,
      metadata: { quittance_payment_id: open.id },
    });
    assert.equal(unknown.status, 200, 'acknowledged: the check comes later');

    // A refused payment claimed paid: PayPlug says refused.
    const { payment: refused } = await pay(s, 'refused');
    const ref = await gatewayRefOf(s.q, refused.id);
    await s.sim.idle();
    await until(
      'the genuine refusal settles',
      async () => (await paymentOf(s.q, refused.id)).status === 'refused',
    );
    const claim = await postNotification(s.q, {
      id: ref,
      object: 'payment',
      is_live: false,
      amount: 1250,
      amount_refunded: 0,
      currency: 'EUR',
      is_paid: true,
      is_refunded: false,
      failure: null,
      metadata: { quittance_payment_id: refused.id },
    });
    assert.equal(claim.status, 200);

    // And the simulator's own forgeries on a paid payment.
    const { payment: paid } = await pay(s, 'paid', [{ kind: 'bad-signature' }]);
    await s.sim.idle();

    const entries = await until('every notification is decided', () => decided(s.q));
    const forged = entries.filter((e) =>
      (e.headers['x-simulator-fault'] ?? '').split(',').includes('forged'),
    );
    assert.equal(forged.length, 3);
    for (const entry of forged)
      assert.equal(entry.verdict, 'rejected', `${entry.reasonCode} ${entry.reason}`);
    assert.ok(entries.filter((e) => !forged.includes(e)).every((e) => e.verdict === 'verified'));

    const untouched = await paymentOf(s.q, open.id);
    assert.equal(untouched.status, 'created');
    assert.deepEqual(
      (await signalsOf(s.q, open.id)).filter((x) => x.settlement === 'applied'),
      [],
      'nothing applied to the payment the unknown id named',
    );
    assert.equal((await paymentOf(s.q, refused.id)).status, 'refused');
    assert.equal((await paymentOf(s.q, refused.id)).needsReview, false);
    assert.equal((await paymentOf(s.q, paid.id)).status, 'captured');
    assert.equal((await paymentOf(s.q, paid.id)).needsReview, false);
    assert.deepEqual(effectTypes(await effects(s.q, refused.id)), ['payment.failed']);
    assert.deepEqual(effectTypes(await effects(s.q, paid.id)), ['payment.authorized', 'payment.captured']);
    assert.deepEqual(await effects(s.q, open.id), []);
  });

  it('the return asks PayPlug and sends the customer to the right page', async (t) => {
    const s = await setup(t);
    // drop-all: no notification will ever come, so only the return's own question can settle these.
    const paid = await pay(s, 'paid', [{ kind: 'drop-all' }], true);
    assert.equal(paid.returnStatus, 303);
    assert.equal(paid.location?.split('?')[0], SHOP.successUrl);
    assert.match(paid.location ?? '', /status=captured/);
    assert.equal((await paymentOf(s.q, paid.payment.id)).status, 'captured');
    assert.deepEqual(
      (await signalsOf(s.q, paid.payment.id)).filter((x) => x.settlement === 'applied').map((x) => x.source),
      ['poll'],
    );

    const cancelled = await pay(s, 'cancelled', [{ kind: 'drop-all' }], true);
    assert.equal(cancelled.location?.split('?')[0], SHOP.failureUrl);
    assert.equal((await paymentOf(s.q, cancelled.payment.id)).status, 'cancelled');

    const refused = await pay(s, 'refused', [{ kind: 'drop-all' }], true);
    assert.equal(refused.location?.split('?')[0], SHOP.failureUrl);
    assert.equal((await paymentOf(s.q, refused.payment.id)).status, 'refused');
    await s.sim.idle();
    assert.deepEqual(await inboxAt(s.q, NOTIFY_PATH), [], 'no notification reached quittance');
  });

  it('a notification that never arrives is recovered by reconciliation', async (t) => {
    const s = await setup(t, { worker: true, reconcile: '200ms,400ms,800ms' });
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

  it('a dropped first attempt is retried by PayPlug and settles through the fetch-back; a duplicate changes nothing', async (t) => {
    const s = await setup(t);
    const { payment } = await pay(s, 'paid', [{ kind: 'drop' }, { kind: 'duplicate' }]);
    await s.sim.idle();
    const entries = await until('both copies are decided', () => decided(s.q));
    assert.equal(entries.length, 2);
    assert.ok(entries.every((e) => e.verdict === 'verified'));
    assert.equal((await paymentOf(s.q, payment.id)).status, 'captured');
    assert.deepEqual(effectTypes(await effects(s.q, payment.id)), ['payment.authorized', 'payment.captured']);
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
