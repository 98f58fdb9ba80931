import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { PaymentStatus } from '../core/index.js';
import type { DeferredCheck, StatusAnswer, StatusIo, StatusQuery } from '../gateways/gateway.js';
import { listJobs } from '../jobs/queue.js';
import type { Worker } from '../jobs/worker.js';
import { findInboxEntry } from '../store/repos/inbox.js';
import { findPayment } from '../store/repos/payments.js';
import { createPayment } from './checkout.js';
import { ingestNotification } from './ingest.js';
import { startEngineWorker } from './runtime.js';
import { FAKE_ACCOUNT, fakeGateway, type TestEngine, testEngine } from './testkit.js';
import { WATCH_TASK, watchTask } from './watch.js';

type WatchQuery = StatusQuery & { knownStatus: PaymentStatus };
type WatchScript = (query: WatchQuery, io: StatusIo & { timeoutMs: number }) => Promise<StatusAnswer>;

/** The fake gateway, telling by long-poll: `watchStatus` runs what the test scripts. */
function longPollGateway(script: { next: WatchScript }) {
  const fake = fakeGateway();
  const asked: WatchQuery[] = [];
  Object.assign(fake.adapter, {
    async watchStatus(_account: unknown, query: WatchQuery, io: StatusIo & { timeoutMs: number }) {
      asked.push(query);
      return script.next(query, io);
    },
  });
  return { fake, asked };
}

const captured = (query: StatusQuery): StatusAnswer => ({
  kind: 'found',
  signals: [
    {
      source: 'poll',
      status: 'captured',
      amount: query.amount,
      gatewayRef: `T-${query.paymentId}`,
      lookup: { paymentId: query.paymentId },
    },
  ],
});

describe('watch: gateways that tell by long-poll', () => {
  let t: TestEngine;
  let worker: Worker | undefined;
  afterEach(async () => {
    await worker?.stop(1_000);
    worker = undefined;
    await t.close();
  });

  const newPayment = () =>
    createPayment(t.engine, {
      account: FAKE_ACCOUNT,
      orderRef: `W-${Math.random()}`,
      amount: { value: 900, currency: 'EUR' },
    });

  async function runWatch(paymentId: string) {
    const jobs = await listJobs(t.engine.store.db, { task: WATCH_TASK, state: 'ready' });
    const job = jobs.find((j) => (j.payload as { paymentId: string }).paymentId === paymentId);
    assert.ok(job, 'a watch job is queued');
    await watchTask(t.engine).run(job, { signal: new AbortController().signal, workerId: 'test' });
  }

  it('queues one watch per payment, and folds the long-poll answer into the payment', async () => {
    const script = { next: async (q: WatchQuery) => captured(q) };
    const { fake, asked } = longPollGateway(script);
    t = await testEngine({ fake });
    const { payment } = await newPayment();
    assert.equal((await listJobs(t.engine.store.db, { task: WATCH_TASK })).length, 1);
    await runWatch(payment.id);
    assert.equal((await findPayment(t.engine.store.db, payment.id))?.status, 'captured');
    assert.equal(asked.length, 1);
    assert.equal(asked[0]?.knownStatus, 'created');
  });

  it('long-polls again after an answer that says nothing new, until the payment is final', async () => {
    let calls = 0;
    const script = {
      next: async (q: WatchQuery, io: StatusIo & { timeoutMs: number }): Promise<StatusAnswer> => {
        calls += 1;
        assert.ok(io.timeoutMs > 0 && io.timeoutMs <= 25_000, 'a bounded long-poll');
        return calls < 3 ? { kind: 'found', signals: [] } : captured(q);
      },
    };
    t = await testEngine({ fake: longPollGateway(script).fake });
    const { payment } = await newPayment();
    await runWatch(payment.id);
    assert.equal(calls, 3);
    assert.equal((await findPayment(t.engine.store.db, payment.id))?.status, 'captured');
  });

  it('throws on a failed long-poll so the worker retries it, and stops when the window is over', async () => {
    const script = {
      next: async (): Promise<StatusAnswer> => ({
        kind: 'failed',
        code: 'GATEWAY_UNAVAILABLE',
        reason: 'HTTP 502',
        retryable: true,
      }),
    };
    const { fake, asked } = longPollGateway(script);
    t = await testEngine({ fake });
    const { payment } = await newPayment();
    await assert.rejects(runWatch(payment.id), /failed: HTTP 502/);
    t.advance(31 * 60_000);
    await runWatch(payment.id);
    assert.equal(asked.length, 1, 'no call once the watch window is over: reconciliation takes over');
  });

  it('runs in its own lane: a held long-poll never holds back other jobs', async () => {
    const fake = fakeGateway();
    let held = 0;
    Object.assign(fake.adapter, {
      // Holds every long-poll until the worker stops.
      watchStatus: (_a: unknown, _q: unknown, io: StatusIo) =>
        new Promise<StatusAnswer>((resolve) => {
          held += 1;
          io.signal.addEventListener('abort', () => resolve({ kind: 'found', signals: [] }), { once: true });
        }),
      verifyNotification: (_a: unknown, request: { body: Uint8Array }) => ({
        kind: 'deferred',
        resource: JSON.parse(Buffer.from(request.body).toString('utf8')).id,
        lookup: {},
      }),
      fetchBack: async (): Promise<StatusAnswer> => ({ kind: 'not-found', reason: 'no such order' }),
    });
    t = await testEngine({ fake, config: { worker: { concurrency: 1, pollInterval: '50ms' } } });
    worker = startEngineWorker(t.engine);
    await newPayment();
    await newPayment();
    const { inboxId } = await ingestNotification(t.engine, {
      accountId: FAKE_ACCOUNT,
      raw: {
        method: 'POST',
        path: `/notify/${FAKE_ACCOUNT}`,
        query: '',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(
          JSON.stringify({ id: 'order-x' } satisfies Partial<DeferredCheck> & { id: string }),
        ),
        sourceIp: '127.0.0.1',
        receivedAt: t.now(),
      },
    });
    for (
      let i = 0;
      i < 200 && (await findInboxEntry(t.engine.store.db, inboxId))?.verdict === 'pending';
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.equal((await findInboxEntry(t.engine.store.db, inboxId))?.verdict, 'rejected');
    assert.equal(held, 2, 'both watches are held at once, beside the main lane');
  });
});
