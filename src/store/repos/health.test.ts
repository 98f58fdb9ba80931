import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PaymentStatus, SignalSource } from '../../core/index.js';
import { enqueue } from '../../jobs/queue.js';
import { createStore } from '../db.js';
import type { Store } from '../dialect.js';
import { migrate } from '../migrations/index.js';
import { upsertAccount } from './accounts.js';
import {
  ackLatenciesMs,
  countOverdueNotifications,
  jobQueueStats,
  lastNotificationTimes,
  listOverdueNotifications,
  notificationCounts,
  recentNotifications,
  settlementPaths,
} from './health.js';
import { insertInboxEntry, recordInboxOutcome } from './inbox.js';
import { insertPayment } from './payments.js';
import { insertSignal, type JournaledSettlement } from './signals.js';

const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);
const MIN = 60_000;

/** Writes rows the way the engine does, with ids that sort like the engine's (time first). */
class Journal {
  private seq = 0;
  constructor(private readonly store: Store) {}

  async account(id: string) {
    await upsertAccount(this.store.db, { id, gateway: 'lyra', mode: 'test' }, new Date(T0));
  }

  async payment(id: string, accountId: string, atMs = T0) {
    await insertPayment(this.store.db, {
      id,
      accountId,
      orderRef: `order-${id}`,
      merchantRef: `ref-${id}`,
      amount: { value: 1000, currency: 'EUR' },
      checkout: {},
      now: new Date(atMs),
    });
  }

  async signal(
    paymentId: string,
    source: SignalSource,
    status: PaymentStatus,
    atMs: number,
    settlement: JournaledSettlement = 'applied',
  ) {
    this.seq++;
    await insertSignal(this.store.db, {
      id: `sig_${String(atMs).padStart(15, '0')}_${String(this.seq).padStart(6, '0')}`,
      paymentId,
      inboxId: null,
      source,
      status,
      gatewayStatus: null,
      amount: null,
      gatewayRef: null,
      settlement,
      reason: 'test',
      facts: null,
      now: new Date(atMs),
    });
  }
}

describe('listOverdueNotifications', () => {
  let store: Store;
  let j: Journal;
  before(async () => {
    store = createStore('sqlite::memory:');
    await migrate(store);
    j = new Journal(store);
    await j.account('acc1');
    await j.account('acc2');
    // Paid by the return, no notification ever: overdue.
    await j.payment('p_return', 'acc1');
    await j.signal('p_return', 'return', 'captured', T0 + 1 * MIN);
    // Paid by a poll, then the notification came late as a duplicate: the gateway reached us.
    await j.payment('p_late', 'acc1');
    await j.signal('p_late', 'poll', 'captured', T0 + 2 * MIN);
    await j.signal('p_late', 'notification', 'captured', T0 + 30 * MIN, 'duplicate');
    // Paid by the notification: fine.
    await j.payment('p_notified', 'acc1');
    await j.signal('p_notified', 'notification', 'captured', T0 + 3 * MIN);
    await j.signal('p_notified', 'return', 'captured', T0 + 3 * MIN, 'duplicate');
    // Expired by reconciliation: failures are not counted.
    await j.payment('p_expired', 'acc1');
    await j.signal('p_expired', 'poll', 'expired', T0 + 4 * MIN);
    // Paid by an operator on another account, and only a rejected (forged) notification: overdue.
    await j.payment('p_operator', 'acc2');
    await j.signal('p_operator', 'notification', 'captured', T0 + 4 * MIN, 'rejected');
    await j.signal('p_operator', 'operator', 'captured', T0 + 5 * MIN);
    // Refused by the notification first, then captured by an operator: made final by a notification.
    await j.payment('p_refused_first', 'acc2');
    await j.signal('p_refused_first', 'notification', 'refused', T0 + 6 * MIN);
    await j.signal('p_refused_first', 'operator', 'captured', T0 + 7 * MIN);
    // Pending by the return only: not final.
    await j.payment('p_pending', 'acc2');
    await j.signal('p_pending', 'return', 'pending', T0 + 8 * MIN);
    // Authorized by poll, captured later by a notification: the notification came.
    await j.payment('p_auth', 'acc2');
    await j.signal('p_auth', 'poll', 'authorized', T0 + 9 * MIN);
    await j.signal('p_auth', 'notification', 'captured', T0 + 10 * MIN);
    // Paid by the return very recently: still within the grace period for the caller below.
    await j.payment('p_recent', 'acc1');
    await j.signal('p_recent', 'return', 'authorized', T0 + 60 * MIN);
  });
  after(() => store.close());

  it('lists payments paid by another path whose notification never came, oldest first', async () => {
    const overdue = await listOverdueNotifications(store.db, { finalBefore: new Date(T0 + 45 * MIN) });
    assert.deepEqual(overdue, [
      {
        paymentId: 'p_return',
        accountId: 'acc1',
        finalAt: new Date(T0 + 1 * MIN),
        settledBy: 'return',
        status: 'captured',
      },
      {
        paymentId: 'p_operator',
        accountId: 'acc2',
        finalAt: new Date(T0 + 5 * MIN),
        settledBy: 'operator',
        status: 'captured',
      },
    ]);
  });

  it('keeps payments within the grace period out, and includes them once it has passed', async () => {
    const before = await listOverdueNotifications(store.db, { finalBefore: new Date(T0 + 60 * MIN) });
    assert.ok(!before.some((o) => o.paymentId === 'p_recent'));
    const afterGrace = await listOverdueNotifications(store.db, { finalBefore: new Date(T0 + 61 * MIN) });
    assert.ok(afterGrace.some((o) => o.paymentId === 'p_recent' && o.settledBy === 'return'));
  });

  it('filters by account, by a lower bound and by a limit', async () => {
    const end = new Date(T0 + 120 * MIN);
    const acc1 = await listOverdueNotifications(store.db, { accountId: 'acc1', finalBefore: end });
    assert.deepEqual(
      acc1.map((o) => o.paymentId),
      ['p_return', 'p_recent'],
    );
    const later = await listOverdueNotifications(store.db, {
      finalBefore: end,
      finalAfter: new Date(T0 + 5 * MIN),
    });
    assert.deepEqual(
      later.map((o) => o.paymentId),
      ['p_operator', 'p_recent'],
    );
    const one = await listOverdueNotifications(store.db, { finalBefore: end, limit: 1 });
    assert.deepEqual(
      one.map((o) => o.paymentId),
      ['p_return'],
    );
  });
});

