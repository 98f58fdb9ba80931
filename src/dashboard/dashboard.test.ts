import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createApiKey } from '../engine/api-keys.js';
import { createPayment } from '../engine/checkout.js';
import { FAKE_ACCOUNT, type TestEngine, testEngine } from '../engine/testkit.js';
import { createApp } from '../http/app.js';
import { findPayment } from '../store/repos/payments.js';
import { safeNext } from './routes.js';
import { SESSION_TTL_MS } from './session.js';

const CONFIG_KEY = 'config-key-for-the-dashboard-0123456789';

interface Browser {
  cookie: string;
  csrf: string;
}

describe('dashboard', () => {
  let t: TestEngine;
  let app: ReturnType<typeof createApp>;
  let readKey: string;
  let paidId: string;
  let conflictId: string;

  const notify = (body: unknown) =>
    app.request(`/notify/${FAKE_ACCOUNT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  const get = (path: string, who?: Browser, headers: Record<string, string> = {}) =>
    app.request(path, { headers: { ...(who ? { cookie: who.cookie } : {}), ...headers } });

  const post = (
    path: string,
    who: Browser | undefined,
    form: Record<string, string>,
    headers: Record<string, string> = {},
  ) =>
    app.request(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(who ? { cookie: who.cookie } : {}),
        ...headers,
      },
      body: new URLSearchParams(form).toString(),
    });

  async function login(key: string): Promise<Browser> {
    const res = await post('/dashboard/login', undefined, { key, next: '/dashboard/payments' });
    assert.equal(res.status, 303, 'login redirects');
    const setCookie = res.headers.get('set-cookie') ?? '';
    const cookie = /quittance_session=[^;]+/.exec(setCookie)?.[0];
    assert.ok(cookie, 'a session cookie is set');
    const page = await (await get('/dashboard/payments', { cookie, csrf: '' })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
    assert.ok(csrf, 'pages carry the CSRF token');
    return { cookie, csrf };
  }

  before(async () => {
    t = await testEngine({ config: { apiKeys: [CONFIG_KEY] } });
    app = createApp(t.engine, { peerAddress: () => '203.0.113.7' });
    readKey = (await createApiKey(t.engine, { name: 'auditor', scope: 'read', now: t.now() })).key;
    const paid = await createPayment(t.engine, {
      account: FAKE_ACCOUNT,
      orderRef: 'ORDER-PAID-1',
      amount: { value: 1250, currency: 'EUR' },
    });
    paidId = paid.payment.id;
    t.advance(1000);
    // The body carries a configured secret: it must never be shown.
    await notify({ paymentId: paidId, status: 'captured', gatewayRef: 'GW-777', note: CONFIG_KEY });
    const disputed = await createPayment(t.engine, {
      account: FAKE_ACCOUNT,
      orderRef: 'ORDER-CONFLICT-2',
      amount: { value: 990, currency: 'EUR' },
    });
    conflictId = disputed.payment.id;
    t.advance(1000);
    await notify({ paymentId: conflictId, status: 'captured', gatewayRef: 'GW-1' });
    t.advance(1000);
    await notify({ paymentId: conflictId, status: 'refused', gatewayRef: 'GW-1' });
    assert.equal((await findPayment(t.engine.store.db, conflictId))?.needsReview, true, 'seeded conflict');
  });
  after(() => t.close());

  it('sends people without a session to the login page, keeping where they were going', async () => {
    const res = await get('/dashboard/payments?q=ORDER');
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/dashboard/login?next=%2Fdashboard%2Fpayments%3Fq%3DORDER');
    const htmx = await get('/dashboard/payments/rows', undefined, { 'hx-request': 'true' });
    assert.equal(htmx.status, 401);
    assert.match(htmx.headers.get('hx-redirect') ?? '', /^\/dashboard\/login/);
    const form = await get('/dashboard/login');
    assert.equal(form.status, 200);
    assert.match(await form.text(), /<input type="password" name="key"/);
  });

  it('refuses a wrong key without opening a session', async () => {
    const res = await post('/dashboard/login', undefined, { key: 'not-a-key' });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('set-cookie'), null);
    assert.match(await res.text(), /This API key is not valid/);
  });

  it('opens an http-only, SameSite=Strict session cookie on /dashboard, Secure behind https', async () => {
    const res = await post('/dashboard/login', undefined, { key: CONFIG_KEY, next: 'https://evil.example/' });
    assert.equal(res.headers.get('location'), '/dashboard/payments', 'never redirected off-site');
    const cookie = res.headers.get('set-cookie') ?? '';
    assert.match(cookie, /quittance_session=[A-Za-z0-9_-]{43};/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Path=\/dashboard/);
    assert.match(cookie, /Secure/);
  });

  it('renders the payments list with search and the live-refresh fragment', async () => {
    const me = await login(CONFIG_KEY);
    const all = await (await get('/dashboard/payments', me)).text();
    assert.match(all, /ORDER-PAID-1/);
    assert.match(all, /ORDER-CONFLICT-2/);
    assert.match(all, /<meta name="viewport"/);
    assert.match(all, /hx-trigger="every 5s"/);
    const found = await (await get('/dashboard/payments?q=ORDER-PAID', me)).text();
    assert.match(found, /ORDER-PAID-1/);
    assert.doesNotMatch(found, /ORDER-CONFLICT-2/);
    const byRef = await (await get('/dashboard/payments?q=GW-777', me)).text();
    assert.match(byRef, /ORDER-PAID-1/);
    const byStatus = await (await get('/dashboard/payments?status=created', me)).text();
    assert.match(byStatus, /No payment matches/);
    const rows = await get('/dashboard/payments/rows?q=ORDER-PAID', me);
    const fragment = await rows.text();
    assert.match(fragment, /^<tbody id="payment-rows"/);
    assert.doesNotMatch(fragment, /<html/);
  });

  it('shows one timeline for a payment, with the redacted raw request behind each signal', async () => {
    const me = await login(CONFIG_KEY);
    const res = await get(`/dashboard/payments/${paidId}`, me);
    assert.equal(res.status, 200);
    const page = await res.text();
    assert.match(page, /id="timeline"/);
    assert.match(page, /notification<\/strong> says <span class="badge good">captured<\/span>/);
    assert.match(page, /Raw request \(redacted\)/);
    assert.match(page, /\[redacted\]/);
    assert.ok(!page.includes(CONFIG_KEY), 'a configured secret is never rendered');
    assert.match(page, /payment\.captured/);
    assert.match(page, /Reconcile now/);
    const missing = await get('/dashboard/payments/pay_00000000000000000000000000', me);
    assert.equal(missing.status, 404);
  });

  it('lists notifications with verdicts, filters refused ones, and shows an entry redacted', async () => {
    const me = await login(CONFIG_KEY);
    await app.request('/notify/nobody', { method: 'POST', body: 'x=1' });
    const all = await (await get('/dashboard/notifications', me)).text();
    assert.match(all, /verified/);
    assert.match(all, /UNKNOWN_ACCOUNT/);
    const refused = await (await get('/dashboard/notifications?rejected=1', me)).text();
    assert.match(refused, /UNKNOWN_ACCOUNT/);
    assert.doesNotMatch(refused, /badge good">verified/);
    const id = /href="\/dashboard\/notifications\/(inb_[0-9a-z]+)"/.exec(all)?.[1];
    assert.ok(id);
    const entry = await get(`/dashboard/notifications/${id}`, me);
    assert.equal(entry.status, 200);
    const text = await entry.text();
    assert.match(text, /id="raw-request"/);
    assert.ok(!text.includes(CONFIG_KEY));
  });

  it('shows health per account with chart data and the numbers as a table, plus queue and alerts', async () => {
    const me = await login(CONFIG_KEY);
    const page = await (await get('/dashboard/health?window=1h', me)).text();
    assert.match(page, new RegExp(`id="account-${FAKE_ACCOUNT}"`));
    assert.match(
      page,
      /<script type="application\/json" id="chart-rate-fake-shop">\{"title":"Notifications per minute/,
    );
    assert.match(page, /Notifications by bucket/);
    assert.match(page, /Job queue/);
    assert.match(page, /<h2>Alerts<\/h2>/);
  });

  it('refuses a POST without the CSRF token, or from another origin', async () => {
    const me = await login(CONFIG_KEY);
    const noToken = await post(`/dashboard/payments/${paidId}/reconcile`, me, {});
    assert.equal(noToken.status, 403);
    const wrong = await post(`/dashboard/payments/${paidId}/reconcile`, me, { _csrf: `${me.csrf}x` });
    assert.equal(wrong.status, 403);
    const elsewhere = await post(
      `/dashboard/payments/${paidId}/reconcile`,
      me,
      { _csrf: me.csrf },
      { origin: 'https://evil.example' },
    );
    assert.equal(elsewhere.status, 403);
    const ok = await post(`/dashboard/payments/${paidId}/reconcile`, me, {}, { 'x-csrf-token': me.csrf });
    assert.equal(ok.status, 303);
    const after = await get(ok.headers.get('location') ?? '', {
      ...me,
      cookie: `${me.cookie}; ${/quittance_flash=[^;]+/.exec(ok.headers.get('set-cookie') ?? '')?.[0]}`,
    });
    assert.match(await after.text(), /class="flash flash-ok"[^>]*>Asked the gateway/);
  });

  it('lets a read key look but not act', async () => {
    const reader = await login(readKey);
    const page = await (await get(`/dashboard/payments/${conflictId}`, reader)).text();
    assert.match(page, /Your key is read-only/);
    assert.match(page, /auditor/);
    const res = await post(`/dashboard/payments/${conflictId}/settle`, reader, {
      _csrf: reader.csrf,
      status: 'captured',
      reason: 'trying',
      resolve: '1',
    });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /Read-only key/);
    assert.equal((await findPayment(t.engine.store.db, conflictId))?.needsReview, true);
  });

  it('lists conflicts and resolves one by hand, signed with the key label', async () => {
    const me = await login(CONFIG_KEY);
    const list = await (await get('/dashboard/conflicts', me)).text();
    assert.match(list, new RegExp(`id="conflict-${conflictId}"`));
    assert.doesNotMatch(list, new RegExp(`id="conflict-${paidId}"`));
    const res = await post(`/dashboard/payments/${conflictId}/settle`, me, {
      _csrf: me.csrf,
      status: 'captured',
      reason: 'bank statement shows the money',
      resolve: '1',
      back: 'conflicts',
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/dashboard/conflicts');
    const payment = await findPayment(t.engine.store.db, conflictId);
    assert.equal(payment?.needsReview, false);
    assert.equal(payment?.status, 'captured');
    const timeline = await (await get(`/dashboard/payments/${conflictId}`, me)).text();
    assert.match(timeline, /config key #1: bank statement shows the money/);
  });

  it('replays a delivery only for an event of the payment, and says why nothing was sent', async () => {
    const me = await login(CONFIG_KEY);
    const page = await (await get(`/dashboard/payments/${paidId}`, me)).text();
    const eventId = /\/events\/(evt_[0-9a-z]+)\/replay/.exec(page)?.[1];
    assert.ok(eventId);
    const res = await post(`/dashboard/payments/${paidId}/events/${eventId}/replay`, me, { _csrf: me.csrf });
    assert.equal(res.status, 303);
    const flash = /quittance_flash=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
    assert.match(Buffer.from(flash, 'base64url').toString(), /no webhook URL/);
    const other = await post(`/dashboard/payments/${conflictId}/events/${eventId}/replay`, me, {
      _csrf: me.csrf,
    });
    const otherFlash = /quittance_flash=([^;]+)/.exec(other.headers.get('set-cookie') ?? '')?.[1] ?? '';
    assert.match(Buffer.from(otherFlash, 'base64url').toString(), /No event/);
  });

  it('ends the session on logout and after 12 hours', async () => {
    const me = await login(CONFIG_KEY);
    const out = await post('/dashboard/logout', me, { _csrf: me.csrf });
    assert.equal(out.status, 303);
    assert.match(out.headers.get('set-cookie') ?? '', /quittance_session=;/);
    assert.equal((await get('/dashboard/payments', me)).status, 303, 'the old cookie opens nothing');

    const later = await login(CONFIG_KEY);
    assert.equal((await get('/dashboard/payments', later)).status, 200);
    t.advance(SESSION_TTL_MS);
    assert.equal((await get('/dashboard/payments', later)).status, 303, 'expired');
  });

  it('serves the vendored scripts with long cache headers', async () => {
    const htmx = await get('/dashboard/assets/htmx.min.js');
    assert.equal(htmx.status, 200);
    assert.match(htmx.headers.get('cache-control') ?? '', /immutable/);
    assert.match(await htmx.text(), /htmx/);
    assert.equal((await get('/dashboard/assets/uPlot.iife.min.js')).status, 200);
    assert.equal((await get('/dashboard/assets/app.css')).status, 200);
    assert.equal((await get('/dashboard/assets/..%2Fsession.ts')).status, 404);
  });

  it('only ever sends people on to a dashboard path after login', () => {
    fc.assert(
      fc.property(fc.string(), (next) => {
        const target = safeNext(next);
        assert.ok(target.startsWith('/dashboard'));
        assert.ok(!target.startsWith('//'));
        assert.equal(new URL(target, 'https://quittance.example').origin, 'https://quittance.example');
      }),
    );
    assert.equal(safeNext('/dashboard/payments?q=1'), '/dashboard/payments?q=1');
    assert.equal(safeNext('/dashboard/../api/payments'), '/dashboard/payments');
  });
});
