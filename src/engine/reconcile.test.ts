import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type JobRecord, listJobs } from '../jobs/queue.js';
import { listAlerts } from '../store/repos/alerts.js';
import { listEvents } from '../store/repos/events.js';
import { findPayment } from '../store/repos/payments.js';
import { signalsOfPayment } from '../store/repos/signals.js';
import { createPayment } from './checkout.js';
import { ingestNotification } from './ingest.js';
import { reconcilePayment } from './reconcile.js';
import { RECONCILE_TASK, reconcileTask } from './reconcile-task.js';
import { startEngineWorker } from './runtime.js';
import { sweepUnsettled } from './sweep.js';
import { engineTasks } from './tasks.js';
import { FAKE_ACCOUNT, fakeGateway, found, type TestEngine, testEngine } from './testkit.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** The default schedule: 1m,5m,15m,1h,6h,24h. */
const SCHEDULE = [MIN, 5 * MIN, 15 * MIN, HOUR, 6 * HOUR, 24 * HOUR];

let t: TestEngine;
let orders = 0;

async function newPayment(orderRef = `o-${++orders}`) {
  return (
    await createPayment(t.engine, {
      account: FAKE_ACCOUNT,
      orderRef,
      amount: { value: 1250, currency: 'EUR' },
    })
  ).payment;
}

async function notify(paymentId: string, status: string, gatewayRef?: string) {
  return ingestNotification(t.engine, {
    accountId: FAKE_ACCOUNT,
    raw: {
      method: 'POST',
      path: `/notify/${FAKE_ACCOUNT}`,
      query: '',
      headers: { 'content-type': 'application/json' },
      body: new TextEncoder().encode(JSON.stringify({ paymentId, status, gatewayRef })),
      sourceIp: '127.0.0.1',
      receivedAt: t.now(),
    },
  });
}

const reconcileJobs = (paymentId?: string) =>
  listJobs(t.engine.store.db, { task: RECONCILE_TASK }).then((jobs) =>
    jobs.filter((j) => !paymentId || (j.payload as { paymentId: string }).paymentId === paymentId),
  );

const context = () => ({ signal: new AbortController().signal, workerId: 'test' });

/** Runs a reconcile job as the worker would, counting the attempt first. */
async function runJob(job: JobRecord, attempts = job.attempts + 1) {
  await reconcileTask(t.engine).run({ ...job, attempts }, context());
}

