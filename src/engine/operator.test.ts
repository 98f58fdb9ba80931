import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../config/load.js';
import { silentLogger } from '../observability/logger.js';
import { createStore } from '../store/db.js';
import { listEvents } from '../store/repos/events.js';
import { signalsOfPayment } from '../store/repos/signals.js';
import { createPayment } from './checkout.js';
import { type Engine, startEngine } from './engine.js';
import { settleByOperator } from './operator.js';

const account = {
  id: 'shop',
  gateway: 'lyra',
  mode: 'test',
  credentials: { siteId: '12345678', key: 'k' },
  shop: {
    successUrl: 'https://s.example/ok',
    failureUrl: 'https://s.example/ko',
    pendingUrl: 'https://s.example/w',
  },
};

describe('operator actions', () => {
  let engine: Engine;
  before(async () => {
    engine = await startEngine({
      store: createStore('sqlite::memory:'),
      config: resolveConfig({ accounts: [account] }),
      logger: silentLogger(),
      publicUrl: 'http://127.0.0.1:1',
    });
  });
  after(() => engine.store.close());
  const newPayment = async () =>
    (
      await createPayment(engine, {
        account: 'shop',
        orderRef: 'o-1',
        amount: { value: 1000, currency: 'EUR' },
      })
    ).payment;

  it('records who and why on the timeline, through the state machine', async () => {
    const p = await newPayment();
    const r = await settleByOperator(engine, {
      paymentId: p.id,
      status: 'captured',
      reason: 'bank confirmed by phone',
      by: 'alice',
      resolve: false,
    });
    assert.equal(r.settlement, 'applied');
    const [signal] = await signalsOfPayment(engine.store.db, p.id);
    assert.equal(signal?.source, 'operator');
    assert.match(signal?.reason ?? '', /alice: bank confirmed by phone/);
    assert.deepEqual(signal?.facts, { by: 'alice', reason: 'bank confirmed by phone', resolve: 'false' });
    const contradiction = await settleByOperator(engine, {
      paymentId: p.id,
      status: 'refused',
      reason: 'typo',
      by: 'bob',
      resolve: false,
    });
    assert.equal(contradiction.settlement, 'conflict');
  });

  it('resolves a conflict: the decision wins, the flag clears, the shop is told', async () => {
    const p = await newPayment();
    await settleByOperator(engine, {
      paymentId: p.id,
      status: 'refused',
      reason: 'r',
      by: 'a',
      resolve: false,
    });
    await settleByOperator(engine, {
      paymentId: p.id,
      status: 'captured',
      reason: 'r',
      by: 'a',
      resolve: false,
    });
    const r = await settleByOperator(engine, {
      paymentId: p.id,
      status: 'captured',
      reason: 'paid after all, checked in the back office',
      by: 'carol',
      resolve: true,
    });
    assert.equal(r.settlement, 'applied');
    assert.equal(r.payment?.status, 'captured');
    assert.equal(r.payment?.needsReview, false);
    const types = (await listEvents(engine.store.db, { paymentId: p.id })).map((e) => e.type);
    assert.deepEqual(types, ['payment.failed', 'payment.conflict', 'payment.authorized', 'payment.captured']);
  });

  it('may move a payment back to a status it had before', async () => {
    const p = await newPayment();
    for (const status of ['captured', 'refused', 'captured']) {
      const r = await settleByOperator(engine, {
        paymentId: p.id,
        status,
        reason: 'r',
        by: 'a',
        resolve: true,
      });
      assert.equal(r.settlement, 'applied', status);
    }
  });

  it('refuses unknown statuses, missing reasons and unknown payments with clear codes', async () => {
    const p = await newPayment();
    const base = { paymentId: p.id, status: 'captured', reason: 'r', by: 'a', resolve: false };
    await assert.rejects(settleByOperator(engine, { ...base, status: 'paid' }), {
      code: 'VALIDATION_FAILED',
    });
    await assert.rejects(settleByOperator(engine, { ...base, reason: ' ' }), { code: 'VALIDATION_FAILED' });
    await assert.rejects(settleByOperator(engine, { ...base, paymentId: 'pay_nope' }), {
      code: 'UNKNOWN_PAYMENT',
    });
  });
});
