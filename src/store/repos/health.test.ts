import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PaymentStatus, SignalSource } from '../../core/index.js';
import { createStore } from '../db.js';
import type { Store } from '../dialect.js';
import { migrate } from '../migrations/index.js';
import { upsertAccount } from './accounts.js';
import { listOverdueNotifications } from './health.js';
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