describe('reconcilePayment', () => {
  beforeEach(async () => {
    t = await testEngine();
  });
  afterEach(() => t.close());

  it('applies what the gateway says as poll signals, with no inbox entry, and wakes long-polls', async () => {
    const p = await newPayment();
    t.fake.answer = (q) => found(q, 'captured');
    const changed: string[] = [];
    const off = t.engine.bus.onPaymentChanged((id) => changed.push(id));

    const r = await reconcilePayment(t.engine, p.id, { reason: 'test' });
    off();

    assert.deepEqual(r, {
      outcome: 'found',
      settlement: 'applied',
      status: 'captured',
      reason: 'Fake Pay says CAPTURED',
    });
    assert.equal(t.fake.asked.length, 1);
    assert.equal(t.fake.asked[0]?.merchantRef, p.merchantRef);
    const [signal, ...more] = await signalsOfPayment(t.engine.store.db, p.id);
    assert.equal(more.length, 0);
    assert.equal(signal?.source, 'poll');
    assert.equal(signal?.inboxId, null);
    assert.equal(signal?.settlement, 'applied');
    assert.equal((await findPayment(t.engine.store.db, p.id))?.gatewayRef, `T-${p.id}`);
    assert.deepEqual(
      (await listEvents(t.engine.store.db, { paymentId: p.id })).map((e) => e.type),
      ['payment.authorized', 'payment.captured'],
    );
    assert.deepEqual(changed, [p.id]);

    // Asking again changes nothing: a duplicate, journaled.
    const again = await reconcilePayment(t.engine, p.id, { reason: 'test' });
    assert.equal(again.settlement, 'duplicate');
    assert.equal((await listEvents(t.engine.store.db, { paymentId: p.id })).length, 2);
  });

  it('refuses an answer about another payment (the signal names another merchant reference)', async () => {
    const p = await newPayment();
    const other = await newPayment();
    t.fake.answer = (q) => found({ ...q, merchantRef: other.merchantRef }, 'captured');
    const r = await reconcilePayment(t.engine, p.id, { reason: 'test' });
    assert.equal(r.settlement, 'rejected');
    assert.equal(r.status, 'created');
    assert.equal((await findPayment(t.engine.store.db, other.id))?.status, 'created');
  });

  it('not found while young: nothing yet; older than abandonedAfterMs: expired, with a note saying why', async () => {
    const p = await newPayment();
    t.advance(HOUR);
    const young = await reconcilePayment(t.engine, p.id, { reason: 'test' });
    assert.equal(young.outcome, 'not-found');
    assert.equal(young.status, 'created');
    assert.equal(young.settlement, undefined);
    assert.deepEqual(await signalsOfPayment(t.engine.store.db, p.id), []);

    t.advance(HOUR + 1);
    const old = await reconcilePayment(t.engine, p.id, { reason: 'test' });
    assert.equal(old.outcome, 'expired');
    assert.equal(old.settlement, 'applied');
    assert.equal(old.status, 'expired');
    const [signal] = await signalsOfPayment(t.engine.store.db, p.id);
    assert.equal(signal?.source, 'poll');
    assert.equal(signal?.status, 'expired');
    assert.match(signal?.reason ?? '', /Fake Pay has no trace of this payment 2 h after its creation/);
    assert.deepEqual(
      (await listEvents(t.engine.store.db, { paymentId: p.id })).map((e) => e.type),
      ['payment.failed'],
    );
  });

  it('a gateway with no status API: one alert per payment asking a person to check the back office', async () => {
    await t.close();
    t = await testEngine({ fake: fakeGateway({ withStatusApi: false }) });
    const p = await newPayment();
    const first = await reconcilePayment(t.engine, p.id, { reason: 'test' });
    const second = await reconcilePayment(t.engine, p.id, { reason: 'test' });
    assert.equal(first.outcome, 'impossible');
    assert.equal(first.alerted, true);
    assert.equal(second.alerted, false);
    const alerts = await listAlerts(t.engine.store.db, { paymentId: p.id });
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]?.kind, 'reconcile-impossible');
    assert.match(alerts[0]?.message ?? '', /Fake Pay has no status API/);
    assert.match(
      alerts[0]?.message ?? '',
      /A person must check payment .* in the back office of Fake Pay, then record what it shows: quittance settle/,
    );
    assert.equal((await findPayment(t.engine.store.db, p.id))?.status, 'created');
  });

  it('a non-retryable failure (refused credentials): impossible, one alert with the reason', async () => {
    const p = await newPayment();
    t.fake.answer = () => ({
      kind: 'failed',
      code: 'UNAUTHORIZED',
      reason: 'the API password is refused.',
      retryable: false,
    });
    for (let i = 0; i < 3; i++) {
      assert.equal((await reconcilePayment(t.engine, p.id, { reason: 'test' })).outcome, 'impossible');
    }
    const alerts = await listAlerts(t.engine.store.db, { kind: 'reconcile-impossible' });
    assert.equal(alerts.length, 1);
    assert.match(alerts[0]?.message ?? '', /the API password is refused\. A person must check/);
  });

  it('no alert when asked not to (the customer return) or when the payment is already final', async () => {
    const p = await newPayment();
    t.fake.answer = () => ({ kind: 'failed', code: 'UNAUTHORIZED', reason: 'refused', retryable: false });
    assert.equal((await reconcilePayment(t.engine, p.id, { reason: 'r', alert: false })).alerted, false);
    await notify(p.id, 'captured');
    assert.equal((await reconcilePayment(t.engine, p.id, { reason: 'r' })).alerted, false);
    assert.deepEqual(await listAlerts(t.engine.store.db), []);
  });

  it('a retryable failure, a throw or a hang past the timeout: failed, nothing written, no alert', async () => {
    const p = await newPayment();
    const answers = [
      () => ({ kind: 'failed', code: 'GATEWAY_UNAVAILABLE', reason: '503', retryable: true }) as const,
      () => {
        throw new Error('ECONNRESET');
      },
      () => new Promise<never>(() => {}),
    ];
    for (const answer of answers) {
      t.fake.answer = answer;
      const started = Date.now();
      const r = await reconcilePayment(t.engine, p.id, { reason: 'test', timeoutMs: 50 });
      assert.equal(r.outcome, 'failed');
      assert.ok(Date.now() - started < 5_000);
    }
    t.fake.answer = () => new Promise<never>(() => {});
    const hung = await reconcilePayment(t.engine, p.id, { reason: 'test', timeoutMs: 50 });
    assert.match(hung.reason, /did not answer within 50 ms/);
    assert.deepEqual(await signalsOfPayment(t.engine.store.db, p.id), []);
    assert.deepEqual(await listAlerts(t.engine.store.db), []);
  });

  it('hands the adapter an AbortSignal that fires at the deadline', async () => {
    const p = await newPayment();
    let aborted: Promise<void> | undefined;
    t.fake.answer = (_q, io) => {
      aborted = new Promise((resolve) => io.signal.addEventListener('abort', () => resolve()));
      return new Promise<never>(() => {});
    };
    await reconcilePayment(t.engine, p.id, { reason: 'test', timeoutMs: 20 });
    await aborted;
  });

  it('an unknown payment is an error', async () => {
    await assert.rejects(reconcilePayment(t.engine, 'pay_nope', { reason: 'test' }), {
      code: 'UNKNOWN_PAYMENT',
    });
  });
});

