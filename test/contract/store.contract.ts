import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { enqueue, listJobs } from '../../src/jobs/queue.js';
import type { Store } from '../../src/store/dialect.js';
import { migrate } from '../../src/store/migrations/index.js';
import { upsertAccount } from '../../src/store/repos/accounts.js';
import { findInboxEntry, insertInboxEntry, recordInboxOutcome } from '../../src/store/repos/inbox.js';
import {
  findPayment,
  findPaymentByLookup,
  insertPayment,
  updatePaymentIfUnchanged,
} from '../../src/store/repos/payments.js';
import { nextSequenceValue } from '../../src/store/repos/sequences.js';
import { insertSignal, signalsOfPayment } from '../../src/store/repos/signals.js';

/**
 * The contract every dialect passes (db0's shared connector test, Kysely's dialect loop): each
 * `*.test.ts` for a dialect calls this with a factory for a fresh, empty database.
 */
export function testStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    const now = new Date('2026-11-23T10:00:00Z');
    before(async () => {
      store = await open();
      await migrate(store);
      await upsertAccount(store.db, { id: 'acc', gateway: 'lyra', mode: 'test' }, now);
    });
    after(async () => store.close());

    const newPayment = (id: string, merchantRef: string) =>
      insertPayment(store.db, {
        id,
        accountId: 'acc',
        orderRef: `order-${id}`,
        merchantRef,
        amount: { value: 1250, currency: 'EUR' },
        checkout: { method: 'POST', url: 'https://gw.example/', fields: { a: '1' } },
        now,
      });

    it('migrates idempotently', async () => {
      const again = await migrate(store);
      assert.deepEqual(again.results, []);
    });

    it('round-trips a payment and finds it by each lookup key', async () => {
      const created = await newPayment('pay_1', '20261123-000001');
      assert.equal(created.status, 'created');
      assert.equal(created.version, 1);
      assert.deepEqual(created.amount, { value: 1250, currency: 'EUR' });
      assert.deepEqual((await findPayment(store.db, 'pay_1'))?.checkout, created.checkout);
      assert.equal(
        (await findPaymentByLookup(store.db, 'acc', { merchantRef: '20261123-000001' }))?.id,
        'pay_1',
      );
      assert.equal((await findPaymentByLookup(store.db, 'acc', { paymentId: 'pay_1' }))?.id, 'pay_1');
      assert.equal(await findPaymentByLookup(store.db, 'other', { paymentId: 'pay_1' }), undefined);
      assert.equal(await findPaymentByLookup(store.db, 'acc', {}), undefined);
    });

    it('refuses a second payment with the same merchant reference in one account', async () => {
      await assert.rejects(newPayment('pay_2', '20261123-000001'));
    });

    it('updates a payment only at the version it was read at', async () => {
      const read = (await findPayment(store.db, 'pay_1')) as NonNullable<
        Awaited<ReturnType<typeof findPayment>>
      >;
      const next = { ...read, status: 'authorized' as const, gatewayRef: 'uuid-1' };
      assert.equal(await updatePaymentIfUnchanged(store.db, read, next, now), true);
      assert.equal(
        await updatePaymentIfUnchanged(store.db, read, { ...next, status: 'refused' }, now),
        false,
      );
      const after = await findPayment(store.db, 'pay_1');
      assert.equal(after?.status, 'authorized');
      assert.equal(after?.version, 2);
      assert.equal((await findPaymentByLookup(store.db, 'acc', { gatewayRef: 'uuid-1' }))?.id, 'pay_1');
    });

    it('keeps one applied signal per payment and status', async () => {
      const signal = (id: string, settlement: 'applied' | 'duplicate') =>
        insertSignal(store.db, {
          id,
          paymentId: 'pay_1',
          inboxId: null,
          source: 'notification',
          status: 'authorized',
          gatewayStatus: 'AUTHORISED',
          amount: { value: 1250, currency: 'EUR' },
          gatewayRef: 'uuid-1',
          settlement,
          reason: 'test',
          facts: { vads_url_check_src: 'PAY' },
          now,
        });
      await signal('sig_1', 'applied');
      await signal('sig_2', 'duplicate');
      await assert.rejects(signal('sig_3', 'applied'));
      const journal = await signalsOfPayment(store.db, 'pay_1');
      assert.deepEqual(
        journal.map((s) => s.settlement),
        ['applied', 'duplicate'],
      );
      assert.deepEqual(journal[0]?.facts, { vads_url_check_src: 'PAY' });
    });

    it('stores raw bodies byte for byte and records the outcome', async () => {
      const body = new Uint8Array([0, 1, 2, 0xff, 0xfe, 0x25, 0x41]);
      await insertInboxEntry(store.db, {
        id: 'inb_1',
        accountId: 'nobody',
        kind: 'notification',
        method: 'POST',
        path: '/notify/nobody',
        query: 'a=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        bodyTruncated: false,
        sourceIp: '194.50.38.7',
        receivedAt: now,
      });
      assert.equal((await findInboxEntry(store.db, 'inb_1'))?.verdict, 'received');
      await recordInboxOutcome(store.db, 'inb_1', {
        verdict: 'rejected',
        reasonCode: 'UNKNOWN_ACCOUNT',
        reason: 'no account',
        answerStatus: 404,
        answerBody: 'KO',
        processedAt: now,
      });
      const entry = await findInboxEntry(store.db, 'inb_1');
      assert.deepEqual(entry?.body, body);
      assert.equal(entry?.verdict, 'rejected');
      assert.equal(entry?.answerStatus, 404);
      assert.equal(entry?.headers['content-type'], 'application/x-www-form-urlencoded');
    });

    it('enqueues one job per unique key', async () => {
      const job = (id: string) =>
        enqueue(store.db, { id, task: 't', payload: { n: id }, runAt: now, uniqueKey: 'effect:x', now });
      assert.equal(await job('job_1'), true);
      assert.equal(await job('job_2'), false);
      const jobs = await listJobs(store.db, { task: 't' });
      assert.equal(jobs.length, 1);
      assert.deepEqual(jobs[0]?.payload, { n: 'job_1' });
    });

    it('counts sequences from 1, separately per name', async () => {
      assert.equal(await nextSequenceValue(store.db, 'a'), 1);
      assert.equal(await nextSequenceValue(store.db, 'a'), 2);
      assert.equal(await nextSequenceValue(store.db, 'b'), 1);
    });

    it('rolls a failed transaction back whole', async () => {
      await assert.rejects(
        store.db.transaction().execute(async (tx) => {
          await nextSequenceValue(tx, 'c');
          throw new Error('boom');
        }),
      );
      assert.equal(await nextSequenceValue(store.db, 'c'), 1);
    });
  });
}