describe('countOverdueNotifications and settlementPaths', () => {
  let store: Store;
  before(async () => {
    store = createStore('sqlite::memory:');
    await migrate(store);
    const j = new Journal(store);
    await j.account('acc1');
    await j.payment('a', 'acc1');
    await j.signal('a', 'return', 'captured', T0);
    await j.payment('b', 'acc1');
    await j.signal('b', 'poll', 'authorized', T0 + MIN);
    await j.signal('b', 'poll', 'captured', T0 + 2 * MIN);
    await j.payment('c', 'acc1');
    await j.signal('c', 'notification', 'refused', T0 + 3 * MIN);
  });
  after(() => store.close());

  it('counts what the list would list, per account', async () => {
    const counts = await countOverdueNotifications(store.db, { finalBefore: new Date(T0 + 60 * MIN) });
    assert.deepEqual([...counts], [['acc1', 2]]);
    const since = await countOverdueNotifications(store.db, {
      finalBefore: new Date(T0 + 60 * MIN),
      finalAfter: new Date(T0 + 1),
    });
    assert.deepEqual([...since], [['acc1', 1]]);
  });

  it('counts each payment once, under the signal that made it final', async () => {
    const rows = await settlementPaths(store.db, {});
    const sorted = rows.map((r) => [r.source, r.status, r.count]).sort();
    assert.deepEqual(sorted, [
      ['notification', 'refused', 1],
      ['poll', 'authorized', 1],
      ['return', 'captured', 1],
    ]);
    const window = await settlementPaths(store.db, {
      since: new Date(T0 + 1),
      until: new Date(T0 + 2 * MIN),
    });
    assert.deepEqual(
      window.map((r) => [r.source, r.status, r.count]),
      [['poll', 'authorized', 1]],
    );
  });
});

