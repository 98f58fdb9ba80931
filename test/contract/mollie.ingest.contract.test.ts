import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../src/config/load.js';
import { createPayment } from '../../src/engine/checkout.js';
import { type Engine, startEngine } from '../../src/engine/engine.js';
import { FETCH_BACK_TASK, fetchBackTask } from '../../src/engine/fetch-back.js';
import { ingestNotification } from '../../src/engine/ingest.js';
import type { RawRequest } from '../../src/gateways/gateway.js';
import { paymentObject, TEST_KEY, webhook } from '../../src/gateways/mollie/fixtures/payments.js';
import { listJobs } from '../../src/jobs/queue.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createStore } from '../../src/store/db.js';
import { listEvents } from '../../src/store/repos/events.js';
import { findInboxEntry } from '../../src/store/repos/inbox.js';
import { findPayment } from '../../src/store/repos/payments.js';
import { signalsOfInbox } from '../../src/store/repos/signals.js';
import { dialectsUnderTest } from '../support/dialects.js';

/** SQLite in memory, and PostgreSQL when reachable (a fresh database per suite, dropped on close). */
const DIALECTS = await dialectsUnderTest();
const ACCOUNT = 'contract-mollie';
const API = 'https://mollie.contract.test';

/**
 * Mollie behind the real ingest path and fetch-back job, on each dialect: a webhook (`id=tr_…`) is stored and answered
 * 200 at once, claims nothing, and the payment moves only from what Mollie's API (a scripted fake here) says.
 */
