/**
 * Issue 8 part 3: the same notification delivered to three instances at the same instant settles
 * once and produces one effect; a return, a notification and a poll racing on different instances
 * settle once. Three instances, real HTTP servers each with its own pg Pool, on one PostgreSQL
 * database (cluster.ts says why in one process).
 *
 * ROUNDS (default 100) rounds per scenario; QUITTANCE_RACE_ROUNDS raises it for a heavier run.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeForm } from '../../src/gateways/_shared/form-codec.js';
import { type CreatedPayment, createPayment, lyraFields, type Quittance } from '../e2e/harness.js';
import { postgresUnderTest } from '../support/dialects.js';
import { type Cluster, type Instance, startCluster } from './cluster.js';

const ROUNDS = Number(process.env.QUITTANCE_RACE_ROUNDS ?? 100);

const asQuittance = (i: Instance): Quittance => ({ ...i, close: async () => {} });

function post(url: string, fields: Readonly<Record<string, string>>, redirect = false) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: encodeForm(fields),
    ...(redirect ? { redirect: 'manual' as const } : {}),
  });
}

/** What was written for one payment: signals by source and settlement, events by type, effect jobs. */
async function outcomeOf(instance: Instance, paymentId: string) {
  const db = instance.engine.store.db;
  const signals = await db
    .selectFrom('signals')
    .select(['source', 'settlement', 'status'])
    .where('payment_id', '=', paymentId)
    .execute();
  const events = await db
    .selectFrom('events')
    .select(['id', 'type'])
    .where('payment_id', '=', paymentId)
    .execute();
  const jobs = await db
    .selectFrom('jobs')
    .select(['unique_key'])
    .where('task', '=', 'deliver-webhook')
    .where('payload_json', 'like', `%${paymentId}%`)
    .execute();
  const payment = await db
    .selectFrom('payments')
    .select(['status', 'needs_review', 'version'])
    .where('id', '=', paymentId)
    .executeTakeFirstOrThrow();
  return { signals, events, jobs, payment };
}

function assertOneEffectEach(outcome: Awaited<ReturnType<typeof outcomeOf>>, round: number) {
  const types = outcome.events.map((e) => e.type).sort();
  assert.deepEqual(types, [...new Set(types)], `round ${round}: an event type recorded twice: ${types}`);
  assert.ok(types.length > 0, `round ${round}: no event at all`);
  assert.equal(outcome.jobs.length, outcome.events.length, `round ${round}: one delivery job per event`);
  const applied = outcome.signals.filter((s) => s.settlement === 'applied').map((s) => s.status);
  assert.deepEqual(applied, [...new Set(applied)], `round ${round}: a status applied twice`);
}

