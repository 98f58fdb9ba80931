import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { GatewaySignal } from '../gateways/gateway.js';
import { applySignal } from './apply-signal.js';
import { createPayment } from './checkout.js';
import { type AccountHealth, notificationHealth, percentiles } from './health.js';
import { announce, ingestNotification } from './ingest.js';
import { FAKE_ACCOUNT, fakeGateway, type TestEngine, testEngine } from './testkit.js';

const MIN = 60_000;

describe('notificationHealth', () => {
  let t: TestEngine;
  let paidByPollAt: Date;
  before(async () => {
    t = await testEngine();
    const pay = async (orderRef: string) =>
      (
        await createPayment(t.engine, {
          account: FAKE_ACCOUNT,
          orderRef,
          amount: { value: 100, currency: 'EUR' },
        })
      ).payment;
    const notify = (body: string) =>
      ingestNotification(t.engine, {
        accountId: FAKE_ACCOUNT,
        raw: {
          method: 'POST',
          path: `/notify/${FAKE_ACCOUNT}`,
          query: '',
          headers: { 'content-type': 'application/json' },
          body: Buffer.from(body),
          sourceIp: '127.0.0.1',
          receivedAt: t.now(),
        },
      });
    const observe = async (signal: GatewaySignal) => {
      const applied = await t.engine.store.db
        .transaction()
        .execute((tx) => applySignal(t.engine, tx, { accountId: FAKE_ACCOUNT, signal, inboxId: null }));
      announce(t.engine, [applied]);
    };

    const notified = await pay('H-1');
    await notify(JSON.stringify({ paymentId: notified.id, status: 'captured' }));
    await notify('garbage');
    t.advance(MIN);
    const polled = await pay('H-2');
    paidByPollAt = t.now();
    await observe({ source: 'poll', status: 'captured', lookup: { paymentId: polled.id } });
    const expired = await pay('H-3');
    await observe({ source: 'poll', status: 'expired', lookup: { paymentId: expired.id } });
    const returned = await pay('H-4');
    await observe({ source: 'return', status: 'authorized', lookup: { paymentId: returned.id } });
    t.advance(MIN);
    // The notification of the returned payment does come, late: not overdue.
    await notify(JSON.stringify({ paymentId: returned.id, status: 'captured' }));
    t.advance(20 * MIN);
  });
  after(() => t.close());

  const account = async (options: Parameters<typeof notificationHealth>[1] = {}) =>
    (await notificationHealth(t.engine, { accountId: FAKE_ACCOUNT, ...options }))
      .accounts[0] as AccountHealth;

  it('counts verdicts, answers and the paths that made payments final', async () => {
    const a = await account();
    assert.deepEqual(a.window.notifications, {
      received: 3,
      byVerdict: { verified: 2, unparseable: 1 },
      byAnswerStatus: { 200: 2, 400: 1 },
    });
    assert.deepEqual(a.window.settledBy, { notification: 1, return: 1, poll: 2, operator: 0 });
    assert.deepEqual(a.window.paidBy, { notification: 1, return: 1, poll: 1, operator: 0 });
    assert.deepEqual(
      a.recent.map((r) => [r.verdict, r.reasonCode, r.answerStatus]),
      [
        ['verified', null, 200],
        ['unparseable', 'MALFORMED_BODY', 400],
        ['verified', null, 200],
      ],
    );
    assert.equal(a.lastVerifiedNotificationAt, a.lastNotificationAt);
  });

  it('calls a payment paid by poll with no notification overdue once the grace period has passed', async () => {
    assert.equal((await account()).window.overdue, 1);
    assert.equal(
      (await account({ overdueGraceMs: 30 * MIN })).total.overdue,
      0,
      'still within the grace period',
    );
    const later = await account({ since: new Date(paidByPollAt.getTime() + 1) });
    assert.equal(later.window.overdue, 0, 'made final before the window');
    assert.equal(later.total.overdue, 1);
    assert.equal(later.window.notifications.received, 1);
    assert.equal(later.total.notifications.received, 3);
  });

  it('lists only as many recent entries as asked', async () => {
    assert.equal((await account({ recent: 1 })).recent.length, 1);
    assert.equal((await account({ recent: 0 })).recent.length, 0);
  });

  it('refuses an account that is not configured', async () => {
    await assert.rejects(notificationHealth(t.engine, { accountId: 'nobody' }), { code: 'UNKNOWN_ACCOUNT' });
  });
});

describe('notificationHealth: gateways that tell by long-poll', () => {
  it('has no overdue figure: their poll is their notification', async () => {
    const fake = fakeGateway();
    (fake.adapter as { watchStatus?: unknown }).watchStatus = async () => ({
      kind: 'not-found',
      reason: 'none',
    });
    const t = await testEngine({ fake });
    try {
      const [a] = (await notificationHealth(t.engine)).accounts;
      assert.equal(a?.window.overdue, null);
      assert.equal(a?.total.overdue, null);
    } finally {
      await t.close();
    }
  });
});

describe('percentiles', () => {
  it('are measured values, ordered, with at least half (99 %) of the sample at or below them', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 100_000 }), { minLength: 1, maxLength: 300 }), (values) => {
        const p = percentiles(values);
        assert.ok(p);
        assert.equal(p.samples, values.length);
        assert.ok(values.includes(p.p50) && values.includes(p.p99));
        assert.ok(p.p50 <= p.p99);
        assert.ok(values.filter((v) => v <= p.p50).length >= values.length * 0.5);
        assert.ok(values.filter((v) => v <= p.p99).length >= values.length * 0.99);
        assert.ok(values.filter((v) => v < p.p50).length < values.length * 0.5);
      }),
    );
    assert.equal(percentiles([]), null);
    assert.deepEqual(percentiles([30, 10, 20]), { p50: 20, p99: 30, samples: 3 });
  });
});
