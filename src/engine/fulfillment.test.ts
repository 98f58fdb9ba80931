import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import fc from 'fast-check';
import type { PaymentStatus } from '../core/index.js';
import { findPayment } from '../store/repos/payments.js';
import { type CreatePaymentInput, createPayment, fulfillmentOf } from './checkout.js';
import { ingestNotification } from './ingest.js';
import { shopPage } from './pages.js';
import { FAKE_ACCOUNT, FAKE_SHOP, type TestEngine, testEngine } from './testkit.js';

const base = {
  account: FAKE_ACCOUNT,
  orderRef: 'ORDER-7',
  amount: { value: 500, currency: 'EUR' },
} as const;

describe('digital goods: fulfillment fields', () => {
  it('replaces ${ORDER_ID} by the order reference, escaped, before anything is stored', () => {
    assert.deepEqual(
      fulfillmentOf({
        ...base,
        orderRef: 'A B/7',
        fulfillmentUrl: 'https://shop.example/download/${ORDER_ID}?again=${ORDER_ID}',
      }),
      { url: 'https://shop.example/download/A%20B%2F7?again=A%20B%2F7' },
    );
  });

  it('takes only absolute http or https URLs', () => {
    for (const bad of [
      'ftp://shop.example/file',
      'javascript:alert(1)',
      '/relative/path',
      'shop.example/x',
      `https://shop.example/${'a'.repeat(2100)}`,
    ]) {
      assert.throws(
        () => fulfillmentOf({ ...base, fulfillmentUrl: bad }),
        (e: Error & { code?: string; details?: { field?: string } }) =>
          e.code === 'VALIDATION_FAILED' && e.details?.field === 'fulfillmentUrl',
        bad,
      );
    }
    assert.equal(
      fulfillmentOf({ ...base, fulfillmentUrl: 'http://shop.example/x' }).url,
      'http://shop.example/x',
    );
  });

  it('takes a message of text with line breaks, and refuses control characters, broken UTF-16 and empty text', () => {
    assert.equal(
      fulfillmentOf({ ...base, fulfillmentMessage: 'Merci !\nVotre code : 1234 — ✓' }).message,
      'Merci !\nVotre code : 1234 — ✓',
    );
    for (const bad of ['', 'bell\u0007', 'nul\u0000', 'half \ud800 pair', 'x'.repeat(2001)]) {
      assert.throws(
        () => fulfillmentOf({ ...base, fulfillmentMessage: bad }),
        (e: Error & { code?: string }) => e.code === 'VALIDATION_FAILED',
        JSON.stringify(bad),
      );
    }
  });

  it('never lets a session id or a fulfillment URL through that it should not (any input)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (url, session) => {
        let out: ReturnType<typeof fulfillmentOf> | undefined;
        try {
          out = fulfillmentOf({ ...base, fulfillmentUrl: url, sessionId: session });
        } catch (error) {
          assert.equal((error as { code?: string }).code, 'VALIDATION_FAILED');
          return;
        }
        assert.match(out.url ?? '', /^https?:\/\//);
        assert.match(out.sessionId ?? '', /^[\x21-\x7e]{1,128}$/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('digital goods: repurchase detection', () => {
  let t: TestEngine;
  afterEach(() => t.close());

  const buy = (input: Partial<CreatePaymentInput>) =>
    createPayment(t.engine, {
      ...base,
      orderRef: `ORDER-${Math.random().toString(36).slice(2, 10)}`,
      ...input,
    });

  async function settle(paymentId: string, status: PaymentStatus) {
    await ingestNotification(t.engine, {
      accountId: FAKE_ACCOUNT,
      raw: {
        method: 'POST',
        path: `/notify/${FAKE_ACCOUNT}`,
        query: '',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ paymentId, status, gatewayRef: `T-${paymentId}` })),
        sourceIp: '127.0.0.1',
        receivedAt: t.now(),
      },
    });
    assert.equal((await findPayment(t.engine.store.db, paymentId))?.status, status);
  }

  const ebook = 'https://shop.example/ebooks/42';

  it('sends a session that already paid for the URL straight to it, creating and charging nothing', async () => {
    t = await testEngine();
    const first = await buy({ fulfillmentUrl: ebook, sessionId: 'sess-1' });
    assert.equal(first.alreadyPaid, undefined);
    await settle(first.payment.id, 'captured');

    const second = await buy({ fulfillmentUrl: ebook, sessionId: 'sess-1' });
    assert.deepEqual(second.alreadyPaid, { paymentId: first.payment.id, fulfillmentUrl: ebook });
    assert.deepEqual(second.checkout, { method: 'GET', url: ebook, fields: {} });
    assert.equal(second.payment.id, first.payment.id);
    const rows = await t.engine.store.db.selectFrom('payments').select('id').execute();
    assert.equal(rows.length, 1, 'no second payment');
  });

  it('charges another session, another URL, a purchase not paid yet, or a request without session', async () => {
    t = await testEngine();
    const first = await buy({ fulfillmentUrl: ebook, sessionId: 'sess-1' });
    const unpaid = await buy({ fulfillmentUrl: ebook, sessionId: 'sess-1' });
    assert.equal(unpaid.alreadyPaid, undefined, 'the first purchase is not paid yet');
    await settle(first.payment.id, 'captured');
    for (const input of [
      { fulfillmentUrl: ebook, sessionId: 'sess-2' },
      { fulfillmentUrl: 'https://shop.example/ebooks/43', sessionId: 'sess-1' },
      { fulfillmentUrl: ebook },
    ]) {
      const other = await buy(input);
      assert.equal(other.alreadyPaid, undefined, JSON.stringify(input));
      assert.notEqual(other.payment.id, first.payment.id);
    }
  });

  it('charges again after a refund, unless the account counts refunded purchases', async () => {
    t = await testEngine();
    const first = await buy({ fulfillmentUrl: ebook, sessionId: 'sess-1' });
    await settle(first.payment.id, 'captured');
    await settle(first.payment.id, 'refunded');
    assert.equal((await buy({ fulfillmentUrl: ebook, sessionId: 'sess-1' })).alreadyPaid, undefined);
    await t.close();

    t = await testEngine({ account: { allowRefundedForRepurchase: true } });
    const kept = await buy({ fulfillmentUrl: ebook, sessionId: 'sess-1' });
    await settle(kept.payment.id, 'captured');
    await settle(kept.payment.id, 'refunded');
    assert.equal(
      (await buy({ fulfillmentUrl: ebook, sessionId: 'sess-1' })).alreadyPaid?.paymentId,
      kept.payment.id,
    );
  });

  it('compares the URL after the placeholder is replaced: one product per order reference stays distinct', async () => {
    t = await testEngine();
    const template = 'https://shop.example/orders/${ORDER_ID}/download';
    const first = await buy({ orderRef: 'O-1', fulfillmentUrl: template, sessionId: 's' });
    assert.equal(first.payment.fulfillmentUrl, 'https://shop.example/orders/O-1/download');
    await settle(first.payment.id, 'captured');
    assert.equal(
      (await buy({ orderRef: 'O-2', fulfillmentUrl: template, sessionId: 's' })).alreadyPaid,
      undefined,
    );
    assert.equal(
      (await buy({ orderRef: 'O-1', fulfillmentUrl: template, sessionId: 's', idempotencyKey: 'k-o1' }))
        .alreadyPaid?.paymentId,
      first.payment.id,
    );
  });

  it('sends a paid customer to the fulfillment URL as given, and a failed one to the failure page', async () => {
    const account = { shop: FAKE_SHOP };
    const payment = { id: 'pay_1', orderRef: 'O', fulfillmentUrl: ebook };
    assert.equal(shopPage(account, { ...payment, status: 'captured' }), ebook);
    assert.match(shopPage(account, { ...payment, status: 'refused' }), /^https:\/\/shop\.example\/ko\?/);
    assert.match(
      shopPage(account, { ...payment, fulfillmentUrl: null, status: 'captured' }),
      /^https:\/\/shop\.example\/ok\?/,
    );
  });
});