// SQLite is not here: two better-sqlite3 connections in one thread cannot wait for each other (the
// busy wait blocks the thread that holds the lock), so its two-writer case runs in processes
// (sqlite-two-processes.test.ts).
const postgres = await postgresUnderTest();
for (const dialect of postgres ? [postgres] : []) {
  const count = 3;
  describe(`races on ${dialect.name}: ${count} instances on one database`, () => {
    let cluster: Cluster;
    let instances: readonly Instance[];
    before(async () => {
      cluster = await startCluster(await dialect.freshUrl(), count);
      instances = cluster.instances;
    });
    after(async () => {
      await cluster?.close();
    });

    async function newPayment(round: number): Promise<CreatedPayment> {
      return createPayment(asQuittance(instances[round % count] as Instance), {
        orderRef: `RACE-${dialect.name}-${round}-${Math.random().toString(36).slice(2, 8)}`,
      });
    }

    it(`the same signed notification POSTed to every instance at once: one applied, the others duplicates, one effect each (${ROUNDS} rounds)`, async () => {
      const durations: number[] = [];
      let overlapped = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const payment = await newPayment(round);
        const fields = lyraFields(payment, 'CAPTURED');
        const started = performance.now();
        const answers = await Promise.all(instances.map((i) => post(`${i.url}/notify/shop`, fields)));
        durations.push(performance.now() - started);
        for (const answer of answers) {
          const text = await answer.text();
          assert.equal(answer.status, 200, `round ${round}: the gateway got ${answer.status} ${text}`);
        }
        const outcome = await outcomeOf(instances[0] as Instance, payment.id);
        const fromNotifications = outcome.signals.filter((s) => s.source === 'notification');
        assert.equal(fromNotifications.length, count, `round ${round}: every delivery journaled`);
        assert.equal(
          fromNotifications.filter((s) => s.settlement === 'applied').length,
          1,
          `round ${round}: one applied: ${JSON.stringify(fromNotifications)}`,
        );
        assert.equal(fromNotifications.filter((s) => s.settlement === 'duplicate').length, count - 1);
        assertOneEffectEach(outcome, round);
        assert.equal(outcome.payment.status, 'captured');
        if (await allOverlapped(instances[0] as Instance, payment.id)) overlapped++;
      }
      report(dialect.name, 'same notification', durations);
      console.log(
        `# rounds where all ${count} transactions were open at the same time: ${overlapped}/${ROUNDS}`,
      );
    });

    it(`a return, a notification and a poll racing on different instances settle once (${ROUNDS} rounds)`, async () => {
      const durations: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const payment = await newPayment(round);
        const notification = lyraFields(payment, 'CAPTURED');
        const uuid = notification.vads_trans_uuid as string;
        cluster.lyra.set(payment.id, { uuid, detailedStatus: 'CAPTURED' });
        const back = lyraFields(payment, 'CAPTURED', { source: 'return', uuid });
        const [a, b, c] = [0, 1, 2].map((k) => instances[(round + k) % count] as Instance) as [
          Instance,
          Instance,
          Instance,
        ];
        const started = performance.now();
        const [returned, notified, polled] = await Promise.all([
          post(`${a.url}/return/shop/${payment.id}`, back, true),
          post(`${b.url}/notify/shop`, notification),
          fetch(`${c.url}/api/payments/${payment.id}/reconcile`, {
            method: 'POST',
            headers: { authorization: `Bearer ${c.apiKey}` },
          }),
        ]);
        durations.push(performance.now() - started);
        assert.ok(
          [302, 303].includes(returned.status),
          `round ${round}: return answered ${returned.status} ${await returned.text()}`,
        );
        assert.equal(notified.status, 200, `round ${round}: notification answered ${await notified.text()}`);
        assert.equal(polled.status, 200, `round ${round}: reconcile answered ${await polled.text()}`);
        cluster.lyra.delete(payment.id);
        const outcome = await outcomeOf(a, payment.id);
        assert.equal(outcome.payment.status, 'captured', `round ${round}`);
        assert.equal(outcome.payment.needs_review, 0, `round ${round}: no false conflict`);
        const settledBy = outcome.signals.filter(
          (s) => s.settlement === 'applied' && s.status === 'captured',
        );
        assert.equal(settledBy.length, 1, `round ${round}: settled once: ${JSON.stringify(outcome.signals)}`);
        assertOneEffectEach(outcome, round);
      }
      report(dialect.name, 'return + notification + poll', durations);
    });
  });
}

/** Whether every inbox entry of the payment was received before the first of them was processed. */
async function allOverlapped(instance: Instance, paymentId: string): Promise<boolean> {
  const rows = await instance.engine.store.db
    .selectFrom('inbox')
    .innerJoin('signals', 'signals.inbox_id', 'inbox.id')
    .select(['inbox.received_at', 'inbox.processed_at'])
    .where('signals.payment_id', '=', paymentId)
    .execute();
  const lastReceived = Math.max(...rows.map((r) => Number(r.received_at)));
  const firstProcessed = Math.min(...rows.map((r) => Number(r.processed_at)));
  return lastReceived < firstProcessed;
}

function report(dialect: string, scenario: string, durations: number[]): void {
  const sorted = [...durations].sort((x, y) => x - y);
  const at = (q: number) =>
    (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1);
  console.log(
    `# ${dialect} ${scenario}: ${durations.length} rounds, race p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`,
  );
}
