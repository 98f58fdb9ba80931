import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { listJobs } from '../../jobs/queue.js';
import { listAlerts } from '../../store/repos/alerts.js';
import { createPayment } from '../checkout.js';
import { ingestNotification } from '../ingest.js';
import { settleByOperator } from '../operator.js';
import { reconcilePayment } from '../reconcile.js';
import { FAKE_ACCOUNT, found, type TestEngine, testEngine } from '../testkit.js';
import { NOTIFICATION_OVERDUE_ALERT, OVERDUE_CHECK_TASK, overdueCheckTask } from './overdue.js';
import { runTask } from './testkit.js';

const MIN = 60_000;
let t: TestEngine;
let orders = 0;
afterEach(() => t.close());

async function newPayment() {
  return (
    await createPayment(t.engine, {
      account: FAKE_ACCOUNT,
      orderRef: `o-${++orders}`,
      amount: { value: 1250, currency: 'EUR' },
    })
  ).payment;
}

/** Paid according to the gateway's status API (a poll, as reconciliation or a return asks it). */
async function paidByPoll(paymentId: string) {
  t.fake.answer = (q) => found(q, 'captured');
  const r = await reconcilePayment(t.engine, paymentId, { reason: 'test' });
  assert.equal(r.settlement, 'applied');
}

async function notify(paymentId: string, status: string) {
  return ingestNotification(t.engine, {
    accountId: FAKE_ACCOUNT,
    raw: {
      method: 'POST',
      path: `/notify/${FAKE_ACCOUNT}`,
      query: '',
      headers: { 'content-type': 'application/json' },
      body: new TextEncoder().encode(JSON.stringify({ paymentId, status })),
      sourceIp: '127.0.0.1',
      receivedAt: t.now(),
    },
  });
}

const checks = () => listJobs(t.engine.store.db, { task: OVERDUE_CHECK_TASK });

async function runChecks() {
  for (const job of await checks()) await runTask(overdueCheckTask(t.engine), { ...job, attempts: 1 });
}

describe('notification-overdue', () => {
  it('paid by a poll, no notification within the grace: one alert per account naming the payments and the doctor', async () => {
    t = await testEngine({ config: { alerts: { overdueAfter: '10m' } } });
    const a = await newPayment();
    const b = await newPayment();
    await paidByPoll(a.id);
    await paidByPoll(b.id);
    // The same payment again: a duplicate, no second check.
    t.fake.answer = (q) => found(q, 'captured');
    assert.equal((await reconcilePayment(t.engine, a.id, { reason: 'test' })).settlement, 'duplicate');

    const jobs = await checks();
    assert.equal(jobs.length, 2);
    assert.equal(jobs[0]?.runAt.getTime(), t.now().getTime() + 10 * MIN);
    assert.deepEqual(
      jobs.map((j) => (j.payload as { paymentId: string }).paymentId).sort(),
      [a.id, b.id].sort(),
    );

    t.advance(10 * MIN);
    await runChecks();
    const alerts = await listAlerts(t.engine.store.db, { kind: NOTIFICATION_OVERDUE_ALERT });
    assert.equal(alerts.length, 1);
    const [alert] = alerts;
    assert.equal(alert?.accountId, FAKE_ACCOUNT);
    assert.equal(alert?.count, 2);
    assert.deepEqual([...(alert?.samples ?? [])].sort(), [a.id, b.id].sort());
    assert.equal(alert?.severity, 'critical');
    assert.match(
      alert?.message ?? '',
      /^fake-shop: 2 payments paid according to the customer's return, a status poll or an operator/,
    );
    assert.match(alert?.message ?? '', /Fake Pay's notification never came \(waited 10m\)/);
    assert.match(alert?.message ?? '', /cannot reach https:\/\/pay\.example\/notify\/fake-shop/);
    assert.match(
      alert?.message ?? '',
      /quittance doctor https:\/\/pay\.example\/notify\/fake-shop --gateway fake/,
    );
  });

  it('a notification that came after the poll (a duplicate) is enough: no alert', async () => {
    t = await testEngine();
    const p = await newPayment();
    await paidByPoll(p.id);
    await notify(p.id, 'captured');
    t.advance(15 * MIN);
    await runChecks();
    assert.equal((await checks()).length, 1);
    assert.deepEqual(await listAlerts(t.engine.store.db), []);
  });

  it('paid by the notification first: no check at all; a failure by poll: no check either', async () => {
    t = await testEngine();
    const p = await newPayment();
    await notify(p.id, 'captured');
    await paidByPoll(p.id).catch(() => {}); // a duplicate, not applied
    const refused = await newPayment();
    t.fake.answer = (q) => found(q, 'refused');
    await reconcilePayment(t.engine, refused.id, { reason: 'test' });
    assert.deepEqual(await checks(), []);
  });

  it('an operator settling a payment as paid schedules the check too', async () => {
    t = await testEngine();
    const p = await newPayment();
    await settleByOperator(t.engine, {
      paymentId: p.id,
      status: 'captured',
      reason: 'seen in back office',
      by: 'alice',
      resolve: false,
    });
    assert.equal((await checks()).length, 1);
  });

  it('a gateway that tells by long-poll (watchStatus) is never checked', async () => {
    t = await testEngine();
    (t.fake.adapter as { watchStatus?: unknown }).watchStatus = async () => ({ kind: 'found', signals: [] });
    const p = await newPayment();
    await paidByPoll(p.id);
    assert.deepEqual(await checks(), []);
  });
});
