/**
 * Library mode: createQuittance() in the test's own process, handlers registered in code, payments
 * settled through the real HTTP notify route; handlers run through the queue, once per event.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HANDLER_TASK } from '../../src/engine/apply-signal.js';
import { createQuittance, type EventRecord, type ListeningServer, type Quittance } from '../../src/index.js';
import { listJobs } from '../../src/jobs/queue.js';
import { silentLogger } from '../../src/observability/logger.js';
import {
  ALGORITHM,
  createPayment,
  type Quittance as HarnessQuittance,
  lyraFields,
  notify,
  SHOP,
  SITE_ID,
  TEST_KEY,
} from './harness.js';

const apiKey = `lib_${randomBytes(8).toString('hex')}`;
const config = {
  database: 'sqlite::memory:',
  apiKeys: [apiKey],
  logLevel: 'silent',
  worker: { concurrency: 2, pollInterval: '20ms', lease: '10s' },
  accounts: [
    {
      id: 'shop',
      gateway: 'lyra',
      mode: 'test',
      credentials: { siteId: SITE_ID, key: TEST_KEY, algorithm: ALGORITHM },
      shop: { ...SHOP },
    },
  ],
};

/** Resolves when `predicate` holds, polling; fails after 10 s with `what`. */
async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('library mode: createQuittance', () => {
  let q: Quittance;
  let server: ListeningServer;
  let harness: HarnessQuittance;
  const paid: EventRecord[] = [];
  const failedCalls: EventRecord[] = [];

  before(async () => {
    q = await createQuittance({ config, logger: silentLogger() });
    q.onPaid((event) => {
      paid.push(event);
    });
    q.onFailed(async (event) => {
      failedCalls.push(event);
      if (failedCalls.length === 1) throw new Error('the shop database is busy');
    });
    server = await q.listen(0, '127.0.0.1');
    q.startWorker();
    harness = { url: server.url, engine: q.engine, apiKey, close: async () => {} };
  });
  after(async () => {
    await q?.stop();
  });

  it('runs an onPaid handler once for a payment captured through the notify route', async () => {
    const payment = await createPayment(harness);
    const fields = lyraFields(payment, 'CAPTURED');
    const answer = await notify(harness, 'shop', fields);
    assert.equal(answer.status, 200, answer.text);
    await until(() => paid.length === 1, 'the onPaid handler');

    const again = await notify(harness, 'shop', fields);
    assert.equal(again.status, 200, 'a duplicate notification is acknowledged');
    await q.startWorker().drained();

    assert.equal(paid.length, 1, 'the handler ran once');
    const [event] = paid;
    assert.equal(event?.type, 'payment.captured');
    assert.match(event?.id ?? '', /^evt_/);
    assert.equal(event?.paymentId, payment.id);
    assert.equal(event?.payload.status, 'captured');
    assert.equal(event?.payload.orderRef, payment.orderRef);
    const handlerJobs = (await listJobs(q.engine.store.db, { task: HANDLER_TASK })).filter(
      (j) => (j.payload as { paymentId: string }).paymentId === payment.id,
    );
    assert.deepEqual(
      handlerJobs.map((j) => [(j.payload as { type: string }).type, j.state]),
      [['payment.captured', 'done']],
      'no handler job for payment.authorized, which nobody handles',
    );
  });

  it('retries a handler that throws, through the queue', async () => {
    const payment = await createPayment(harness);
    const answer = await notify(harness, 'shop', lyraFields(payment, 'REFUSED'));
    assert.equal(answer.status, 200, answer.text);
    await until(() => failedCalls.length >= 2, 'the onFailed handler to be retried');
    await q.startWorker().drained();
    assert.equal(failedCalls.length, 2);
    assert.equal(failedCalls[0]?.id, failedCalls[1]?.id, 'the same event, so the same id to deduplicate on');
    const [job] = (await listJobs(q.engine.store.db, { task: HANDLER_TASK })).filter(
      (j) => (j.payload as { paymentId: string }).paymentId === payment.id,
    );
    assert.equal(job?.state, 'done');
    assert.equal(job?.attempts, 2);
  });

  it('refuses an unknown event type', () => {
    assert.throws(() => q.on('payment.paid' as 'payment.captured', () => {}), { code: 'VALIDATION_FAILED' });
  });

  it('reads the config from a file path, and stop() is idempotent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quittance-lib-'));
    try {
      const file = join(dir, 'quittance.json');
      writeFileSync(file, JSON.stringify({ ...config, database: `sqlite:${join(dir, 'q.db')}` }));
      const fromFile = await createQuittance({ config: file, logger: silentLogger() });
      assert.deepEqual([...fromFile.engine.config.accounts.keys()], ['shop']);
      const s = await fromFile.listen(0, '127.0.0.1');
      const health = await fetch(`${s.url}/healthz`);
      assert.equal(health.status, 200);
      await fromFile.stop();
      await fromFile.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an invalid config with CONFIG_INVALID', async () => {
    await assert.rejects(createQuittance({ config: { accounts: [{ id: 'Bad Id' }] } }), {
      code: 'CONFIG_INVALID',
    });
  });
});
