import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { PaymentStatus } from '../core/index.js';
import type { DeferredCheck, GatewaySignal, StatusAnswer, StoredNotification } from '../gateways/gateway.js';
import { type JobRecord, listJobs } from '../jobs/queue.js';
import { listAlerts } from '../store/repos/alerts.js';
import { findInboxEntry } from '../store/repos/inbox.js';
import { findPayment } from '../store/repos/payments.js';
import { signalsOfInbox } from '../store/repos/signals.js';
import { createPayment } from './checkout.js';
import { confirms, FETCH_BACK_FAILED_ALERT, FETCH_BACK_TASK, fetchBackTask } from './fetch-back.js';
import { ingestNotification } from './ingest.js';
import { FAKE_ACCOUNT, fakeGateway, type TestEngine, testEngine } from './testkit.js';

/**
 * A fetch-back protocol on the fake gateway: the notification is JSON `{ "id", "claims"? }`, never
 * trusted; `fetchBack` answers what the test scripts for that id.
 */
function fetchBackGateway() {
  const fake = fakeGateway();
  const asked: DeferredCheck[] = [];
  const stored: (StoredNotification | undefined)[] = [];
  let script: (check: DeferredCheck) => StatusAnswer = () => ({
    kind: 'not-found',
    reason: 'no such payment',
  });
  Object.assign(fake.adapter, {
    verifyNotification(_account: unknown, request: { body: Uint8Array }) {
      try {
        const body = JSON.parse(Buffer.from(request.body).toString('utf8')) as {
          id: string;
          claims?: PaymentStatus;
        };
        return { kind: 'deferred', resource: body.id, claimed: body.claims, lookup: { gatewayRef: body.id } };
      } catch {
        return { kind: 'unparseable', code: 'MALFORMED_BODY', reason: 'not JSON' };
      }
    },
    async fetchBack(
      _account: unknown,
      check: DeferredCheck,
      _io: unknown,
      notification?: StoredNotification,
    ) {
      asked.push(check);
      stored.push(notification);
      return script(check);
    },
  });
  return {
    fake,
    asked,
    stored,
    answer(next: (check: DeferredCheck) => StatusAnswer) {
      script = next;
    },
  };
}

