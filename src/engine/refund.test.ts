import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Money, PaymentStatus } from '../core/index.js';
import { parseMajorUnits } from '../core/index.js';
import type { RefundAnswer, StatusQuery } from '../gateways/gateway.js';
import { findPayment } from '../store/repos/payments.js';
import { signalsOfPayment } from '../store/repos/signals.js';
import { createPayment } from './checkout.js';
import { ingestNotification } from './ingest.js';
import { refundPayment } from './refund.js';
import { FAKE_ACCOUNT, fakeGateway, type TestEngine, testEngine } from './testkit.js';

interface Asked {
  readonly query: StatusQuery;
  readonly amount: Money;
  readonly reason: string;
  readonly refundId: string;
}

/** The fake gateway with a refund API answering what the test scripts. */
function refundingGateway(answer: (asked: Asked) => RefundAnswer) {
  const fake = fakeGateway();
  const asked: Asked[] = [];
  Object.assign(fake.adapter, {
    async refund(_account: unknown, query: StatusQuery, request: Omit<Asked, 'query'>) {
      const a = { query, ...request };
      asked.push(a);
      return answer(a);
    },
  });
  return { fake, asked };
}

const refunded =
  (status: PaymentStatus) =>
  ({ query }: Asked): RefundAnswer => ({
    kind: 'accepted',
    detail: 'taler://refund/example',
    signals: [
      {
        source: 'poll',
        status,
        amount: query.amount,
        gatewayRef: `T-${query.paymentId}`,
        lookup: { paymentId: query.paymentId },
      },
    ],
  });

describe('refund', () => {
  let t: TestEngine;
  afterEach(() => t.close());

  async function paidPayment(status: PaymentStatus = 'captured') {
    const { payment } = await createPayment(t.engine, {
      account: FAKE_ACCOUNT,
      orderRef: `R-${Math.random()}`,
      amount: { value: 2000, currency: 'EUR' },
    });
    await ingestNotification(t.engine, {
      accountId: FAKE_ACCOUNT,
      raw: {
        method: 'POST',
        path: `/notify/${FAKE_ACCOUNT}`,
        query: '',
        headers: {},
        body: Buffer.from(JSON.stringify({ paymentId: payment.id, status, gatewayRef: `T-${payment.id}` })),
        sourceIp: '127.0.0.1',
        receivedAt: t.now(),
      },
    });
    return payment;
  }

  it('asks the gateway for the amount, then folds its answer into the payment with who and why', async () => {
    const gw = refundingGateway(refunded('partially_refunded'));
    t = await testEngine({ fake: gw.fake });
    const payment = await paidPayment();
    const result = await refundPayment(t.engine, {
      paymentId: payment.id,
      amount: 450,
      reason: 'one item missing',
      by: 'alice',
    });
    assert.deepEqual(result.amount, { value: 450, currency: 'EUR' });
    assert.equal(result.detail, 'taler://refund/example');
    assert.match(result.refundId, /^rfd_/);
    assert.equal(gw.asked[0]?.refundId, result.refundId);
    assert.equal(gw.asked[0]?.reason, 'one item missing');
    assert.equal((await findPayment(t.engine.store.db, payment.id))?.status, 'partially_refunded');
    const last = (await signalsOfPayment(t.engine.store.db, payment.id)).at(-1);
    assert.match(last?.reason ?? '', /of 4\.50 EUR asked by alice: one item missing/);
  });

  it('refunds the whole payment when no amount is given', async () => {
    const gw = refundingGateway(refunded('refunded'));
    t = await testEngine({ fake: gw.fake });
    const payment = await paidPayment();
    await refundPayment(t.engine, { paymentId: payment.id, reason: 'cancelled', by: 'bob' });
    assert.equal(gw.asked[0]?.amount.value, 2000);
    assert.equal((await findPayment(t.engine.store.db, payment.id))?.status, 'refunded');
  });

  it('refuses a payment not captured, an amount out of range, a missing reason, and says what the gateway refused', async () => {
    const gw = refundingGateway(() => ({
      kind: 'refused',
      code: 'PAYMENT_STATE',
      reason: 'the refund deadline has passed',
    }));
    t = await testEngine({ fake: gw.fake });
    const authorized = await paidPayment('authorized');
    const code = (e: unknown) => (e as { code?: string }).code;
    await assert.rejects(
      refundPayment(t.engine, { paymentId: authorized.id, reason: 'x', by: 'a' }),
      (e) => code(e) === 'PAYMENT_STATE',
    );
    const payment = await paidPayment();
    for (const amount of [0, -1, 2001, 1.5]) {
      await assert.rejects(
        refundPayment(t.engine, { paymentId: payment.id, amount, reason: 'x', by: 'a' }),
        (e) => code(e) === 'INVALID_AMOUNT',
      );
    }
    await assert.rejects(
      refundPayment(t.engine, { paymentId: payment.id, reason: ' ', by: 'a' }),
      (e) => code(e) === 'VALIDATION_FAILED',
    );
    await assert.rejects(
      refundPayment(t.engine, { paymentId: payment.id, reason: 'x', by: 'a' }),
      (e) => code(e) === 'PAYMENT_STATE' && /deadline/.test((e as Error).message),
    );
    assert.equal((await findPayment(t.engine.store.db, payment.id))?.status, 'captured');
    assert.equal(gw.asked.length, 1, 'only the valid request reached the gateway');
  });

  it('says NOT_SUPPORTED, with what to do instead, for a gateway without refunds', async () => {
    t = await testEngine();
    const payment = await paidPayment();
    await assert.rejects(
      refundPayment(t.engine, { paymentId: payment.id, reason: 'x', by: 'a' }),
      (e: Error & { code?: string }) => e.code === 'NOT_SUPPORTED' && /quittance settle/.test(e.message),
    );
  });
});

describe('parseMajorUnits', () => {
  it('reads amounts as people write them, by the currency exponent', () => {
    assert.equal(parseMajorUnits('12.50', 'EUR'), 1250);
    assert.equal(parseMajorUnits('4.5', 'EUR'), 450);
    assert.equal(parseMajorUnits('7', 'EUR'), 700);
    assert.equal(parseMajorUnits('500', 'JPY'), 500);
    assert.equal(parseMajorUnits('1.234', 'KWD'), 1234);
    for (const bad of ['1.234', '-1', '1e3', '1,50', '', '.5', '12.'])
      assert.equal(parseMajorUnits(bad, 'EUR'), undefined, bad);
    assert.equal(parseMajorUnits('1.5', 'JPY'), undefined);
  });

  it('round-trips every amount of minor units', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), (minor) => {
        const text = `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
        assert.equal(parseMajorUnits(text, 'EUR'), minor);
      }),
    );
  });
});
