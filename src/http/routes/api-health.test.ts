import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../config/load.js';
import { type Engine, startEngine } from '../../engine/engine.js';
import type { AccountHealth, HealthReport } from '../../engine/health.js';
import { encodeForm } from '../../gateways/_shared/form-codec.js';
import { lyraSignature } from '../../gateways/lyra/signature.js';
import { silentLogger } from '../../observability/logger.js';
import { parseExposition, sampleValue } from '../../observability/testkit.js';
import { createStore } from '../../store/db.js';
import { createApp } from '../app.js';

const KEY = 'health-test-key-1122334455667788';
const json = { authorization: 'Bearer k1', 'content-type': 'application/json' };
const SHOP = {
  successUrl: 'https://shop.example/ok',
  failureUrl: 'https://shop.example/ko',
  pendingUrl: 'https://shop.example/pending',
};

describe('GET /api/health', () => {
  let engine: Engine;
  let app: ReturnType<typeof createApp>;
  let badAnswer: { status: number; inboxId: string | null };

  before(async () => {
    engine = await startEngine({
      store: createStore('sqlite::memory:'),
      config: resolveConfig(
        {
          apiKeys: ['k1'],
          accounts: ['lyra-shop', 'quiet-shop'].map((id) => ({
            id,
            gateway: 'lyra',
            mode: 'test' as const,
            credentials: { siteId: '12345678', key: KEY, algorithm: 'hmac-sha-256' },
            shop: SHOP,
          })),
        },
        {},
      ),
      logger: silentLogger(),
      publicUrl: 'http://127.0.0.1:1',
    });
    app = createApp(engine, { peerAddress: () => '203.0.113.9' });
    const created = await app.request('/api/payments', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        account: 'lyra-shop',
        orderRef: 'ORDER-7',
        amount: { value: 1250, currency: 'EUR' },
      }),
    });
    assert.equal(created.status, 201);
    const { checkout } = (await created.json()) as { checkout: { fields: Record<string, string> } };
    // The gateway's notification for this payment, signed with a key that is not the account's.
    const { signature: _form, ...form } = checkout.fields;
    const fields = {
      ...form,
      vads_trans_status: 'AUTHORISED',
      vads_trans_uuid: '0123456789abcdef0123456789abcdef',
      vads_result: '00',
      vads_operation_type: 'DEBIT',
      vads_url_check_src: 'PAY',
    };
    const forged = {
      ...fields,
      signature: lyraSignature(fields, 'not-the-key-of-this-account', 'hmac-sha-256'),
    };
    const res = await app.request('/notify/lyra-shop', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encodeForm(forged),
    });
    badAnswer = { status: res.status, inboxId: res.headers.get('x-quittance-inbox-id') };
    await app.request('/notify/nobody', { method: 'POST', body: 'a=1' });
  });
  after(() => engine.store.close());

  it('shows a notification refused for its signature in the metrics and in the health report alike', async () => {
    assert.ok(badAnswer.status >= 400, `refused (${badAnswer.status})`);
    const e = parseExposition(await (await app.request('/metrics')).text());
    assert.equal(
      sampleValue(e, 'quittance_notifications_total', {
        account: 'lyra-shop',
        gateway: 'lyra',
        kind: 'notification',
        verdict: 'rejected',
      }),
      1,
    );

    const res = await app.request('/api/health/lyra-shop', { headers: json });
    assert.equal(res.status, 200);
    const report = (await res.json()) as HealthReport;
    const shop = report.accounts[0] as AccountHealth;
    assert.equal(report.accounts.length, 1);
    assert.equal(shop.account, 'lyra-shop');
    assert.deepEqual(shop.window.notifications, {
      received: 1,
      byVerdict: { rejected: 1 },
      byAnswerStatus: { [String(badAnswer.status)]: 1 },
    });
    assert.deepEqual(
      shop.recent.map((r) => [r.id, r.verdict, r.reasonCode, r.answerStatus]),
      [[badAnswer.inboxId, 'rejected', 'SIGNATURE_MISMATCH', badAnswer.status]],
    );
    assert.equal(shop.lastVerifiedNotificationAt, null);
    assert.ok(shop.lastNotificationAt !== null);
    assert.equal(shop.window.ackLatencyMs?.samples, 1);
    assert.deepEqual(shop.window.settledBy, { notification: 0, return: 0, poll: 0, operator: 0 });
    assert.equal(shop.total.overdue, 0);
  });

  it('reports every configured account, and counts posts to unconfigured ids apart', async () => {
    const res = await app.request('/api/health', { headers: json });
    const report = (await res.json()) as HealthReport;
    assert.deepEqual(
      report.accounts.map((a) => [a.account, a.total.notifications.received]),
      [
        ['lyra-shop', 1],
        ['quiet-shop', 0],
      ],
    );
    assert.deepEqual(report.unconfigured, { window: 1, total: 1 });
    assert.equal(report.accounts[1]?.window.ackLatencyMs, null);
  });

  it('takes a window start; everything before it stays in the totals only', async () => {
    const res = await app.request(
      `/api/health/lyra-shop?since=${encodeURIComponent('2999-01-01T00:00:00Z')}`,
      {
        headers: json,
      },
    );
    const shop = ((await res.json()) as HealthReport).accounts[0] as AccountHealth;
    assert.equal(shop.window.notifications.received, 0);
    assert.equal(shop.total.notifications.received, 1);
  });

  it('refuses an unknown account, a bad query and a missing API key', async () => {
    const unknown = await app.request('/api/health/nobody', { headers: json });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'UNKNOWN_ACCOUNT');
    const bad = await app.request('/api/health?since=yesterday', { headers: json });
    assert.equal(bad.status, 400);
    assert.equal((await app.request('/api/health')).status, 401);
  });
});
