import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { RawRequest } from '../gateways/gateway.js';
import { listAlerts } from '../store/repos/alerts.js';
import { listEvents } from '../store/repos/events.js';
import { findPayment } from '../store/repos/payments.js';
import { signalsOfPayment } from '../store/repos/signals.js';
import { createPayment } from './checkout.js';
import { ingestNotification } from './ingest.js';
import { handleReturn } from './return.js';
import { FAKE_ACCOUNT, FAKE_SHOP, fakeGateway, found, type TestEngine, testEngine } from './testkit.js';

let t: TestEngine;
let orders = 0;

const newPayment = async () =>
  (
    await createPayment(t.engine, {
      account: FAKE_ACCOUNT,
      orderRef: `order-${++orders}`,
      amount: { value: 990, currency: 'EUR' },
    })
  ).payment;

function raw(path: string, body = ''): RawRequest {
  return {
    method: body ? 'POST' : 'GET',
    path,
    query: '',
    headers: body ? { 'content-type': 'application/json' } : {},
    body: new TextEncoder().encode(body),
    sourceIp: '127.0.0.1',
    receivedAt: t.now(),
  };
}

const customerBack = (paymentId: string) =>
  handleReturn(t.engine, {
    accountId: FAKE_ACCOUNT,
    paymentId,
    raw: raw(`/return/${FAKE_ACCOUNT}/${paymentId}`),
  });

const notify = (paymentId: string, status: string, gatewayRef: string) =>
  ingestNotification(t.engine, {
    accountId: FAKE_ACCOUNT,
    raw: raw(`/notify/${FAKE_ACCOUNT}`, JSON.stringify({ paymentId, status, gatewayRef })),
  });

function page(location: string) {
  const url = new URL(location);
  return { page: `${url.origin}${url.pathname}`, params: Object.fromEntries(url.searchParams) };
}

describe('the customer return without signed data asks the gateway', () => {
  beforeEach(async () => {
    t = await testEngine({ config: { reconcile: { returnTimeout: '200ms' } } });
  });
  afterEach(() => t.close());

  it('fetchStatus says paid: settled from the status API, 303 to the success page', async () => {
    const p = await newPayment();
    t.fake.answer = (q) => found(q, 'authorized');

    const r = await customerBack(p.id);

    assert.equal(t.fake.asked.length, 1);
    assert.equal(r.waiting, false);
    assert.deepEqual(page(r.location), {
      page: FAKE_SHOP.successUrl,
      params: { payment: p.id, order: p.orderRef, status: 'authorized' },
    });
    const signals = await signalsOfPayment(t.engine.store.db, p.id);
    assert.deepEqual(
      signals.map((s) => [s.source, s.status, s.settlement, s.inboxId]),
      [['poll', 'authorized', 'applied', null]],
    );
  });

  it('fetchStatus says refused: 303 to the failure page', async () => {
    const p = await newPayment();
    t.fake.answer = (q) => found(q, 'refused');
    const r = await customerBack(p.id);
    assert.equal(page(r.location).page, FAKE_SHOP.failureUrl);
  });

  it('fetchStatus hangs past returnTimeoutMs: our waiting page, no error, on time', async () => {
    const p = await newPayment();
    t.fake.answer = () => new Promise<never>(() => {});
    const started = Date.now();

    const r = await customerBack(p.id);

    assert.ok(Date.now() - started < 5_000, 'the customer is not held past the timeout');
    assert.equal(r.waiting, true);
    assert.deepEqual(page(r.location), {
      page: `https://pay.example/pay/${p.id}/wait`,
      params: { since: String(t.now().getTime()) },
    });
    assert.equal((await findPayment(t.engine.store.db, p.id))?.status, 'created');
  });

  it('fetchStatus fails or throws, or the gateway has no trace yet: waiting page, no alert from a return', async () => {
    const p = await newPayment();
    for (const answer of [
      () => ({ kind: 'failed', code: 'UNAUTHORIZED', reason: 'refused', retryable: false }) as const,
      () => {
        throw new Error('boom');
      },
      () => ({ kind: 'not-found', reason: 'not yet' }) as const,
    ]) {
      t.fake.answer = answer;
      const r = await customerBack(p.id);
      assert.equal(r.waiting, true);
    }
    assert.deepEqual(await listAlerts(t.engine.store.db), [], 'the janitor raises alerts, not the customer');
  });

  it('a payment already final is not asked about', async () => {
    const p = await newPayment();
    await notify(p.id, 'captured', 'T-1');
    const r = await customerBack(p.id);
    assert.equal(t.fake.asked.length, 0);
    assert.equal(page(r.location).page, FAKE_SHOP.successUrl);
  });

  it('a gateway with no status API: waiting page, nothing asked', async () => {
    await t.close();
    t = await testEngine({ fake: fakeGateway({ withStatusApi: false }) });
    const p = await newPayment();
    const r = await customerBack(p.id);
    assert.equal(r.waiting, true);
    assert.deepEqual(await listAlerts(t.engine.store.db), []);
  });
});

describe('return (via fetchStatus) and notification racing for the same payment', () => {
  const PAYMENTS = 50;
  beforeEach(async () => {
    t = await testEngine({ config: { reconcile: { returnTimeout: '5s' } } });
  });
  afterEach(() => t.close());

  it(`${PAYMENTS} times: one applied transition per status, effects once`, async () => {
    // The status API answers after a random few milliseconds, so the return's poll lands before,
    // during or after the notification's transaction.
    t.fake.answer = async (q) => {
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 6)));
      return found(q, 'captured', `T-${q.paymentId}`);
    };
    const payments = await Promise.all(Array.from({ length: PAYMENTS }, newPayment));

    const outcomes = await Promise.all(
      payments.map(async (p, i) => {
        const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
        const [back] = await Promise.all([
          (async () => {
            if (i % 2) await delay(i % 5);
            return customerBack(p.id);
          })(),
          (async () => {
            if (i % 2 === 0) await delay(i % 5);
            return notify(p.id, 'captured', `T-${p.id}`);
          })(),
        ]);
        return { p, back };
      }),
    );

    for (const { p, back } of outcomes) {
      assert.equal(page(back.location).page, FAKE_SHOP.successUrl, p.id);
      const stored = await findPayment(t.engine.store.db, p.id);
      assert.equal(stored?.status, 'captured');
      assert.equal(stored?.needsReview, false);
      const signals = await signalsOfPayment(t.engine.store.db, p.id);
      const applied = signals.filter((s) => s.settlement === 'applied').map((s) => s.status);
      assert.deepEqual(applied, ['captured'], `one applied transition for ${p.id}`);
      assert.ok(
        signals.every((s) => s.settlement === 'applied' || s.settlement === 'duplicate'),
        'the others are duplicates',
      );
      assert.deepEqual(
        (await listEvents(t.engine.store.db, { paymentId: p.id })).map((e) => e.type),
        ['payment.authorized', 'payment.captured'],
        `effects once for ${p.id}`,
      );
    }
  });
});
