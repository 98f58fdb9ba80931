import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ReplyOutcome } from '../gateways/gateway.js';
import { createPayment } from './checkout.js';
import { ingestNotification } from './ingest.js';
import { FAKE_ACCOUNT, FAKE_SHOP, fakeGateway, type TestEngine, testEngine } from './testkit.js';

describe('ingest: the page the customer goes to next', () => {
  let t: TestEngine;
  const outcomes: ReplyOutcome[] = [];
  before(async () => {
    const fake = fakeGateway();
    const reply = fake.adapter.reply;
    (fake.adapter as { reply: typeof reply }).reply = (outcome) => {
      outcomes.push(outcome);
      return reply(outcome);
    };
    t = await testEngine({ fake });
  });
  after(() => t.close());

  const notify = (body: unknown) =>
    ingestNotification(t.engine, {
      accountId: FAKE_ACCOUNT,
      raw: {
        method: 'POST',
        path: `/notify/${FAKE_ACCOUNT}`,
        query: '',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify(body)),
        sourceIp: '127.0.0.1',
        receivedAt: t.now(),
      },
    });
  const lastNext = () => {
    const last = outcomes.at(-1);
    return last?.kind === 'accepted' ? last.next : undefined;
  };

  it('is the shop page matching the final status, or the waiting page, or nothing', async () => {
    const { payment } = await createPayment(t.engine, {
      account: FAKE_ACCOUNT,
      orderRef: 'N-1',
      amount: { value: 100, currency: 'EUR' },
    });
    await notify({ paymentId: payment.id, status: 'pending' });
    assert.match(lastNext() ?? '', new RegExp(`/pay/${payment.id}/wait\\?since=`));
    await notify({ paymentId: payment.id, status: 'captured' });
    const next = new URL(lastNext() ?? 'http://x');
    assert.equal(`${next.origin}${next.pathname}`, FAKE_SHOP.successUrl);
    assert.equal(next.searchParams.get('payment'), payment.id);
    assert.equal(next.searchParams.get('status'), 'captured');
    await notify({ paymentId: 'pay_unknown', status: 'captured' });
    assert.equal(lastNext(), undefined);
  });
});
