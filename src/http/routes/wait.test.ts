import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createPayment } from '../../engine/checkout.js';
import { FAKE_ACCOUNT, FAKE_SHOP, found, type TestEngine, testEngine } from '../../engine/testkit.js';
import { createApp } from '../app.js';
import { GIVE_UP_AFTER_MS } from './wait.js';

let t: TestEngine;
let app: ReturnType<typeof createApp>;
const auth = { authorization: 'Bearer test-key' };

const newPayment = async () =>
  (
    await createPayment(t.engine, {
      account: FAKE_ACCOUNT,
      orderRef: `order-${Math.random().toString(36).slice(2)}`,
      amount: { value: 4200, currency: 'EUR' },
    })
  ).payment;

const notify = (paymentId: string, status: string) =>
  app.request(`/notify/${FAKE_ACCOUNT}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ paymentId, status, gatewayRef: `T-${paymentId}` }),
  });

beforeEach(async () => {
  t = await testEngine({ config: { reconcile: { returnTimeout: '200ms' } } });
  app = createApp(t.engine, { peerAddress: () => '203.0.113.9' });
});
afterEach(() => t.close());

describe('GET /return → /pay/:paymentId/wait', () => {
  it('an unsigned return the status API cannot settle yet lands on the waiting page', async () => {
    const p = await newPayment();
    t.fake.answer = () => ({ kind: 'not-found', reason: 'not yet' });
    const back = await app.request(`/return/${FAKE_ACCOUNT}/${p.id}`);
    assert.equal(back.status, 303);
    const location = new URL(back.headers.get('location') ?? '');
    assert.equal(location.pathname, `/pay/${p.id}/wait`);

    const page = await app.request(`${location.pathname}${location.search}`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    const text = await page.text();
    // Works without JavaScript: reloads itself; with it: long-polls the status route.
    assert.match(
      text,
      new RegExp(`<meta http-equiv="refresh" content="\\d+;url=/pay/${p.id}/wait\\?since=\\d+">`),
    );
    assert.match(text, new RegExp(`/pay/${p.id}/status`));
    assert.ok(text.includes(FAKE_SHOP.pendingUrl.replace('https://', '')), 'a link back to the shop');
    assert.ok(!text.includes('4200') && !text.includes('42.00'), 'no amount on a public page');
    const nonce = /script-src 'nonce-([^']+)'/.exec(page.headers.get('content-security-policy') ?? '')?.[1];
    assert.ok(nonce && text.includes(`<script nonce="${nonce}">`));
  });

  it('once final, the waiting page sends the customer to the shop page', async () => {
    const p = await newPayment();
    await notify(p.id, 'captured');
    const res = await app.request(`/pay/${p.id}/wait?since=${t.now().getTime()}`);
    assert.equal(res.status, 303);
    const next = new URL(res.headers.get('location') ?? '');
    assert.equal(`${next.origin}${next.pathname}`, FAKE_SHOP.successUrl);
    assert.deepEqual(Object.fromEntries(next.searchParams), {
      payment: p.id,
      order: p.orderRef,
      status: 'captured',
    });
  });

  it('after about two minutes of waiting it gives up for the shop pending page', async () => {
    const p = await newPayment();
    const since = t.now().getTime();
    t.advance(GIVE_UP_AFTER_MS - 1);
    assert.equal((await app.request(`/pay/${p.id}/wait?since=${since}`)).status, 200);
    t.advance(1);
    const res = await app.request(`/pay/${p.id}/wait?since=${since}`);
    assert.equal(res.status, 303);
    const next = new URL(res.headers.get('location') ?? '');
    assert.equal(`${next.origin}${next.pathname}`, FAKE_SHOP.pendingUrl);
    assert.equal(next.searchParams.get('status'), 'created');
    // A missing or odd `since` starts the wait now.
    assert.equal((await app.request(`/pay/${p.id}/wait?since=nope`)).status, 200);
    assert.equal((await app.request(`/pay/${p.id}/wait`)).status, 200);
  });

  it('an unknown payment: 404 page', async () => {
    const res = await app.request('/pay/pay_00000000000000000000000000/wait');
    assert.equal(res.status, 404);
    assert.match(await res.text(), /Unknown payment/);
  });
});

describe('GET /pay/:paymentId/status', () => {
  it('is public and says only status, final and next', async () => {
    const p = await newPayment();
    const open = await app.request(`/pay/${p.id}/status`);
    assert.equal(open.status, 200);
    assert.deepEqual(await open.json(), { status: 'created', final: false, next: null });
    await notify(p.id, 'refused');
    const done = await app.request(`/pay/${p.id}/status`);
    const body = (await done.json()) as { status: string; final: boolean; next: string };
    assert.deepEqual(Object.keys(body).sort(), ['final', 'next', 'status']);
    assert.equal(body.final, true);
    const next = new URL(body.next);
    assert.equal(`${next.origin}${next.pathname}`, FAKE_SHOP.failureUrl);
    assert.deepEqual(Object.fromEntries(next.searchParams), {
      payment: p.id,
      order: p.orderRef,
      status: 'refused',
    });
  });

  it('long-polls: answers as soon as a notification settles the payment', async () => {
    const p = await newPayment();
    const started = Date.now();
    const waiting = app.request(`/pay/${p.id}/status?wait=30`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await notify(p.id, 'authorized')).status, 200);
    const body = (await (await waiting).json()) as { status: string; final: boolean };
    assert.deepEqual([body.status, body.final], ['authorized', true]);
    assert.ok(Date.now() - started < 10_000);
  });

  it('refuses wait=999 and answers 404 for an unknown payment', async () => {
    const p = await newPayment();
    const bad = await app.request(`/pay/${p.id}/status?wait=999`);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'VALIDATION_FAILED');
    assert.equal((await app.request('/pay/pay_nope/status')).status, 404);
  });
});

describe('GET /api/payments/:id?wait=', () => {
  it('resolves as soon as a notification settles the payment while it waits', async () => {
    const p = await newPayment();
    const started = Date.now();
    const waiting = app.request(`/api/payments/${p.id}?wait=30`, { headers: auth });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await notify(p.id, 'captured')).status, 200);
    const res = await waiting;
    assert.equal(res.status, 200);
    const view = (await res.json()) as { status: string; signals: unknown[] };
    assert.equal(view.status, 'captured');
    assert.equal(view.signals.length, 1);
    assert.ok(Date.now() - started < 10_000, 'long before the 30 s');
  });

  it('resolves when the return settles it through the status API', async () => {
    const p = await newPayment();
    t.fake.answer = (q) => found(q, 'authorized');
    const waiting = app.request(`/api/payments/${p.id}?wait=30`, { headers: auth });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const back = await app.request(`/return/${FAKE_ACCOUNT}/${p.id}`);
    assert.equal(new URL(back.headers.get('location') ?? '').origin, new URL(FAKE_SHOP.successUrl).origin);
    assert.equal(((await (await waiting).json()) as { status: string }).status, 'authorized');
  });

  it('returns after `wait` seconds when nothing happens', async () => {
    const p = await newPayment();
    const started = Date.now();
    const res = await app.request(`/api/payments/${p.id}?wait=1`, { headers: auth });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { status: string }).status, 'created');
    assert.ok(Date.now() - started < 10_000);
  });

  it('answers at once without wait, and when the client goes away', async () => {
    const p = await newPayment();
    assert.equal((await app.request(`/api/payments/${p.id}`, { headers: auth })).status, 200);
    const controller = new AbortController();
    const started = Date.now();
    const waiting = app.request(
      new Request(`http://localhost/api/payments/${p.id}?wait=60`, {
        headers: auth,
        signal: controller.signal,
      }),
    );
    setTimeout(() => controller.abort(), 50);
    await Promise.resolve(waiting).catch(() => undefined);
    assert.ok(Date.now() - started < 10_000, 'the handler stops waiting');
  });

  it('validates wait: 999, -1 or text → 400 VALIDATION_FAILED', async () => {
    const p = await newPayment();
    for (const wait of ['999', '61', '-1', 'soon']) {
      const res = await app.request(`/api/payments/${p.id}?wait=${wait}`, { headers: auth });
      assert.equal(res.status, 400, wait);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'VALIDATION_FAILED');
    }
  });

  it('an unknown payment: 404 at once, even with wait', async () => {
    const res = await app.request('/api/payments/pay_nope?wait=30', { headers: auth });
    assert.equal(res.status, 404);
  });
});