for (const dialect of DIALECTS) {
  describe(`gateway contract: mollie behind the ingest path and the fetch-back job (${dialect.name})`, () => {
    let engine: Engine;
    let orders = 0;
    /** What the fake API answers for GET /v2/payments/{id}; absent: 404. */
    const truth = new Map<string, Record<string, unknown>>();
    const fakeMollie: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      assert.equal(new Headers(init?.headers).get('authorization'), `Bearer ${TEST_KEY}`);
      if (init?.method === 'POST' && url.pathname === '/v2/payments') {
        orders += 1;
        const body = JSON.parse(String(init.body)) as { metadata: unknown; amount: unknown };
        const id = `tr_contract${String(orders).padStart(4, '0')}`;
        const created = paymentObject({ id, metadata: body.metadata, amount: body.amount });
        truth.set(id, created);
        return Response.json(created, { status: 201 });
      }
      const known = truth.get(url.pathname.replace('/v2/payments/', ''));
      if (init?.method === 'GET' && known) return Response.json(known);
      return Response.json(
        { status: 404, title: 'Not Found', detail: 'No payment exists.' },
        { status: 404 },
      );
    };

    before(async () => {
      engine = await startEngine({
        store: dialect.name === 'sqlite' ? createStore('sqlite::memory:') : await dialect.open(),
        config: resolveConfig({
          apiKeys: ['contract-key'],
          accounts: [
            {
              id: ACCOUNT,
              gateway: 'mollie',
              mode: 'test',
              credentials: { apiKey: TEST_KEY, apiBase: API },
              shop: {
                successUrl: 'https://shop.example/ok',
                failureUrl: 'https://shop.example/ko',
                pendingUrl: 'https://shop.example/pending',
              },
            },
          ],
        }),
        logger: silentLogger(),
        publicUrl: 'https://quittance.example',
        fetch: fakeMollie,
      });
    });
    after(() => engine.store.close());

    async function newPayment() {
      const { payment } = await createPayment(engine, {
        account: ACCOUNT,
        orderRef: `MOLLIE-${orders + 1}`,
        amount: { value: 1250, currency: 'EUR' },
      });
      assert.ok(payment.gatewayRef?.startsWith('tr_'));
      return { payment, tr: payment.gatewayRef as string };
    }
    const mollieSays = (tr: string, fields: Record<string, unknown>) =>
      truth.set(tr, { ...(truth.get(tr) ?? {}), ...fields });
    const raw = (body: string): RawRequest => ({
      ...webhook(body),
      path: `/notify/${ACCOUNT}`,
      receivedAt: new Date(),
    });
    const ingest = (body: string) => ingestNotification(engine, { accountId: ACCOUNT, raw: raw(body) });
    const statusOf = async (id: string) => (await findPayment(engine.store.db, id))?.status;

    /** Runs every queued fetch-back job once, as the worker would. */
    async function runFetchBacks() {
      for (const job of await listJobs(engine.store.db, { task: FETCH_BACK_TASK, state: 'ready' })) {
        await fetchBackTask(engine).run(
          { ...job, attempts: 1 },
          { signal: new AbortController().signal, workerId: 't' },
        );
        await engine.store.db.deleteFrom('jobs').where('id', '=', job.id).execute();
      }
    }

    it('a webhook is stored and answered 200 at once; the payment moves only after the fetch-back', async () => {
      const { payment, tr } = await newPayment();
      mollieSays(tr, { status: 'paid', amountRefunded: { value: '0.00', currency: 'EUR' } });
      const result = await ingest(`id=${tr}`);
      assert.equal(result.verdict, 'pending');
      assert.equal(result.reply.status, 200);
      assert.equal(await statusOf(payment.id), 'created');
      await runFetchBacks();
      assert.equal(await statusOf(payment.id), 'captured');
      const entry = await findInboxEntry(engine.store.db, result.inboxId);
      assert.equal(entry?.verdict, 'verified');
      assert.deepEqual(
        (await signalsOfInbox(engine.store.db, result.inboxId)).map((s) => [s.paymentId, s.settlement]),
        [[payment.id, 'applied']],
      );
    });

    it('the same webhook again is a duplicate: no new effect', async () => {
      const { payment, tr } = await newPayment();
      mollieSays(tr, { status: 'paid' });
      await ingest(`id=${tr}`);
      await runFetchBacks();
      const events = (await listEvents(engine.store.db, { paymentId: payment.id })).length;
      const again = await ingest(`id=${tr}`);
      await runFetchBacks();
      assert.deepEqual(
        (await signalsOfInbox(engine.store.db, again.inboxId)).map((s) => s.settlement),
        ['duplicate'],
      );
      assert.equal((await listEvents(engine.store.db, { paymentId: payment.id })).length, events);
      assert.ok(events > 0);
    });

    it('a refund calls the same webhook: the payment becomes partially refunded, then refunded', async () => {
      const { payment, tr } = await newPayment();
      mollieSays(tr, { status: 'paid' });
      await ingest(`id=${tr}`);
      await runFetchBacks();
      mollieSays(tr, { amountRefunded: { value: '5.00', currency: 'EUR' } });
      await ingest(`id=${tr}`);
      await runFetchBacks();
      assert.equal(await statusOf(payment.id), 'partially_refunded');
      mollieSays(tr, { amountRefunded: { value: '12.50', currency: 'EUR' } });
      await ingest(`id=${tr}`);
      await runFetchBacks();
      assert.equal(await statusOf(payment.id), 'refunded');
    });

    it('a chargeback on a captured payment is flagged for a person, never applied', async () => {
      const { payment, tr } = await newPayment();
      mollieSays(tr, { status: 'paid' });
      await ingest(`id=${tr}`);
      await runFetchBacks();
      mollieSays(tr, { amountChargedBack: { value: '12.50', currency: 'EUR' } });
      const result = await ingest(`id=${tr}`);
      await runFetchBacks();
      assert.deepEqual(
        (await signalsOfInbox(engine.store.db, result.inboxId)).map((s) => s.settlement),
        // The payment as paid (already known), then the chargeback, which core cannot apply.
        ['duplicate', 'conflict'],
      );
      const stored = await findPayment(engine.store.db, payment.id);
      assert.equal(stored?.status, 'captured');
      assert.equal(stored?.needsReview, true);
    });

    it('an id Mollie does not know was answered 200, then is rejected UNKNOWN_AT_GATEWAY and changes nothing', async () => {
      const { payment } = await newPayment();
      const result = await ingest('id=tr_forged0000001');
      assert.equal(result.reply.status, 200);
      await runFetchBacks();
      const entry = await findInboxEntry(engine.store.db, result.inboxId);
      assert.equal(entry?.verdict, 'rejected');
      assert.equal(entry?.reasonCode, 'UNKNOWN_AT_GATEWAY');
      assert.equal(await statusOf(payment.id), 'created');
    });

    it('a settled amount other than the order’s is a conflict flagged for review', async () => {
      const { payment, tr } = await newPayment();
      mollieSays(tr, { status: 'paid', amount: { value: '12.51', currency: 'EUR' } });
      const result = await ingest(`id=${tr}`);
      await runFetchBacks();
      assert.deepEqual(
        (await signalsOfInbox(engine.store.db, result.inboxId)).map((s) => s.settlement),
        ['conflict'],
      );
      assert.equal((await findPayment(engine.store.db, payment.id))?.needsReview, true);
    });

    it('a malformed body is kept, refused with a 4xx and a stable code, and queues nothing', async () => {
      for (const body of ['', 'id=re_4qqhO89gsT', 'id=%ZZ']) {
        const result = await ingest(body);
        assert.equal(result.verdict, 'unparseable', body);
        assert.ok(result.reply.status >= 400 && result.reply.status < 500, body);
        const entry = await findInboxEntry(engine.store.db, result.inboxId);
        assert.deepEqual(Buffer.from(entry?.body ?? []), Buffer.from(body), 'kept byte for byte');
        assert.ok(entry?.reasonCode, body);
      }
      assert.equal((await listJobs(engine.store.db, { task: FETCH_BACK_TASK, state: 'ready' })).length, 0);
    });
  });
}
