import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  inTurn,
  newEvent,
  settledJobs,
  startDeliveryRig,
  startWebhookShop,
  status,
} from '../../../test/e2e/webhook-shop.js';
import { FAKE_ACCOUNT, type TestEngine, testEngine } from '../../engine/testkit.js';
import { parseExposition, sampleValue } from '../../observability/testkit.js';
import { createApp } from '../app.js';

const auth = { authorization: 'Bearer test-key', 'content-type': 'application/json' };

describe('GET /metrics', () => {
  let t: TestEngine;
  let app: ReturnType<typeof createApp>;
  before(async () => {
    t = await testEngine();
    app = createApp(t.engine, { peerAddress: () => '203.0.113.9' });
  });
  after(() => t.close());

  const notifyFake = (body: unknown) =>
    app.request(`/notify/${FAKE_ACCOUNT}`, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('scrapes cleanly and counts what real notifications did', async () => {
    const created = await app.request('/api/payments', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        account: FAKE_ACCOUNT,
        orderRef: 'ORDER-1',
        amount: { value: 1000, currency: 'EUR' },
      }),
    });
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: string };
    assert.equal((await notifyFake({ paymentId: id, status: 'captured' })).status, 200);
    assert.equal((await notifyFake({ paymentId: id, status: 'captured' })).status, 200);
    assert.equal((await notifyFake('not json')).status, 400);
    for (const name of ['ghost', 'ghost-2', 'wp-login.php']) {
      await app.request(`/notify/${name}`, { method: 'POST', body: 'a=1' });
    }

    const res = await app.request('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const e = parseExposition(await res.text());
    const n = 'quittance_notifications_total';
    const shop = { account: FAKE_ACCOUNT, gateway: 'fake', kind: 'notification' };
    assert.equal(sampleValue(e, n, { ...shop, verdict: 'verified' }), 2);
    assert.equal(sampleValue(e, n, { ...shop, verdict: 'unparseable' }), 1);
    assert.equal(
      sampleValue(e, n, { account: 'unknown', verdict: 'rejected' }),
      3,
      'one series for all strangers',
    );
    assert.equal(sampleValue(e, 'quittance_notification_ack_seconds_count', { account: FAKE_ACCOUNT }), 3);
    const settled = { account: FAKE_ACCOUNT, source: 'notification' };
    assert.equal(sampleValue(e, 'quittance_settlements_total', { ...settled, settlement: 'applied' }), 1);
    assert.equal(sampleValue(e, 'quittance_settlements_total', { ...settled, settlement: 'duplicate' }), 1);
    // Creating the payment scheduled its reconciliation: the queue shows it.
    const ready = e.samples.filter((s) => s.name === 'quittance_jobs' && s.labels.state === 'ready');
    assert.ok(ready.reduce((sum, s) => sum + s.value, 0) >= 1, 'ready jobs counted');
    for (const family of [
      'quittance_job_oldest_due_age_seconds',
      'quittance_process_cpu_user_seconds_total',
    ]) {
      assert.ok(e.types.has(family), family);
    }
  });

  it('is open by default and needs no API key', async () => {
    assert.equal((await app.request('/metrics')).status, 200);
  });
});

describe('GET /metrics with metrics.token', () => {
  it('asks for the token as a Bearer, read from the environment when configured so', async () => {
    const t = await testEngine({ config: { metrics: { token: { env: 'QUITTANCE_TEST_METRICS_TOKEN' } } } });
    try {
      process.env.QUITTANCE_TEST_METRICS_TOKEN = 'scrape-secret';
      const app = createApp(t.engine);
      assert.equal((await app.request('/metrics')).status, 401);
      assert.equal(
        (await app.request('/metrics', { headers: { authorization: 'Bearer test-key' } })).status,
        401,
      );
      const ok = await app.request('/metrics', { headers: { authorization: 'Bearer scrape-secret' } });
      assert.equal(ok.status, 200);
      parseExposition(await ok.text());
      delete process.env.QUITTANCE_TEST_METRICS_TOKEN;
      assert.throws(() => createApp(t.engine), /QUITTANCE_TEST_METRICS_TOKEN is not set/);
    } finally {
      delete process.env.QUITTANCE_TEST_METRICS_TOKEN;
      await t.close();
    }
  });
});

describe('GET /metrics: webhook deliveries', () => {
  it('counts each attempt at the shop webhook by result', async () => {
    const shop = await startWebhookShop();
    const rig = await startDeliveryRig(shop, { schedule: '10ms', maxAttempts: 3 });
    try {
      shop.answer(inTurn(status(500), status(204)));
      const event = await newEvent(rig.engine);
      const [job] = await settledJobs(rig.engine, event.id);
      assert.equal(job?.state, 'done');
      const e = parseExposition(await (await createApp(rig.engine).request('/metrics')).text());
      const n = 'quittance_webhook_deliveries_total';
      assert.equal(sampleValue(e, n, { account: 'shop', result: 'http_error' }), 1);
      assert.equal(sampleValue(e, n, { account: 'shop', result: 'ok' }), 1);
    } finally {
      await rig.stop();
      await shop.close();
    }
  });
});