describe('the reconcile-payment task', () => {
  beforeEach(async () => {
    t = await testEngine();
  });
  afterEach(() => t.close());

  it('is registered with the worker', () => {
    assert.ok(engineTasks(t.engine)[RECONCILE_TASK]);
  });

  it('creating a payment schedules its first check at created + schedule[0], in the same transaction', async () => {
    const p = await newPayment();
    const [job, ...more] = await reconcileJobs(p.id);
    assert.equal(more.length, 0);
    assert.deepEqual(job?.payload, { paymentId: p.id, step: 0 });
    assert.equal(job?.runAt.getTime(), p.createdAt.getTime() + (SCHEDULE[0] as number));
    assert.equal(job?.uniqueKey, `reconcile:${p.id}:0`);
    // An idempotent replay of the creation schedules nothing more.
    await createPayment(t.engine, {
      account: FAKE_ACCOUNT,
      orderRef: 'replayed',
      amount: { value: 1, currency: 'EUR' },
      idempotencyKey: 'k1',
    });
    await createPayment(t.engine, {
      account: FAKE_ACCOUNT,
      orderRef: 'replayed',
      amount: { value: 1, currency: 'EUR' },
      idempotencyKey: 'k1',
    });
    assert.equal((await reconcileJobs()).length, 2);
  });

  it('walks the schedule while the gateway has nothing, then raises payment-stuck after the last step', async () => {
    await t.close();
    // The gateway knows the payment but nothing is decided, ever: the whole schedule runs, plus the
    // check at the adapter's abandonment time (10 days, later than the schedule's last 24 h).
    const ABANDONED = 10 * 24 * HOUR;
    t = await testEngine({ fake: fakeGateway({ abandonedAfterMs: ABANDONED }) });
    t.fake.answer = () => ({ kind: 'found', signals: [] });
    const p = await newPayment();
    const times = [...SCHEDULE, ABANDONED];
    for (const [step, delay] of times.entries()) {
      const job = (await reconcileJobs(p.id)).find((j) => (j.payload as { step: number }).step === step);
      assert.ok(job, `step ${step} is scheduled`);
      assert.equal(job.runAt.getTime(), p.createdAt.getTime() + delay, `step ${step}`);
      assert.equal(job.uniqueKey, `reconcile:${p.id}:${step}`);
      t.advance(job.runAt.getTime() - t.now().getTime());
      await runJob(job);
      // A job run twice (a lost lease) schedules the next step once.
      await runJob(job);
    }
    assert.equal(t.fake.asked.length, times.length * 2);
    assert.equal((await reconcileJobs(p.id)).length, times.length, 'nothing after the last step');
    const alerts = await listAlerts(t.engine.store.db, { kind: 'payment-stuck' });
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]?.paymentId, p.id);
    assert.match(
      alerts[0]?.message ?? '',
      /is still created 10 d after its creation, after 7 checks at Fake Pay/,
    );
  });

  it('with the default schedule (24 h past the 2 h abandonment) no extra check is added', async () => {
    const p = await newPayment();
    t.fake.answer = () => ({ kind: 'found', signals: [] });
    for (const step of SCHEDULE.keys()) {
      const job = (await reconcileJobs(p.id)).find((j) => (j.payload as { step: number }).step === step);
      assert.ok(job);
      t.advance(job.runAt.getTime() - t.now().getTime());
      await runJob(job);
    }
    assert.equal((await reconcileJobs(p.id)).length, SCHEDULE.length);
    assert.equal((await listAlerts(t.engine.store.db, { kind: 'payment-stuck' })).length, 1);
  });

  it('a schedule shorter than the abandonment time still ends an untraced payment as expired', async () => {
    await t.close();
    t = await testEngine({ config: { reconcile: { schedule: '1s,2s' } } });
    const p = await newPayment();
    for (const step of [0, 1, 2]) {
      const job = (await reconcileJobs(p.id)).find((j) => (j.payload as { step: number }).step === step);
      assert.ok(job, `step ${step}`);
      t.advance(job.runAt.getTime() - t.now().getTime());
      await runJob(job);
    }
    const last = (await reconcileJobs(p.id)).at(-1);
    assert.equal(last?.runAt.getTime(), p.createdAt.getTime() + 2 * HOUR, 'the check at abandonedAfterMs');
    assert.equal((await findPayment(t.engine.store.db, p.id))?.status, 'expired');
    assert.deepEqual(await listAlerts(t.engine.store.db), []);
  });

  it('stops as soon as the payment is final, and skips the question when it already is', async () => {
    const p = await newPayment();
    const [step0] = await reconcileJobs(p.id);
    assert.ok(step0);
    t.advance(MIN);
    await runJob(step0);
    const step1 = (await reconcileJobs(p.id)).find((j) => (j.payload as { step: number }).step === 1);
    assert.ok(step1);
    t.fake.answer = (q) => found(q, 'authorized');
    t.advance(4 * MIN);
    await runJob(step1);
    assert.equal((await findPayment(t.engine.store.db, p.id))?.status, 'authorized');
    assert.equal((await reconcileJobs(p.id)).length, 2, 'final: no step 2');

    const q = await newPayment();
    await notify(q.id, 'refused');
    const [first] = await reconcileJobs(q.id);
    assert.ok(first);
    const asked = t.fake.asked.length;
    await runJob(first);
    assert.equal(t.fake.asked.length, asked, 'a final payment is not asked about');
    assert.equal((await reconcileJobs(q.id)).length, 1);
    assert.deepEqual(await listAlerts(t.engine.store.db), []);
  });

  it('expiry by the gateway ends the chain', async () => {
    const p = await newPayment();
    t.advance(6 * HOUR);
    const [job] = await reconcileJobs(p.id);
    assert.ok(job);
    await runJob(job);
    assert.equal((await findPayment(t.engine.store.db, p.id))?.status, 'expired');
    assert.equal((await reconcileJobs(p.id)).length, 1);
  });

  it('rethrows an unanswered question for the worker to retry, and moves on at the last attempt', async () => {
    const p = await newPayment();
    t.fake.answer = () => ({
      kind: 'failed',
      code: 'GATEWAY_UNAVAILABLE',
      reason: 'HTTP 503.',
      retryable: true,
    });
    const [job] = await reconcileJobs(p.id);
    assert.ok(job);
    await assert.rejects(runJob(job, 1), /the gateway did not answer: HTTP 503/);
    assert.equal((await reconcileJobs(p.id)).length, 1, 'the next step waits for this one');
    await runJob(job, job.maxAttempts);
    assert.equal((await reconcileJobs(p.id)).length, 2, 'out of attempts: the schedule goes on');
  });

  it('interrupted (the worker stops): rethrown even at the last attempt, the schedule does not move on', async () => {
    const p = await newPayment();
    const [job] = await reconcileJobs(p.id);
    assert.ok(job);
    const controller = new AbortController();
    t.fake.answer = () => new Promise<never>(() => {});
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(
      reconcileTask(t.engine).run(
        { ...job, attempts: job.maxAttempts },
        { signal: controller.signal, workerId: 'w' },
      ),
      /interrupted/,
    );
    assert.equal((await reconcileJobs(p.id)).length, 1);
  });

  it('a gateway with no status API is not asked again after its alert', async () => {
    await t.close();
    t = await testEngine({ fake: fakeGateway({ withStatusApi: false }) });
    const p = await newPayment();
    const [job] = await reconcileJobs(p.id);
    assert.ok(job);
    await runJob(job);
    assert.equal((await reconcileJobs(p.id)).length, 1);
    assert.equal((await listAlerts(t.engine.store.db, { kind: 'reconcile-impossible' })).length, 1);
  });

  it('a payload naming no payment is a permanent failure', async () => {
    await assert.rejects(
      reconcileTask(t.engine).run(
        {
          id: 'job_x',
          task: RECONCILE_TASK,
          payload: { step: 0 },
          state: 'ready',
          runAt: t.now(),
          attempts: 1,
          maxAttempts: 8,
          lockedBy: null,
          lockedUntil: null,
          lastError: null,
          uniqueKey: null,
          createdAt: t.now(),
          updatedAt: t.now(),
        },
        context(),
      ),
      { name: 'PermanentJobError' },
    );
  });

  it('runs in the worker when due', async () => {
    const p = await newPayment();
    t.fake.answer = (q) => found(q, 'captured');
    t.advance(MIN);
    const worker = startEngineWorker(t.engine);
    try {
      await worker.drained();
    } finally {
      await worker.stop(1_000);
    }
    assert.equal((await findPayment(t.engine.store.db, p.id))?.status, 'captured');
    const [job] = await reconcileJobs(p.id);
    assert.equal(job?.state, 'done');
  });
});

