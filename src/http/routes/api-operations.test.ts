import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type DeliveryRig,
  newEvent,
  settledJobs,
  startDeliveryRig,
  startWebhookShop,
  type WebhookShop,
} from '../../../test/e2e/webhook-shop.js';
import { raiseAlert } from '../../engine/alerts/raise.js';
import { createApiKey, revokeApiKey } from '../../engine/api-keys.js';
import { FAKE_ACCOUNT, found, type TestEngine, testEngine } from '../../engine/testkit.js';
import { createApp } from '../app.js';

type Json = Record<string, unknown> & { error?: { code: string; message: string } };

describe('/api: auth, payments, conflicts, inbox, jobs, deliveries, alerts, accounts', () => {
  let t: TestEngine;
  let app: ReturnType<typeof createApp>;
  let readKey: string;
  const write = { authorization: 'Bearer test-key', 'content-type': 'application/json' };
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = write,
  ) => {
    const res = await app.request(path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Json };
  };
  const createPayment = async (orderRef: string) => {
    t.advance(1);
    const { status, json } = await call('POST', '/api/payments', {
      account: FAKE_ACCOUNT,
      orderRef,
      amount: { value: 500, currency: 'EUR' },
    });
    assert.equal(status, 201, JSON.stringify(json));
    return json.id as string;
  };

  before(async () => {
    t = await testEngine();
    app = createApp(t.engine, { peerAddress: () => '203.0.113.9' });
    readKey = (await createApiKey(t.engine, { name: 'reader', scope: 'read', now: t.now() })).key;
  });
  after(() => t.close());

  it('401 without a key or with a wrong one, 403 for a read key on a write route, 401 once revoked', async () => {
    const none = await call('GET', '/api/payments', undefined, {});
    assert.equal(none.status, 401);
    assert.equal(none.json.error?.message, 'send an API key as "Authorization: Bearer <key>"');
    const wrong = await call('GET', '/api/payments', undefined, { authorization: 'Bearer nope' });
    assert.deepEqual([wrong.status, wrong.json.error?.message], [401, 'this API key is not valid']);
    const read = { authorization: `Bearer ${readKey}`, 'content-type': 'application/json' };
    assert.equal((await call('GET', '/api/payments', undefined, read)).status, 200);
    const forbidden = await call('POST', '/api/payments', { account: FAKE_ACCOUNT }, read);
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.json.error?.code, 'FORBIDDEN');
    assert.match(forbidden.json.error?.message ?? '', /read key/);
    const other = await createApiKey(t.engine, { name: 'temp', scope: 'write', now: t.now() });
    const temp = { authorization: `Bearer ${other.key}` };
    assert.equal((await call('GET', '/api/accounts', undefined, temp)).status, 200);
    await revokeApiKey(t.engine, other.id, t.now());
    assert.equal((await call('GET', '/api/accounts', undefined, temp)).status, 401);
  });

  it('validation failures have the one error shape with details.issues', async () => {
    const bad = await call('GET', '/api/payments?status=maybe');
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error?.code, 'VALIDATION_FAILED');
    const issues = (bad.json.error as unknown as { details: { issues: Array<{ field: string }> } }).details
      .issues;
    assert.equal(issues[0]?.field, 'status');
    const malformed = await app.request('/api/payments', { method: 'POST', headers: write, body: '{"a":' });
    assert.equal(((await malformed.json()) as Json).error?.code, 'MALFORMED_BODY');
  });

  it('property: paging through payments yields each exactly once, in order', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await createPayment(`API-PAGE-${i}`));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 15 }), async (limit) => {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const query: string = `/api/payments?q=API-PAGE-&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
          const { status, json } = await call('GET', query);
          assert.equal(status, 200);
          seen.push(...(json.payments as Array<{ id: string }>).map((p) => p.id));
          cursor = json.nextCursor as string | null;
        } while (cursor);
        assert.deepEqual(seen, [...ids].reverse());
      }),
      { numRuns: 10 },
    );
  });

  it('gets a payment and its signals; reconciles and settles by hand', async () => {
    const id = await createPayment('API-ONE');
    assert.equal((await call('GET', `/api/payments/${id}`)).json.status, 'created');
    t.fake.answer = (q) => found(q, 'authorized');
    const rec = await call('POST', `/api/payments/${id}/reconcile`);
    assert.deepEqual([rec.status, rec.json.outcome, rec.json.status], [200, 'found', 'authorized']);
    const settled = await call('POST', `/api/payments/${id}/settle`, {
      status: 'captured',
      reason: 'bank confirmed',
      by: 'ann',
    });
    assert.equal(settled.json.settlement, 'applied');
    const signals = (await call('GET', `/api/payments/${id}/signals`)).json.signals as Array<{
      source: string;
    }>;
    assert.deepEqual(
      signals.map((s) => s.source),
      ['poll', 'operator'],
    );
    assert.equal((await call('GET', '/api/payments/pay_nope')).status, 404);
    assert.equal((await call('GET', '/api/payments/pay_nope/signals')).status, 404);
    assert.equal((await call('POST', '/api/payments/pay_nope/reconcile')).status, 404);
  });

  it('lists conflicts and resolves one', async () => {
    const id = await createPayment('API-CONFLICT');
    await call('POST', `/api/payments/${id}/settle`, { status: 'captured', reason: 'a', by: 'ann' });
    await call('POST', `/api/payments/${id}/settle`, { status: 'refused', reason: 'b', by: 'bob' });
    const list = await call('GET', '/api/conflicts');
    const conflicts = list.json.conflicts as Array<{ payment: { id: string }; signals: unknown[] }>;
    assert.deepEqual(
      conflicts.map((c) => [c.payment.id, c.signals.length]),
      [[id, 1]],
    );
    const resolved = await call('POST', `/api/conflicts/${id}/resolve`, {
      status: 'captured',
      reason: 'bank says paid',
      by: 'carol',
    });
    assert.equal(resolved.status, 200);
    assert.deepEqual((await call('GET', '/api/conflicts')).json.conflicts, []);
    assert.equal((await call('GET', `/api/payments/${id}`)).json.needsReview, false);
  });

  it('shows an inbox entry redacted, with its signals', async () => {
    const id = await createPayment('API-INBOX');
    const res = await app.request(`/notify/${FAKE_ACCOUNT}?token=test-key`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
      body: JSON.stringify({ paymentId: id, status: 'captured', card: '4111 1111 1111 1111' }),
    });
    assert.equal(res.status, 200);
    const list = await call('GET', `/api/inbox?account=${FAKE_ACCOUNT}&kind=notification&limit=1`);
    const entryId = (list.json.entries as Array<{ id: string }>)[0]?.id;
    const { status, json } = await call('GET', `/api/inbox/${entryId}`);
    assert.equal(status, 200);
    const text = JSON.stringify(json);
    assert.ok(!text.includes('test-key'), text);
    assert.ok(!text.includes('4111 1111 1111 1111'), text);
    assert.ok(text.includes('411111…1111'), text);
    assert.equal((json.signals as Array<{ settlement: string }>)[0]?.settlement, 'applied');
    assert.equal((await call('GET', '/api/inbox/inb_nope')).status, 404);
  });

  it('lists jobs, deliveries, alerts and accounts; replays and resolves', async () => {
    const jobs = await call('GET', '/api/jobs?state=ready&limit=5');
    assert.equal(jobs.status, 200);
    assert.ok((jobs.json.jobs as unknown[]).length > 0);
    const deliveries = await call('GET', '/api/deliveries?ok=false');
    assert.deepEqual(deliveries.json, { deliveries: [], nextCursor: null });
    assert.equal((await call('POST', '/api/events/evt_nope/replay')).status, 404);
    const alerts = await call('GET', '/api/alerts?open=true');
    assert.equal(alerts.status, 200);
    assert.equal((await call('POST', '/api/alerts/alr_nope/resolve')).status, 404);
    const accounts = await call('GET', '/api/accounts');
    assert.deepEqual(
      (accounts.json.accounts as Array<{ id: string }>).map((a) => a.id),
      [FAKE_ACCOUNT],
    );
    assert.ok(!JSON.stringify(accounts.json).includes('12345678'), 'no credentials');
  });

  it('resolves a real alert once; a second resolve keeps the first resolution time', async () => {
    const { alert } = await raiseAlert(t.engine, t.engine.store.db, {
      kind: 'payment-stuck',
      accountId: FAKE_ACCOUNT,
      message: 'a payment is stuck (raised by the API test)',
    });
    const open = async () =>
      ((await call('GET', '/api/alerts?open=true')).json.alerts as Array<{ id: string }>).map((a) => a.id);
    assert.ok((await open()).includes(alert.id));
    t.advance(1_000);
    const first = await call('POST', `/api/alerts/${alert.id}/resolve`);
    assert.equal(first.status, 200);
    assert.deepEqual([first.json.id, first.json.resolvedAt], [alert.id, t.now().toISOString()]);
    assert.ok(!(await open()).includes(alert.id), 'no longer listed as open');
    t.advance(60_000);
    const again = await call('POST', `/api/alerts/${alert.id}/resolve`);
    assert.equal(again.status, 200, 'resolving twice is not an error');
    assert.equal(again.json.resolvedAt, first.json.resolvedAt, 'the first resolution stands');
    const read = { authorization: `Bearer ${readKey}`, 'content-type': 'application/json' };
    assert.equal((await call('POST', `/api/alerts/${alert.id}/resolve`, undefined, read)).status, 403);
  });
});

describe('POST /api/events/{id}/replay on a real event', () => {
  let shop: WebhookShop;
  let rig: DeliveryRig;
  let app: ReturnType<typeof createApp>;
  let headers: Record<string, string>;
  before(async () => {
    shop = await startWebhookShop();
    rig = await startDeliveryRig(shop);
    app = createApp(rig.engine, { peerAddress: () => '203.0.113.9' });
    const key = await createApiKey(rig.engine, { name: 'replayer', scope: 'write', now: new Date() });
    headers = { authorization: `Bearer ${key.key}` };
  });
  after(async () => {
    await rig.stop();
    await shop.close();
  });
  const get = async (path: string) => (await app.request(path, { headers })).json() as Promise<Json>;

  it('queues a fresh delivery job for the same event; the shop gets the same webhook-id again', async () => {
    const event = await newEvent(rig.engine);
    const [firstJob] = await settledJobs(rig.engine, event.id);
    const res = await app.request(`/api/events/${event.id}/replay`, { method: 'POST', headers });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { enqueued: 1, skippedNoWebhook: 0, skippedDisabled: 0 });

    const jobs = await settledJobs(rig.engine, event.id, 2);
    assert.equal(jobs.length, 2, 'one more delivery job');
    assert.ok(firstJob && jobs.some((j) => j.id !== firstJob.id && j.state === 'done'));
    const deliveries = (await get(`/api/deliveries?eventId=${event.id}`)).deliveries as Array<{
      eventId: string;
      ok: boolean;
    }>;
    assert.deepEqual(
      deliveries.map((d) => [d.eventId, d.ok]),
      [
        [event.id, true],
        [event.id, true],
      ],
      'a second delivery attempt of the same event',
    );
    assert.deepEqual(
      shop.requests.map((r) => r.headers['webhook-id']),
      [event.id, event.id],
    );
  });

  it('counts an event of an account without a webhook as skipped', async () => {
    const event = await newEvent(rig.engine, 'quiet');
    const res = await app.request(`/api/events/${event.id}/replay`, { method: 'POST', headers });
    assert.deepEqual(await res.json(), { enqueued: 0, skippedNoWebhook: 1, skippedDisabled: 0 });
  });
});
