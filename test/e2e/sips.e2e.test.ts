/**
 * quittance on real HTTP with a Worldline Sips 2.0 account pointing at the Sips simulator (src/simulator/sips): the
 * Paypage form quittance builds is posted by a simulated shopper, the simulator sends its sealed automatic response
 * and the browser brings back the manual one; faults forge, duplicate, drop and mis-settle them. Office
 * (getTransactionData) answers reconciliation.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Hono } from 'hono';
import { resolveConfig } from '../../src/config/load.js';
import { startEngine } from '../../src/engine/engine.js';
import { reconcilePayment } from '../../src/engine/reconcile.js';
import { encodeForm } from '../../src/gateways/_shared/form-codec.js';
import { createApp } from '../../src/http/app.js';
import { listen } from '../../src/http/server.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { Fault } from '../../src/simulator/faults.js';
import {
  type PayAsCustomerResult,
  payAsCustomer,
  type Scenario,
  type SipsSimulator,
  startSipsSimulator,
} from '../../src/simulator/sips/index.js';
import { createStore } from '../../src/store/db.js';
import {
  assertUntouched,
  type CreatedPayment,
  createPayment,
  effects,
  effectTypes,
  inboxAt,
  paymentOf,
  type Quittance,
  SHOP,
  signalsFrom,
  signalsOf,
} from './harness.js';

const ACCOUNT = 'sips-shop';
const MERCHANT_ID = '002001000000001';
const SECRET_KEY = `${MERCHANT_ID}_${randomBytes(12).toString('hex')}`;
/** 0.0005: the simulator's 1/5/15-minute retry delays last 30/150/450 ms. */
const TIME_SCALE = 0.0005;

