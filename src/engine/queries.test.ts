import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { insertInboxEntry } from '../store/repos/inbox.js';
import { createPayment } from './checkout.js';
import { settleByOperator } from './operator.js';
import {
  bodyText,
  decodeCursor,
  encodeCursor,
  getInboxEntry,
  listAccounts,
  listConflicts,
  listInboxPage,
  listPaymentsPage,
  type PaymentSummary,
} from './queries.js';
import { secretsOf } from './secrets.js';
import { FAKE_ACCOUNT, type TestEngine, testEngine } from './testkit.js';

const WEBHOOK_SECRET = `whsec_${Buffer.from('a webhook secret of 32 bytes!!!!').toString('base64')}`;

describe('queries', () => {
  let t: TestEngine;
  before(async () => {
    t = await testEngine({ config: { apiKeys: ['api-key-in-config'] } });
  });
  after(() => t.close());

  async function pay(orderRef: string, value = 1000) {
    t.advance(1);
    return (
      await createPayment(t.engine, { account: FAKE_ACCOUNT, orderRef, amount: { value, currency: 'EUR' } })
    ).payment;
  }

  async function allPages(query: Parameters<typeof listPaymentsPage>[1]): Promise<PaymentSummary[]> {
    const seen: PaymentSummary[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await listPaymentsPage(t.engine, { ...query, cursor });
      seen.push(...page.items);
      if (page.nextCursor === null) return seen;
      cursor = page.nextCursor;
    }
  }

  it('property: paging through payments yields each exactly once, newest first', async () => {
    const created: string[] = [];
    for (let i = 0; i < 23; i++) created.push((await pay(`PAGE-${String(i).padStart(2, '0')}`)).id);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 30 }), async (limit) => {
        const seen = (await allPages({ limit, q: 'PAGE-' })).map((p) => p.id);
        assert.deepEqual(seen, [...created].reverse());
      }),
      { numRuns: 20 },
    );
  });

  it('finds payments by order reference, prefix, id prefix; filters by status and review', async () => {
    const p = await pay('FIND_ME%1');
    await pay('FINDXME%1');
    assert.deepEqual(
      (await listPaymentsPage(t.engine, { q: 'FIND_ME' })).items.map((i) => i.id),
      [p.id],
      '_ is not a wildcard',
    );
    assert.deepEqual(
      (await listPaymentsPage(t.engine, { q: p.id.slice(0, 20) })).items.map((i) => i.id).includes(p.id),
      true,
    );
    assert.deepEqual((await listPaymentsPage(t.engine, { q: 'FIND_ME%1', status: 'captured' })).items, []);
    assert.equal((await listPaymentsPage(t.engine, { q: 'FIND_ME%1', status: 'created' })).items.length, 1);
    const from = new Date(p.createdAt.getTime() + 1);
    assert.ok(!(await allPages({ createdFrom: from })).some((i) => i.id === p.id));
    assert.ok((await allPages({ createdTo: from })).some((i) => i.id === p.id));
  });

  it('refuses a cursor it did not give and a limit out of range', async () => {
    await assert.rejects(listPaymentsPage(t.engine, { cursor: 'bm9wZQ' }), { code: 'VALIDATION_FAILED' });
    await assert.rejects(listPaymentsPage(t.engine, { limit: 0 }), { code: 'VALIDATION_FAILED' });
    const id = 'pay_0000000000aaaaaaaaaaaaaaaa';
    assert.equal(decodeCursor(encodeCursor(id)), id);
  });

  it('lists conflicts with the signals that caused them', async () => {
    const p = await pay('CONFLICT-1');
    await settleByOperator(t.engine, {
      paymentId: p.id,
      status: 'captured',
      reason: 'bank',
      by: 'ann',
      resolve: false,
    });
    await settleByOperator(t.engine, {
      paymentId: p.id,
      status: 'refused',
      reason: 'other bank',
      by: 'bob',
      resolve: false,
    });
    const page = await listConflicts(t.engine, {});
    const conflict = page.items.find((c) => c.payment.id === p.id);
    assert.ok(conflict, 'the flagged payment is listed');
    assert.equal(conflict.payment.needsReview, true);
    assert.deepEqual(
      conflict.signals.map((s) => [s.status, s.settlement]),
      [['refused', 'conflict']],
    );
  });

  it('shows an inbox entry redacted: secrets, credential headers and card numbers', async () => {
    const secret = 'api-key-in-config';
    await insertInboxEntry(t.engine.store.db, {
      id: 'inb_0000000001aaaaaaaaaaaaaaaa',
      accountId: FAKE_ACCOUNT,
      kind: 'notification',
      method: 'POST',
      path: `/notify/${FAKE_ACCOUNT}`,
      query: `token=${encodeURIComponent(secret)}`,
      headers: { authorization: `Bearer ${secret}`, 'x-note': `key ${secret}` },
      body: new TextEncoder().encode(`pan=4111111111111111&k=${Buffer.from(secret).toString('base64')}`),
      bodyTruncated: false,
      sourceIp: '203.0.113.1',
      receivedAt: t.now(),
    });
    const entry = await getInboxEntry(t.engine, 'inb_0000000001aaaaaaaaaaaaaaaa');
    assert.ok(entry);
    assert.deepEqual(entry.request, {
      query: 'token=[redacted]',
      headers: { authorization: '[redacted]', 'x-note': 'key [redacted]' },
      body: 'pan=411111…1111&k=[redacted]',
    });
    assert.ok(!JSON.stringify(entry).includes(secret));
    assert.equal(await getInboxEntry(t.engine, 'inb_nope'), undefined);

    const rejected = await listInboxPage(t.engine, { rejectedOnly: true });
    assert.ok(rejected.items.every((e) => ['rejected', 'unparseable', 'error'].includes(e.verdict)));
    const received = await listInboxPage(t.engine, { verdict: 'received', kind: 'notification' });
    assert.deepEqual(
      received.items.map((e) => e.id),
      ['inb_0000000001aaaaaaaaaaaaaaaa'],
    );
  });

  it('shows binary bodies as null, text as text', () => {
    assert.equal(bodyText(new Uint8Array([0xff, 0xfe])), null);
    assert.equal(bodyText(new Uint8Array([0x61, 0x00])), null);
    assert.equal(bodyText(new TextEncoder().encode('a=1\r\n')), 'a=1\r\n');
  });

  it('lists accounts without credentials', async () => {
    const accounts = await listAccounts(t.engine);
    assert.deepEqual(
      accounts.map((a) => [a.id, a.mode, a.webhookConfigured, a.endpoint.status]),
      [[FAKE_ACCOUNT, 'test', false, 'none']],
    );
    assert.ok(!JSON.stringify(accounts).includes('12345678'));
  });
});

describe('secretsOf', () => {
  it('collects credentials, webhook, alert and metrics secrets and API keys, resolved', async () => {
    const t = await testEngine({
      config: {
        apiKeys: ['config-api-key'],
        metrics: { token: 'metrics-token-1' },
        alerts: {
          email: { smtp: 'smtp://u:p%40ss-word@mail.example:587', from: 'q@x.example', to: ['o@x.example'] },
          webhook: { url: 'https://alerts.example/hook', secret: WEBHOOK_SECRET },
          minSeverity: 'warning',
          overdueAfter: '15m',
        },
      },
    });
    try {
      const secrets = secretsOf(t.engine.config, {});
      for (const s of [
        'config-api-key',
        'metrics-token-1',
        WEBHOOK_SECRET,
        'smtp://u:p%40ss-word@mail.example:587',
        'p@ss-word',
      ]) {
        assert.ok(secrets.includes(s), s);
      }
      assert.ok(!secrets.includes('12345678'), 'a site id is not a secret');
    } finally {
      await t.close();
    }
  });
});