describe('the waiting page for digital goods and wallets', () => {
  async function paymentWith(checkout: Record<string, unknown>, extra: Record<string, string | null> = {}) {
    const p = await newPayment();
    await t.engine.store.db
      .updateTable('payments')
      .set({ checkout_json: JSON.stringify(checkout), ...extra })
      .where('id', '=', p.id)
      .execute();
    return p;
  }

  it('shows the wallet URI as a QR code and a link while the payment is not made', async () => {
    const uri = 'taler://pay/backend.example/order-1/sess?c=abc';
    const p = await paymentWith({ method: 'GET', url: 'https://x.example', fields: {}, walletUri: uri });
    const res = await app.request(`/pay/${p.id}/wait`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /<svg[^>]*viewBox/);
    assert.ok(text.includes(`href="${uri.replace(/&/g, '&amp;')}"`), 'a link that opens the wallet');
    assert.match(text, /Pay with your wallet/);
  });

  it('links only wallet schemes: never a script, data or web URL the gateway sent', async () => {
    for (const walletUri of [
      'javascript:alert(1)//',
      'JavaScript://%0aalert(1)',
      'data://text/html,<script>alert(1)</script>',
      'https://evil.example/pay',
      'vbscript://msgbox',
    ]) {
      const p = await paymentWith({ method: 'GET', url: 'https://x.example', fields: {}, walletUri });
      const text = await (await app.request(`/pay/${p.id}/wait`)).text();
      assert.ok(!text.toLowerCase().includes('script:'), walletUri);
      assert.ok(!text.includes('evil.example'), walletUri);
      assert.ok(!text.includes('Pay with your wallet'), walletUri);
      assert.match(text, /Confirming your payment/);
    }
  });

  it('sends a paid customer to the fulfillment URL', async () => {
    const p = await paymentWith(
      { method: 'GET', url: 'https://x.example', fields: {} },
      {
        fulfillment_url: 'https://shop.example/download/7',
      },
    );
    await notify(p.id, 'captured');
    const res = await app.request(`/pay/${p.id}/wait`);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), 'https://shop.example/download/7');
  });

  it('shows the fulfillment message, escaped, once paid, and points the status route at it', async () => {
    const p = await paymentWith(
      { method: 'GET', url: 'https://x.example', fields: {} },
      {
        fulfillment_message: 'Your code: <b>1234</b>\nThank you!',
      },
    );
    const before = await (await app.request(`/pay/${p.id}/wait`)).text();
    assert.ok(!before.includes('1234'), 'not shown before payment');
    await notify(p.id, 'captured');
    const status = (await (await app.request(`/pay/${p.id}/status`)).json()) as { next: string };
    assert.equal(status.next, `/pay/${p.id}/wait`);
    const res = await app.request(`/pay/${p.id}/wait`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.ok(text.includes('Your code: &lt;b&gt;1234&lt;/b&gt;'));
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.ok(text.includes(FAKE_SHOP.successUrl.replace('https://', '')), 'a way back to the shop');
  });
});