/** quittance with one Sips account whose Paypage and Office are the simulator (as test/e2e/harness.ts does for Lyra). */
async function startQuittance(sim: SipsSimulator): Promise<Quittance> {
  const dir = mkdtempSync(join(tmpdir(), 'quittance-sips-e2e-'));
  const file = join(dir, 'e2e.db');
  const apiKey = `e2e_${randomBytes(12).toString('hex')}`;
  const store = createStore(`sqlite:${file}`);
  let app: Hono | undefined;
  const server = await listen(
    (request, env) => (app ? app.fetch(request, env) : new Response('starting', { status: 503 })),
    '127.0.0.1',
    0,
  );
  try {
    const config = resolveConfig(
      {
        database: `sqlite:${file}`,
        apiKeys: [apiKey],
        logLevel: 'silent',
        accounts: [
          {
            id: ACCOUNT,
            gateway: 'sips',
            mode: 'test',
            credentials: {
              merchantId: MERCHANT_ID,
              secretKey: SECRET_KEY,
              keyVersion: '1',
              sealAlgorithm: 'HMAC-SHA-256',
              apiBase: sim.apiBase,
              officeBase: sim.officeBase,
            },
            shop: { ...SHOP },
          },
        ],
      },
      {},
    );
    const engine = await startEngine({ store, config, logger: silentLogger(), publicUrl: server.url });
    app = createApp(engine);
    return {
      url: server.url,
      engine,
      apiKey,
      async close() {
        await server.close();
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

describe('Sips end to end through the simulator', { timeout: 60_000 }, () => {
  let sim: SipsSimulator;
  let q: Quittance;
  before(async () => {
    sim = await startSipsSimulator({
      shops: [{ merchantId: MERCHANT_ID, secretKey: SECRET_KEY, keyVersion: '1' }],
      timeScale: TIME_SCALE,
      seed: 11,
    });
    q = await startQuittance(sim);
  });
  after(async () => {
    await sim?.close();
    await q?.close();
  });

  /** Creates a payment at quittance and plays its customer; resolves once the simulator has nothing in flight. */
  async function pay(
    scenario: Scenario,
    faults: Fault['kind'][] = [],
    followReturn = false,
  ): Promise<{ payment: CreatedPayment; result: PayAsCustomerResult }> {
    const payment = await createPayment(q, { account: ACCOUNT });
    assert.equal(payment.checkout.url, `${sim.apiBase}/paymentInit`);
    const result = await payAsCustomer({
      checkout: payment.checkout,
      scenario,
      faults: faults.map((kind) => ({ kind }) as Fault),
      followReturn,
    });
    await sim.idle();
    return { payment, result };
  }

  async function notices() {
    return inboxAt(q, `/notify/${ACCOUNT}`);
  }

  /** The manual response, posted as the browser would, without following quittance's redirect. */
  async function postReturn(result: PayAsCustomerResult) {
    const response = await fetch(result.returnPayload.returnUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encodeForm(result.returnPayload.fields),
      redirect: 'manual',
    });
    await response.body?.cancel();
    return { status: response.status, location: response.headers.get('location') };
  }

  it('a paid payment settles from the automatic response: captured, its two effects once', async () => {
    const { payment } = await pay('paid');
    const stored = await paymentOf(q, payment.id);
    assert.equal(stored.status, 'captured');
    assert.equal(stored.needsReview, false);
    const signals = await signalsOf(q, payment.id);
    assert.deepEqual(
      signals.map((s) => [s.source, s.status, s.settlement, s.gatewayStatus]),
      [['notification', 'captured', 'applied', '00']],
    );
    const [entry] = (await notices()).filter((e) => e.id === signals[0]?.inboxId);
    assert.equal(entry?.verdict, 'verified');
    assert.equal(entry?.answerStatus, 200);
    assert.deepEqual(effectTypes(await effects(q, payment.id)), ['payment.authorized', 'payment.captured']);
    const [tx] = sim.transactions().filter((t) => t.orderId === payment.orderRef);
    assert.equal(tx?.responses[0]?.delivered, true);
  });

  it('refused, cancelled and validation-only payments settle as refused, cancelled and authorized', async () => {
    for (const [scenario, status] of [
      ['refused', 'refused'],
      ['cancelled', 'cancelled'],
      ['authorised-only', 'authorized'],
    ] as const) {
      const { payment } = await pay(scenario);
      assert.equal((await paymentOf(q, payment.id)).status, status, scenario);
    }
  });

  it('the manual response settles too; a second copy, or the automatic response, is a duplicate', async () => {
    // The automatic response never arrives: the browser's return alone settles the payment.
    const lost = await pay('paid', ['drop-all'], true);
    assert.equal(lost.result.returnStatus, 303);
    assert.ok(lost.result.location?.startsWith(`${SHOP.successUrl}?`), lost.result.location ?? '');
    assert.equal((await paymentOf(q, lost.payment.id)).status, 'captured');
    const again = await postReturn(lost.result);
    assert.equal(again.status, 303);
    assert.deepEqual(
      (await signalsOf(q, lost.payment.id)).map((s) => [s.source, s.settlement]),
      [
        ['return', 'applied'],
        ['return', 'duplicate'],
      ],
    );

    // The automatic response first, then the browser: the return is the duplicate.
    const both = await pay('refused');
    const back = await postReturn(both.result);
    assert.equal(back.status, 303);
    assert.ok(back.location?.startsWith(`${SHOP.failureUrl}?`), back.location ?? '');
    assert.deepEqual(
      (await signalsOf(q, both.payment.id)).map((s) => [s.source, s.status, s.settlement]),
      [
        ['notification', 'refused', 'applied'],
        ['return', 'refused', 'duplicate'],
      ],
    );
    assert.deepEqual(effectTypes(await effects(q, both.payment.id)), ['payment.failed']);
  });

  it('a duplicated automatic response is a duplicate, with no second effect', async () => {
    const { payment } = await pay('paid', ['duplicate']);
    assert.deepEqual(
      (await signalsOf(q, payment.id)).map((s) => s.settlement),
      ['applied', 'duplicate'],
    );
    assert.deepEqual(effectTypes(await effects(q, payment.id)), ['payment.authorized', 'payment.captured']);
  });

  it('a forged response is stored rejected and changes nothing', async () => {
    // Only the forgery arrives (the genuine response is lost): the payment must stay as created.
    const { payment } = await pay('paid', ['drop-all', 'bad-signature']);
    const forged = (await notices()).filter((e) => (e.headers['x-simulator-fault'] ?? '').includes('forged'));
    assert.equal(forged.length, 1);
    const [entry] = forged;
    assert.ok(entry);
    assert.equal(entry.verdict, 'rejected');
    assert.equal(entry.reasonCode, 'SIGNATURE_MISMATCH');
    assert.equal(entry.answerStatus, 401);
    assert.deepEqual(await signalsFrom(q, entry.id), []);
    await assertUntouched(q, payment.id);

    // Beside a genuine refusal, a forged acceptance changes nothing either.
    const refused = await pay('refused', ['bad-signature']);
    assert.equal((await paymentOf(q, refused.payment.id)).status, 'refused');
    assert.deepEqual(
      (await signalsOf(q, refused.payment.id)).map((s) => [s.status, s.settlement]),
      [['refused', 'applied']],
    );
    const all = (await notices()).filter((e) => (e.headers['x-simulator-fault'] ?? '').includes('forged'));
    assert.ok(all.every((e) => e.verdict === 'rejected'));
  });

  it('a wrong amount, correctly sealed, is flagged as a conflict and never applied', async () => {
    const { payment, result } = await pay('paid', ['wrong-amount'], true);
    const stored = await paymentOf(q, payment.id);
    assert.equal(stored.status, 'created');
    assert.equal(stored.needsReview, true);
    const signals = await signalsOf(q, payment.id);
    assert.ok(signals.length >= 1);
    for (const s of signals) {
      assert.equal(s.settlement, 'conflict');
      assert.deepEqual(s.amount, { value: payment.amount + 1, currency: 'EUR' });
    }
    assert.ok(signals.some((s) => s.source === 'notification'));
    assert.ok(signals.some((s) => s.source === 'return'));
    assert.notEqual(result.returnStatus, null);
    assert.deepEqual(effectTypes(await effects(q, payment.id)), ['payment.conflict']);
  });

  it('reconciliation asks Office for a payment whose automatic response was dropped, and settles it', async () => {
    const { payment } = await pay('paid', ['drop-all']);
    assert.equal((await paymentOf(q, payment.id)).status, 'created', 'nothing reached quittance');
    const calls = sim.officeCalls().length;
    const answer = await reconcilePayment(q.engine, payment.id, { reason: 'e2e' });
    assert.equal(answer.outcome, 'found', answer.reason);
    assert.equal(answer.status, 'captured');
    assert.equal((await paymentOf(q, payment.id)).status, 'captured');
    assert.deepEqual(
      (await signalsOf(q, payment.id)).map((s) => [s.source, s.status, s.gatewayStatus, s.settlement]),
      [['poll', 'captured', 'TO_CAPTURE', 'applied']],
    );
    assert.deepEqual(
      sim
        .officeCalls()
        .slice(calls)
        .map((c) => c.responseCode),
      ['00'],
    );

    // A payment the shopper never acted on is unknown to Office: not found, left open while young.
    const open = await createPayment(q, { account: ACCOUNT });
    const young = await reconcilePayment(q.engine, open.id, { reason: 'e2e' });
    assert.equal(young.outcome, 'not-found');
    assert.equal((await paymentOf(q, open.id)).status, 'created');
  });
});
