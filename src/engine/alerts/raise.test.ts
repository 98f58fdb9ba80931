import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import { listJobs } from '../../jobs/queue.js';
import { createStore } from '../../store/db.js';
import type { Store } from '../../store/dialect.js';
import * as init from '../../store/migrations/0001-init.js';
import * as delivery from '../../store/migrations/0002-delivery.js';
import * as idempotency from '../../store/migrations/0003-idempotency.js';
import * as fulfillment from '../../store/migrations/0004-fulfillment.js';
import { migrate } from '../../store/migrations/index.js';
import { listAlerts, MAX_ALERT_SAMPLES, resolveAlert } from '../../store/repos/alerts.js';
import { type TestEngine, testEngine } from '../testkit.js';
import { ALERT_MAIL_TASK, ALERT_WEBHOOK_TASK, alertCause, hourBucket, raiseAlert } from './raise.js';

const MIN = 60_000;
const CHANNELS = {
  email: { smtp: 'smtp://u:p@127.0.0.1:2525', from: 'quittance@shop.example', to: ['ops@shop.example'] },
  webhook: { url: 'https://ops.example/hook', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
};

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const overdue = (paymentId: string) => ({
  kind: 'notification-overdue',
  accountId: 'acc1',
  paymentId,
  message: ({ count }: { count: number }) => `acc1: ${count} payments without notification`,
});

describe('raiseAlert: one record per cause per UTC hour', () => {
  it('folds raises of one cause within the hour: count, last seen, samples bounded, message recounted', async () => {
    t = await testEngine({ start: new Date('2030-01-15T10:05:00Z') });
    const first = await raiseAlert(t.engine, t.engine.store.db, overdue('pay_1'));
    assert.equal(first.created, true);
    for (let i = 2; i <= 8; i++) {
      t.advance(MIN);
      const again = await raiseAlert(t.engine, t.engine.store.db, overdue(`pay_${i}`));
      assert.equal(again.created, false);
      assert.equal(again.alert.id, first.alert.id);
    }
    const [alert, ...rest] = await listAlerts(t.engine.store.db);
    assert.equal(rest.length, 0);
    assert.ok(alert);
    assert.equal(alert.count, 8);
    assert.equal(alert.cause, 'notification-overdue:acc1');
    assert.equal(alert.severity, 'critical');
    assert.equal(alert.paymentId, 'pay_1');
    assert.deepEqual(alert.samples, ['pay_1', 'pay_2', 'pay_3', 'pay_4', 'pay_5']);
    assert.equal(alert.samples.length, MAX_ALERT_SAMPLES);
    assert.equal(alert.firstSeenAt.toISOString(), '2030-01-15T10:05:00.000Z');
    assert.equal(alert.lastSeenAt.toISOString(), '2030-01-15T10:12:00.000Z');
    assert.equal(alert.message, 'acc1: 8 payments without notification');
    // Found by any of its samples, not only by its first payment.
    assert.equal((await listAlerts(t.engine.store.db, { paymentId: 'pay_3' })).length, 1);
  });

  it("a fixed message is the first occurrence's; a sample already kept is not repeated", async () => {
    t = await testEngine();
    const { engine } = t;
    const raise = (m: string) =>
      raiseAlert(engine, engine.store.db, {
        kind: 'payment-stuck',
        accountId: 'a',
        paymentId: 'pay_1',
        message: m,
      });
    await raise('first');
    await raise('second');
    const [alert] = await listAlerts(t.engine.store.db);
    assert.equal(alert?.message, 'first');
    assert.equal(alert?.count, 2);
    assert.deepEqual(alert?.samples, ['pay_1']);
  });

  it('another cause, another record: kind, account and subject all count', async () => {
    t = await testEngine();
    const db = t.engine.store.db;
    await raiseAlert(t.engine, db, {
      kind: 'delivery-failed',
      accountId: 'a',
      subject: 'https://x/1',
      message: 'm',
    });
    await raiseAlert(t.engine, db, {
      kind: 'delivery-failed',
      accountId: 'a',
      subject: 'https://x/2',
      message: 'm',
    });
    await raiseAlert(t.engine, db, {
      kind: 'delivery-failed',
      accountId: 'b',
      subject: 'https://x/1',
      message: 'm',
    });
    await raiseAlert(t.engine, db, { kind: 'payment-stuck', accountId: 'a', message: 'm' });
    assert.equal((await listAlerts(db)).length, 4);
    assert.equal(alertCause({ kind: 'k', accountId: 'a', subject: 'https://x/1' }), 'k:a:https://x/1');
    assert.equal(alertCause({ kind: 'k' }), 'k:-');
  });

  it('a new UTC hour opens a new record, and the earlier one stays as it was', async () => {
    t = await testEngine({ start: new Date('2030-01-15T10:59:00Z') });
    const a = await raiseAlert(t.engine, t.engine.store.db, overdue('pay_1'));
    t.advance(2 * MIN);
    const b = await raiseAlert(t.engine, t.engine.store.db, overdue('pay_2'));
    assert.equal(b.created, true);
    assert.notEqual(a.alert.id, b.alert.id);
    const alerts = await listAlerts(t.engine.store.db);
    assert.deepEqual(
      alerts.map((x) => [x.count, x.samples]),
      [
        [1, ['pay_2']],
        [1, ['pay_1']],
      ],
    );
    assert.equal(hourBucket(new Date('2030-01-15T10:59:59.999Z')), '2030-01-15T10');
  });

  it('resolved within the hour: the same cause opens a new record (and is delivered again)', async () => {
    t = await testEngine({ config: { alerts: { ...CHANNELS } } });
    const db = t.engine.store.db;
    const a = await raiseAlert(t.engine, db, overdue('pay_1'));
    assert.equal(await resolveAlert(db, a.alert.id, t.now()), true);
    assert.equal(await resolveAlert(db, a.alert.id, t.now()), false, 'resolving twice does nothing');
    t.advance(MIN);
    const b = await raiseAlert(t.engine, db, overdue('pay_2'));
    assert.equal(b.created, true);
    assert.equal((await listAlerts(db, { open: true })).length, 1);
    const jobs = await listJobs(db);
    assert.equal(jobs.filter((j) => j.task === ALERT_MAIL_TASK).length, 2);
  });
});

describe('raiseAlert: deliveries', () => {
  it('one job per configured channel when a record opens, none on folds, in the same transaction', async () => {
    t = await testEngine({ config: { alerts: { ...CHANNELS } } });
    const { engine } = t;
    const db = engine.store.db;
    const a = await raiseAlert(engine, db, overdue('pay_1'));
    await raiseAlert(engine, db, overdue('pay_2'));
    const jobs = await listJobs(db);
    assert.deepEqual(
      jobs.map((j) => [j.task, j.uniqueKey, (j.payload as { alertId: string }).alertId]).sort(),
      [
        [ALERT_MAIL_TASK, `${ALERT_MAIL_TASK}:${a.alert.id}`, a.alert.id],
        [ALERT_WEBHOOK_TASK, `${ALERT_WEBHOOK_TASK}:${a.alert.id}`, a.alert.id],
      ],
    );

    // A transaction that fails after raising leaves neither the record nor its jobs.
    await assert.rejects(
      db.transaction().execute(async (tx) => {
        await raiseAlert(engine, tx, { kind: 'payment-stuck', accountId: 'z', message: 'm' });
        throw new Error('rolled back');
      }),
    );
    assert.equal((await listAlerts(db, { kind: 'payment-stuck' })).length, 0);
    assert.equal((await listJobs(db)).length, 2);
  });

  it('below minSeverity: recorded, not delivered; no channel configured: nothing enqueued', async () => {
    t = await testEngine({ config: { alerts: { ...CHANNELS, minSeverity: 'critical' } } });
    await raiseAlert(t.engine, t.engine.store.db, { kind: 'payment-stuck', accountId: 'a', message: 'm' });
    assert.equal((await listJobs(t.engine.store.db)).length, 0);
    await raiseAlert(t.engine, t.engine.store.db, overdue('pay_1'));
    assert.equal((await listJobs(t.engine.store.db)).length, 2);
    await t.close();
    t = await testEngine();
    await raiseAlert(t.engine, t.engine.store.db, overdue('pay_1'));
    assert.equal((await listJobs(t.engine.store.db)).length, 0);
  });
});

describe('raiseAlert: property', () => {
  it('every raise is counted exactly once, records never outnumber (cause, hour) pairs, samples stay bounded', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            cause: fc.constantFrom('a', 'b', 'c'),
            advanceMs: fc.integer({ min: 0, max: 40 * MIN }),
            payment: fc.integer({ min: 1, max: 9 }),
            resolveFirst: fc.boolean(),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        async (raises) => {
          const e = await testEngine({ start: new Date('2030-01-15T10:00:00Z') });
          try {
            const db = e.engine.store.db;
            const pairs = new Set<string>();
            let resolves = 0;
            for (const r of raises) {
              e.advance(r.advanceMs);
              if (r.resolveFirst) {
                const [open] = await listAlerts(db, { open: true, accountId: r.cause });
                if (open && (await resolveAlert(db, open.id, e.now()))) resolves++;
              }
              pairs.add(`${r.cause}@${hourBucket(e.now())}`);
              await raiseAlert(e.engine, db, {
                kind: 'k',
                accountId: r.cause,
                paymentId: `pay_${r.payment}`,
                message: 'm',
              });
            }
            const alerts = await listAlerts(db, { limit: 1000 });
            assert.equal(
              alerts.reduce((sum, a) => sum + a.count, 0),
              raises.length,
            );
            assert.ok(alerts.length <= pairs.size + resolves);
            assert.ok(alerts.length >= pairs.size);
            for (const a of alerts) {
              assert.ok(a.samples.length <= Math.min(a.count, MAX_ALERT_SAMPLES));
              assert.equal(new Set(a.samples).size, a.samples.length);
            }
            // At most one open record per cause and hour.
            const open = alerts.filter((a) => a.resolvedAt === null).map((a) => a.uniqueKey);
            assert.equal(new Set(open).size, open.length);
          } finally {
            await e.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('migration 0005', () => {
  it('turns existing alerts into one-occurrence records of cause kind:account, their payment a sample', async () => {
    const store = createStore('sqlite::memory:');
    try {
      // Up to 0004, then rows as the old code wrote them, then the rest.
      await migrateUpTo0004(store);
      await sql`insert into alerts (id, kind, account_id, payment_id, message, unique_key, created_at, resolved_at)
        values ('alr_1', 'payment-stuck', 'acc1', 'pay_9', 'stuck', 'payment-stuck:pay_9', 1000, null),
               ('alr_2', 'endpoint-disabled', null, null, 'off', 'endpoint-disabled:x:1', 2000, 3000)`.execute(
        store.db,
      );
      await migrate(store);
      const alerts = await listAlerts(store.db);
      assert.deepEqual(
        alerts.map((a) => [
          a.id,
          a.cause,
          a.count,
          a.samples,
          a.firstSeenAt.getTime(),
          a.lastSeenAt.getTime(),
          a.severity,
        ]),
        [
          ['alr_2', 'endpoint-disabled:-', 1, [], 2000, 2000, 'warning'],
          ['alr_1', 'payment-stuck:acc1', 1, ['pay_9'], 1000, 1000, 'warning'],
        ],
      );
      assert.equal((await listAlerts(store.db, { paymentId: 'pay_9' }))[0]?.id, 'alr_1');
    } finally {
      await store.close();
    }
  });
});

/** The schema as it was before 0005, recorded in the same migration table `migrate` reads. */
async function migrateUpTo0004(store: Store): Promise<void> {
  const steps = {
    '0001-init': init,
    '0002-delivery': delivery,
    '0003-idempotency': idempotency,
    '0004-fulfillment': fulfillment,
  };
  const migrations: Record<string, Migration> = Object.fromEntries(
    Object.entries(steps).map(([name, step]) => [
      name,
      { up: (db: Kysely<unknown>) => step.up(db, store.capabilities) },
    ]),
  );
  const result = await new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'quittance_migrations',
    migrationLockTableName: 'quittance_migrations_lock',
  }).migrateToLatest();
  if (result.error) throw result.error;
}
