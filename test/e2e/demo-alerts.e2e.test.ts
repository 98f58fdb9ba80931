import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runDemo } from '../../src/cli/demo/run.js';
import { isPaid, type PaymentStatus } from '../../src/core/index.js';
import { createStore } from '../../src/store/db.js';
import { findPayment } from '../../src/store/repos/payments.js';
import { signalsOfPayment } from '../../src/store/repos/signals.js';

const dir = mkdtempSync(join(tmpdir(), 'quittance-demo-alerts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const demo = (dropNotifications: boolean, file: string) =>
  runDemo({
    gateway: 'lyra',
    payments: 20,
    seed: 42,
    concurrency: 8,
    timeScale: 0.0005,
    databaseFile: join(dir, file),
    dropNotifications,
  });

describe('demo --drop-notifications (issue 6: the gateway cannot reach us)', () => {
  it('every notification dropped: nothing lost, ONE notification-overdue alert for the account, its samples paid without a notification', async () => {
    const summary = await demo(true, 'drop.db');
    assert.equal(summary.lost, 0);
    assert.equal(summary.duplicateEffects + summary.forgedAccepted + summary.wrongAmountAccepted, 0);
    assert.equal(summary.faultsInjected['drop-all'], 20);
    assert.deepEqual(summary.alerts, { 'notification-overdue': 1 });

    const [alert] = summary.alertDetails;
    assert.ok(alert);
    assert.equal(alert.account, 'demo');
    const paid = Object.entries(summary.byStatus)
      .filter(([status]) => isPaid(status as PaymentStatus))
      .reduce((sum, [, n]) => sum + n, 0);
    assert.ok(paid > 0);
    assert.equal(alert.count, paid, 'one occurrence per payment paid by its return');
    assert.match(
      alert.message,
      new RegExp(`^demo: ${paid} payments paid according to the customer's return`),
    );
    assert.match(
      alert.message,
      /cannot reach http:\/\/127\.0\.0\.1:\d+\/notify\/demo: run `quittance doctor .* --gateway lyra`/,
    );
    assert.equal(alert.samples.length, Math.min(paid, 5));
    assert.equal(new Set(alert.samples).size, alert.samples.length);

    const store = createStore(`sqlite:${join(dir, 'drop.db')}`);
    try {
      for (const id of alert.samples) {
        const payment = await findPayment(store.db, id);
        assert.ok(payment && isPaid(payment.status), `${id} is a paid payment`);
        const signals = await signalsOfPayment(store.db, id);
        assert.ok(!signals.some((s) => s.source === 'notification'), `${id} never had a notification`);
      }
    } finally {
      await store.close();
    }
  });

  it('a normal run raises no notification-overdue alert', async () => {
    const summary = await demo(false, 'normal.db');
    assert.equal(summary.lost, 0);
    assert.equal(summary.alerts['notification-overdue'], undefined);
  });
});