describe('sweepUnsettled', () => {
  beforeEach(async () => {
    t = await testEngine();
  });
  afterEach(() => t.close());

  it('reconciles every open payment older than the threshold and counts the outcomes', async () => {
    const byOrder: Record<string, 'captured' | 'refused' | 'not-found' | 'fail' | 'hang'> = {};
    const add = async (kind: (typeof byOrder)[string]) => {
      const p = await newPayment();
      byOrder[p.orderRef] = kind;
      return p;
    };
    t.fake.answer = (q) => {
      switch (byOrder[q.orderRef]) {
        case 'captured':
          return found(q, 'captured');
        case 'refused':
          return found(q, 'refused');
        case 'fail':
          return { kind: 'failed', code: 'GATEWAY_UNAVAILABLE', reason: '502', retryable: true };
        case 'hang':
          return new Promise<never>(() => {});
        default:
          return { kind: 'not-found', reason: 'unknown order.' };
      }
    };
    for (const kind of ['captured', 'captured', 'refused', 'not-found', 'fail', 'hang'] as const)
      await add(kind);
    const alreadyFinal = await add('captured');
    await notify(alreadyFinal.id, 'captured');
    t.advance(20 * MIN);
    const young = await add('captured');

    const progress: number[] = [];
    const summary = await sweepUnsettled(t.engine, {
      olderThanMs: 10 * MIN,
      timeoutMs: 100,
      onProgress: ({ done }) => progress.push(done),
    });

    assert.equal(summary.total, 6);
    assert.deepEqual(summary.outcomes, {
      found: 3,
      expired: 0,
      'not-found': 1,
      failed: 2,
      impossible: 0,
      error: 0,
    });
    assert.equal(summary.final, 3);
    assert.equal(summary.open, 3);
    assert.deepEqual(progress, [0, 1, 2, 3, 4, 5, 6]);
    assert.equal((await findPayment(t.engine.store.db, young.id))?.status, 'created', 'too young');
    assert.ok(!t.fake.asked.some((q) => q.paymentId === alreadyFinal.id || q.paymentId === young.id));

    // Everything old enough, once more: only the still-open ones are asked.
    const again = await sweepUnsettled(t.engine, { olderThanMs: 0, timeoutMs: 100 });
    assert.equal(again.total, 4);
  });

  it('filters by account and refuses an unknown one', async () => {
    await newPayment();
    assert.equal((await sweepUnsettled(t.engine, { olderThanMs: 0, account: FAKE_ACCOUNT })).total, 1);
    await assert.rejects(sweepUnsettled(t.engine, { olderThanMs: 0, account: 'nope' }), {
      code: 'UNKNOWN_ACCOUNT',
    });
  });
});