describe('fetch-back: notifications that carry nothing to trust', () => {
  let t: TestEngine;
  let gw: ReturnType<typeof fetchBackGateway>;
  beforeEach(async () => {
    gw = fetchBackGateway();
    t = await testEngine({ fake: gw.fake });
  });
  afterEach(() => t.close());

  const notify = (body: unknown) =>
    ingestNotification(t.engine, {
      accountId: FAKE_ACCOUNT,
      raw: {
        method: 'POST',
        path: `/notify/${FAKE_ACCOUNT}`,
        query: '',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
        sourceIp: '127.0.0.1',
        receivedAt: t.now(),
      },
    });

  async function newPayment(orderRef: string) {
    const { payment } = await createPayment(t.engine, {
      account: FAKE_ACCOUNT,
      orderRef,
      amount: { value: 1250, currency: 'EUR' },
    });
    return payment;
  }

  const gatewaySays =
    (paymentId: string, status: PaymentStatus, value = 1250) =>
    (check: DeferredCheck): StatusAnswer => ({
      kind: 'found',
      signals: [
        {
          source: 'notification',
          status,
          amount: { value, currency: 'EUR' },
          gatewayRef: check.resource,
          gatewayStatus: status.toUpperCase(),
          lookup: { paymentId },
        } satisfies GatewaySignal,
      ],
    });

  async function fetchJobs(): Promise<JobRecord[]> {
    return listJobs(t.engine.store.db, { task: FETCH_BACK_TASK, state: 'ready' });
  }

  /** Runs the queued fetch-back job as the worker would, attempt counted. */
  async function runFetchBack(attempts = 1) {
    const [job] = await fetchJobs();
    assert.ok(job, 'a fetch-back job is queued');
    const controller = new AbortController();
    await fetchBackTask(t.engine).run({ ...job, attempts }, { signal: controller.signal, workerId: 'test' });
  }

  it('stores, acknowledges and queues one job; the payment does not move before the gateway is asked', async () => {
    const payment = await newPayment('FB-1');
    const result = await notify({ id: 'gw_1', claims: 'captured' });
    assert.equal(result.verdict, 'pending');
    assert.equal(result.reply.status, 200);
    assert.equal(result.applied.length, 0);
    assert.equal((await findPayment(t.engine.store.db, payment.id))?.status, 'created');
    const jobs = await fetchJobs();
    assert.equal(jobs.length, 1);
    assert.deepEqual((jobs[0]?.payload as { check?: DeferredCheck } | undefined)?.check, {
      kind: 'deferred',
      resource: 'gw_1',
      claimed: 'captured',
      lookup: { gatewayRef: 'gw_1' },
    });
    const entry = await findInboxEntry(t.engine.store.db, result.inboxId);
    assert.equal(entry?.verdict, 'pending');
    assert.match(entry?.reason ?? '', /waiting for the answer of Fake Pay about gw_1/);
  });

  it('settles from the fetched state when it confirms the claim', async () => {
    const payment = await newPayment('FB-2');
    const { inboxId } = await notify({ id: 'gw_2', claims: 'captured' });
    gw.answer(gatewaySays(payment.id, 'captured'));
    await runFetchBack();
    assert.equal((await findPayment(t.engine.store.db, payment.id))?.status, 'captured');
    const entry = await findInboxEntry(t.engine.store.db, inboxId);
    assert.equal(entry?.verdict, 'verified');
    assert.match(entry?.reason ?? '', /confirmed by Fake Pay: captured \(applied\)/);
    const signals = await signalsOfInbox(t.engine.store.db, inboxId);
    assert.deepEqual(
      signals.map((s) => [s.source, s.status, s.settlement]),
      [['notification', 'captured', 'applied']],
    );
    assert.deepEqual(
      gw.asked.map((c) => c.resource),
      ['gw_2'],
    );
  });

  it('gives fetchBack the stored notification, byte for byte (postback protocols send it back)', async () => {
    const payment = await newPayment('FB-STORED');
    const body = JSON.stringify({ id: 'gw_stored', claims: 'captured' });
    await notify(body);
    gw.answer(gatewaySays(payment.id, 'captured'));
    await runFetchBack();
    assert.equal(gw.stored.length, 1);
    assert.deepEqual(Buffer.from(gw.stored[0]?.body ?? []).toString('utf8'), body);
    assert.equal(gw.stored[0]?.bodyTruncated, false);
  });

  it('rejects a notification about a payment the gateway does not have, and changes nothing', async () => {
    const payment = await newPayment('FB-3');
    const { inboxId } = await notify({ id: 'gw_forged', claims: 'captured' });
    await runFetchBack();
    const entry = await findInboxEntry(t.engine.store.db, inboxId);
    assert.equal(entry?.verdict, 'rejected');
    assert.equal(entry?.reasonCode, 'UNKNOWN_AT_GATEWAY');
    assert.match(entry?.reason ?? '', /has no payment gw_forged/);
    assert.equal((await findPayment(t.engine.store.db, payment.id))?.status, 'created');
    assert.equal((await signalsOfInbox(t.engine.store.db, inboxId)).length, 0);
  });

  it('marks a claim the gateway contradicts as not genuine, and applies the gateway state as a poll', async () => {
    const payment = await newPayment('FB-4');
    const { inboxId } = await notify({ id: 'gw_4', claims: 'captured' });
    gw.answer(gatewaySays(payment.id, 'refused'));
    await runFetchBack();
    const entry = await findInboxEntry(t.engine.store.db, inboxId);
    assert.equal(entry?.verdict, 'rejected');
    assert.equal(entry?.reasonCode, 'NOTIFICATION_MISMATCH');
    assert.match(entry?.reason ?? '', /says captured; asked back, Fake Pay says refused/);
    assert.equal((await findPayment(t.engine.store.db, payment.id))?.status, 'refused');
    const signals = await signalsOfInbox(t.engine.store.db, inboxId);
    assert.deepEqual(
      signals.map((s) => [s.source, s.status]),
      [['poll', 'refused']],
    );
  });

  it('takes a wrong amount in the fetched state as a conflict, never as paid', async () => {
    const payment = await newPayment('FB-5');
    await notify({ id: 'gw_5', claims: 'captured' });
    gw.answer(gatewaySays(payment.id, 'captured', 1251));
    await runFetchBack();
    const stored = await findPayment(t.engine.store.db, payment.id);
    assert.equal(stored?.status, 'created');
    assert.equal(stored?.needsReview, true);
  });

  it('keeps the entry pending with the error while retrying, then marks it error with an alert', async () => {
    const payment = await newPayment('FB-6');
    const { inboxId } = await notify({ id: 'gw_6', claims: 'captured' });
    gw.answer(() => ({ kind: 'failed', code: 'GATEWAY_UNAVAILABLE', reason: 'HTTP 503', retryable: true }));
    await assert.rejects(runFetchBack(1), /fetch-back of gw_6 failed: HTTP 503/);
    let entry = await findInboxEntry(t.engine.store.db, inboxId);
    assert.equal(entry?.verdict, 'pending');
    assert.match(entry?.reason ?? '', /attempt 1 of 8\): HTTP 503; retrying/);

    await runFetchBack(8);
    entry = await findInboxEntry(t.engine.store.db, inboxId);
    assert.equal(entry?.verdict, 'error');
    assert.match(entry?.reason ?? '', /failed 8 times: HTTP 503/);
    const alerts = await listAlerts(t.engine.store.db, { kind: FETCH_BACK_FAILED_ALERT });
    assert.equal(alerts.length, 1);
    assert.equal((await findPayment(t.engine.store.db, payment.id))?.status, 'created');
  });

  it('gives up at once on refused credentials, and a thrown error counts as a failed attempt', async () => {
    const { inboxId } = await notify({ id: 'gw_7' });
    gw.answer(() => {
      throw new Error('socket hang up');
    });
    await assert.rejects(runFetchBack(1), /socket hang up/);
    gw.answer(() => ({ kind: 'failed', code: 'UNAUTHORIZED', reason: 'HTTP 401', retryable: false }));
    await runFetchBack(2);
    const entry = await findInboxEntry(t.engine.store.db, inboxId);
    assert.equal(entry?.verdict, 'error');
    assert.match(entry?.reason ?? '', /failed for good: HTTP 401/);
  });

  it('is safe to run twice: a decided entry is left alone', async () => {
    const payment = await newPayment('FB-8');
    const { inboxId } = await notify({ id: 'gw_8', claims: 'captured' });
    gw.answer(gatewaySays(payment.id, 'captured'));
    await runFetchBack();
    await runFetchBack();
    assert.equal(gw.asked.length, 1);
    assert.equal((await signalsOfInbox(t.engine.store.db, inboxId)).length, 1);
  });

  it('refuses an unparseable body at once, without a job', async () => {
    const result = await notify('not json');
    assert.equal(result.verdict, 'unparseable');
    assert.equal((await fetchJobs()).length, 0);
  });
});

describe('fetch-back: whether the gateway confirms a claim', () => {
  const said = (...statuses: PaymentStatus[]): GatewaySignal[] =>
    statuses.map((status) => ({ source: 'notification', status, lookup: {} }));

  it('confirms the same status, a later one on the success path, or no claim at all', () => {
    assert.ok(confirms(said('captured'), 'captured'));
    assert.ok(confirms(said('pending'), 'pending'));
    assert.ok(confirms(said('refunded'), 'captured'));
    assert.ok(confirms(said('captured'), 'authorized'));
    assert.ok(confirms(said(), undefined));
    assert.ok(confirms(said('refused'), undefined));
  });

  it('does not confirm a failure for a success, a success for a failure, or anything from nothing', () => {
    assert.ok(!confirms(said('refused'), 'captured'));
    assert.ok(!confirms(said('captured'), 'refused'));
    assert.ok(!confirms(said('authorized'), 'captured'));
    assert.ok(!confirms(said(), 'captured'));
  });
});
