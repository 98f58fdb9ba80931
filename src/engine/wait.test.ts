import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createPayment } from './checkout.js';
import { settleByOperator } from './operator.js';
import { FAKE_ACCOUNT, type TestEngine, testEngine } from './testkit.js';
import { waitForFinal, waitSeconds } from './wait.js';

let t: TestEngine;
const newPayment = async () =>
  (
    await createPayment(t.engine, {
      account: FAKE_ACCOUNT,
      orderRef: `o-${Math.random()}`,
      amount: { value: 1, currency: 'EUR' },
    })
  ).payment;

describe('waitForFinal', () => {
  beforeEach(async () => {
    t = await testEngine();
  });
  afterEach(() => t.close());

  it('resolves as soon as the payment is settled in this process', async () => {
    const p = await newPayment();
    const started = Date.now();
    const waiting = waitForFinal(t.engine, p.id, 30_000);
    setTimeout(
      () =>
        void settleByOperator(t.engine, {
          paymentId: p.id,
          status: 'captured',
          reason: 'r',
          by: 'test',
          resolve: false,
        }),
      20,
    );
    const done = await waiting;
    assert.equal(done?.status, 'captured');
    assert.ok(Date.now() - started < 10_000);
  });

  it('sees a change committed elsewhere (no bus event) by re-reading the database', async () => {
    const p = await newPayment();
    const waiting = waitForFinal(t.engine, p.id, 30_000);
    // Well after the first reads: only the periodic re-read can see it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await t.engine.store.db
      .updateTable('payments')
      .set({ status: 'refused' })
      .where('id', '=', p.id)
      .execute();
    const started = Date.now();
    assert.equal((await waiting)?.status, 'refused');
    assert.ok(Date.now() - started < 10_000);
  });

  it('answers after the time when nothing happens, with the payment as it is', async () => {
    const p = await newPayment();
    assert.equal((await waitForFinal(t.engine, p.id, 50))?.status, 'created');
  });

  it('stops at once when the client goes away', async () => {
    const p = await newPayment();
    const controller = new AbortController();
    const waiting = waitForFinal(t.engine, p.id, 60_000, controller.signal);
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    assert.equal((await waiting)?.status, 'created');
    assert.ok(Date.now() - started < 10_000);
  });

  it('does not wait for a final or unknown payment', async () => {
    const p = await newPayment();
    await settleByOperator(t.engine, {
      paymentId: p.id,
      status: 'refused',
      reason: 'r',
      by: 'b',
      resolve: false,
    });
    assert.equal((await waitForFinal(t.engine, p.id, 60_000))?.status, 'refused');
    assert.equal(await waitForFinal(t.engine, 'pay_nope', 60_000), undefined);
  });
});

describe('waitSeconds', () => {
  it('takes 0 to 60 whole seconds, 0 when absent', () => {
    assert.equal(waitSeconds(undefined), 0);
    assert.equal(waitSeconds('0'), 0);
    assert.equal(waitSeconds('30'), 30);
    assert.equal(waitSeconds('60'), 60);
  });

  it('refuses anything else with VALIDATION_FAILED', () => {
    for (const bad of ['61', '999', '-1', '1.5', '', 'abc', ' 5', '1e1']) {
      assert.throws(() => waitSeconds(bad), { code: 'VALIDATION_FAILED' }, bad);
    }
  });
});