describe('inbox health queries', () => {
  let store: Store;
  let seq = 0;
  const entry = async (
    accountId: string | null,
    receivedAtMs: number,
    outcome: { verdict: 'verified' | 'rejected'; status: number; tookMs: number } | null,
    kind: 'notification' | 'return' = 'notification',
  ) => {
    const id = `inb_${String(++seq).padStart(6, '0')}`;
    await insertInboxEntry(store.db, {
      id,
      accountId,
      kind,
      method: 'POST',
      path: `/notify/${accountId}`,
      query: '',
      headers: {},
      body: new Uint8Array(),
      bodyTruncated: false,
      sourceIp: '203.0.113.1',
      receivedAt: new Date(receivedAtMs),
    });
    if (outcome) {
      await recordInboxOutcome(store.db, id, {
        verdict: outcome.verdict,
        reasonCode: outcome.verdict === 'rejected' ? 'SIGNATURE_MISMATCH' : null,
        reason: null,
        answerStatus: outcome.status,
        answerBody: 'x',
        processedAt: new Date(receivedAtMs + outcome.tookMs),
      });
    }
    return id;
  };

  before(async () => {
    store = createStore('sqlite::memory:');
    await migrate(store);
    await entry('acc1', T0, { verdict: 'verified', status: 200, tookMs: 40 });
    await entry('acc1', T0 + MIN, { verdict: 'rejected', status: 401, tookMs: 5 });
    await entry('acc1', T0 + 2 * MIN, null); // crashed mid-way: no answer recorded
    await entry('acc1', T0 + 3 * MIN, { verdict: 'verified', status: 200, tookMs: 7 }, 'return');
    await entry('scanner', T0 + 4 * MIN, { verdict: 'rejected', status: 404, tookMs: 1 });
  });
  after(() => store.close());

  it('counts notifications (not returns) by account, verdict and answer status', async () => {
    const rows = await notificationCounts(store.db, {});
    const key = (r: {
      accountId: string | null;
      verdict: string;
      answerStatus: number | null;
      count: number;
    }) => `${r.accountId} ${r.verdict} ${r.answerStatus} ${r.count}`;
    assert.deepEqual(rows.map(key).sort(), [
      'acc1 received null 1',
      'acc1 rejected 401 1',
      'acc1 verified 200 1',
      'scanner rejected 404 1',
    ]);
    const windowed = await notificationCounts(store.db, { accountId: 'acc1', since: new Date(T0 + 1) });
    assert.deepEqual(windowed.map(key).sort(), ['acc1 received null 1', 'acc1 rejected 401 1']);
  });

  it('gives the latencies of answered notifications, the latest first, bounded', async () => {
    assert.deepEqual(await ackLatenciesMs(store.db, { accountId: 'acc1', limit: 10 }), [5, 40]);
    assert.deepEqual(await ackLatenciesMs(store.db, { accountId: 'acc1', limit: 1 }), [5]);
    assert.deepEqual(
      await ackLatenciesMs(store.db, { accountId: 'acc1', limit: 10, until: new Date(T0 + 1) }),
      [40],
    );
  });

  it('knows the last notification and the last verified one', async () => {
    const times = await lastNotificationTimes(store.db);
    assert.deepEqual(times.get('acc1'), {
      lastReceivedAt: new Date(T0 + 2 * MIN),
      lastVerifiedAt: new Date(T0),
    });
    assert.deepEqual(times.get('scanner'), { lastReceivedAt: new Date(T0 + 4 * MIN), lastVerifiedAt: null });
  });

  it('lists the latest notifications, newest first', async () => {
    const recent = await recentNotifications(store.db, 'acc1', 2);
    assert.deepEqual(
      recent.map((r) => [r.verdict, r.reasonCode, r.answerStatus]),
      [
        ['received', null, null],
        ['rejected', 'SIGNATURE_MISMATCH', 401],
      ],
    );
  });
});

describe('jobQueueStats', () => {
  let store: Store;
  before(async () => {
    store = createStore('sqlite::memory:');
    await migrate(store);
  });
  after(() => store.close());

  it('counts jobs by task and state, with the oldest run time already due', async () => {
    const now = new Date(T0 + 10 * MIN);
    const job = (id: string, task: string, runAtMs: number) =>
      enqueue(store.db, { id, task, payload: null, runAt: new Date(runAtMs), now: new Date(T0) });
    await job('j1', 'deliver-webhook', T0 + 2 * MIN);
    await job('j2', 'deliver-webhook', T0 + 5 * MIN);
    await job('j3', 'deliver-webhook', T0 + 60 * MIN); // not due yet
    await job('j4', 'reconcile', T0 + 30 * MIN);
    await job('j5', 'reconcile', T0);
    await store.db.updateTable('jobs').set({ state: 'done' }).where('id', '=', 'j5').execute();
    assert.deepEqual(await jobQueueStats(store.db, now), [
      { task: 'deliver-webhook', state: 'ready', count: 3, oldestDueAt: new Date(T0 + 2 * MIN) },
      { task: 'reconcile', state: 'done', count: 1, oldestDueAt: new Date(T0) },
      { task: 'reconcile', state: 'ready', count: 1, oldestDueAt: null },
    ]);
  });
});
