import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../src/config/load.js';
import { createPayment } from '../../src/engine/checkout.js';
import { type Engine, startEngine } from '../../src/engine/engine.js';
import { FETCH_BACK_TASK, fetchBackTask } from '../../src/engine/fetch-back.js';
import { ingestNotification } from '../../src/engine/ingest.js';
import type { RawRequest } from '../../src/gateways/gateway.js';
import { encodeFields, ipnFields, RECEIVER, rawIpn } from '../../src/gateways/paypal/fixtures/ipns.js';
import { POSTBACK_PREFIX } from '../../src/gateways/paypal/index.js';
import { listJobs } from '../../src/jobs/queue.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createStore } from '../../src/store/db.js';
import { listEvents } from '../../src/store/repos/events.js';
import { findInboxEntry } from '../../src/store/repos/inbox.js';
import { findPayment, type PaymentRecord } from '../../src/store/repos/payments.js';
import { signalsOfInbox } from '../../src/store/repos/signals.js';
import { dialectsUnderTest } from '../support/dialects.js';

/**
 * PayPal behind the real ingest path and the fetch-back job, on each dialect: the IPN is stored and answered at once
 * (an empty 200), the job posts it back to a fake PayPal that vouches only for bytes it "sent", and the payment
 * moves only on VERIFIED. The cases are the ones the issue names: duplicates, Pending/Completed in either order,
 * forgeries, another receiver, a wrong amount, a windows-1252 IPN, a refund naming its parent transaction.
 */
const DIALECTS = await dialectsUnderTest();
const ACCOUNT = 'contract-paypal';

for (const dialect of DIALECTS) {
  describe(`gateway contract: paypal behind the ingest path and the postback (${dialect.name})`, () => {
    let engine: Engine;
    let orders = 0;
    const sent = new Set<string>();
    const postbacks: string[] = [];
    const fakePaypal = (async (_url: unknown, init?: RequestInit) => {
      const body = Buffer.from(init?.body as Uint8Array).toString('latin1');
      postbacks.push(body);
      const ipn = body.startsWith(POSTBACK_PREFIX) ? body.slice(POSTBACK_PREFIX.length) : undefined;
      return new Response(ipn !== undefined && sent.has(ipn) ? 'VERIFIED' : 'INVALID', { status: 200 });
    }) as typeof fetch;

    before(async () => {
      engine = await startEngine({
        store: dialect.name === 'sqlite' ? createStore('sqlite::memory:') : await dialect.open(),
        config: resolveConfig({
          apiKeys: ['contract-key'],
          accounts: [
            {
              id: ACCOUNT,
              gateway: 'paypal',
              mode: 'test',
              credentials: { receiverEmail: RECEIVER, verifyUrl: 'https://paypal.test/cgi-bin/webscr' },
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
        fetch: fakePaypal,
      });
    });
    after(() => engine.store.close());

    async function newPayment(): Promise<PaymentRecord> {
      orders += 1;
      const { payment } = await createPayment(engine, {
        account: ACCOUNT,
        orderRef: `PP-${orders}`,
        amount: { value: 1250, currency: 'EUR' },
      });
      return payment;
    }

    /** An IPN about `payment`, as PayPal sends it (recorded as sent unless forged). */
    function ipn(payment: PaymentRecord, overrides: Record<string, string> = {}, forged = false): RawRequest {
      const body = encodeFields(
        ipnFields({
          custom: payment.id,
          invoice: payment.merchantRef,
          txn_id: `TXN${payment.id.slice(-14)}`,
          ...overrides,
        }),
        overrides.charset ?? 'utf-8',
      );
      if (!forged) sent.add(body.toString('latin1'));
      return rawIpn(body);
    }

    /** Ingests, checks the immediate answer, then runs the queued postback job as the worker would. */
    async function deliver(raw: RawRequest) {
      const result = await ingestNotification(engine, { accountId: ACCOUNT, raw });
      if (result.verdict !== 'pending') return result;
      assert.equal(result.reply.status, 200);
      assert.equal(result.reply.body, '', 'PayPal gets an empty 200');
      const jobs = await listJobs(engine.store.db, { task: FETCH_BACK_TASK, state: 'ready' });
      for (const job of jobs) {
        await fetchBackTask(engine).run(
          { ...job, attempts: 1 },
          { signal: new AbortController().signal, workerId: 't' },
        );
        await engine.store.db.deleteFrom('jobs').where('id', '=', job.id).execute();
      }
      return result;
    }

    const entryOf = async (inboxId: string) => findInboxEntry(engine.store.db, inboxId);
    const paymentOf = async (id: string) => findPayment(engine.store.db, id);

    it('a Completed IPN is stored, answered at once, posted back verbatim, and applied on VERIFIED', async () => {
      const payment = await newPayment();
      const raw = ipn(payment);
      const before = postbacks.length;
      const { inboxId } = await deliver(raw);
      assert.equal(postbacks[before], POSTBACK_PREFIX + Buffer.from(raw.body).toString('latin1'));
      assert.equal((await entryOf(inboxId))?.verdict, 'verified');
      assert.equal((await paymentOf(payment.id))?.status, 'captured');
    });

    it('the same IPN twice (same txn_id and payment_status) is a duplicate: one effect', async () => {
      const payment = await newPayment();
      const raw = ipn(payment);
      await deliver(raw);
      const second = await deliver(raw);
      const signals = await signalsOfInbox(engine.store.db, second.inboxId);
      assert.deepEqual(
        signals.map((s) => s.settlement),
        ['duplicate'],
      );
      const events = await listEvents(engine.store.db, { paymentId: payment.id });
      assert.equal(events.filter((e) => e.type === 'payment.captured').length, 1);
    });

    it('Pending then Completed moves forward; Completed then Pending stays captured', async () => {
      const inOrder = await newPayment();
      await deliver(ipn(inOrder, { payment_status: 'Pending', pending_reason: 'echeck' }));
      assert.equal((await paymentOf(inOrder.id))?.status, 'pending');
      await deliver(ipn(inOrder));
      assert.equal((await paymentOf(inOrder.id))?.status, 'captured');

      const reordered = await newPayment();
      await deliver(ipn(reordered));
      const late = await deliver(ipn(reordered, { payment_status: 'Pending', pending_reason: 'echeck' }));
      assert.equal((await paymentOf(reordered.id))?.status, 'captured');
      assert.equal((await entryOf(late.inboxId))?.verdict, 'verified');
      const events = await listEvents(engine.store.db, { paymentId: reordered.id });
      assert.equal(events.filter((e) => e.type === 'payment.captured').length, 1);
    });

    it('an IPN PayPal never sent gets INVALID: rejected, kept, the payment does not move', async () => {
      const payment = await newPayment();
      const { inboxId } = await deliver(ipn(payment, {}, true));
      const entry = await entryOf(inboxId);
      assert.equal(entry?.verdict, 'rejected');
      assert.equal(entry?.reasonCode, 'UNKNOWN_AT_GATEWAY');
      assert.match(entry?.reason ?? '', /INVALID/);
      assert.equal((await paymentOf(payment.id))?.status, 'created');
    });

    it('an IPN for another receiver is refused at once (SITE_MISMATCH, a 4xx), kept byte for byte, never posted back', async () => {
      const payment = await newPayment();
      const raw = ipn(payment, { receiver_email: 'someone-else@example.com' });
      const before = postbacks.length;
      const result = await deliver(raw);
      assert.equal(result.verdict, 'rejected');
      assert.ok(result.reply.status >= 400 && result.reply.status < 500);
      const entry = await entryOf(result.inboxId);
      assert.equal(entry?.reasonCode, 'SITE_MISMATCH');
      assert.deepEqual(Buffer.from(entry?.body ?? []), Buffer.from(raw.body));
      assert.equal(postbacks.length, before);
      assert.equal((await paymentOf(payment.id))?.status, 'created');
    });

    it('a VERIFIED IPN with another amount is a conflict for a person, never paid', async () => {
      const payment = await newPayment();
      const { inboxId } = await deliver(ipn(payment, { mc_gross: '12.51' }));
      const after = await paymentOf(payment.id);
      assert.equal(after?.needsReview, true);
      assert.notEqual(after?.status, 'captured');
      const signals = await signalsOfInbox(engine.store.db, inboxId);
      assert.deepEqual(
        signals.map((s) => s.settlement),
        ['conflict'],
      );
    });

    it('reads a windows-1252 IPN and keeps its bytes for the postback', async () => {
      const payment = await newPayment();
      const raw = ipn(payment, { charset: 'windows-1252', item_name: 'Crème brûlée' });
      const { inboxId } = await deliver(raw);
      assert.equal((await entryOf(inboxId))?.verdict, 'verified');
      assert.equal((await paymentOf(payment.id))?.status, 'captured');
    });

    it('a refund names its parent transaction and refunds the payment', async () => {
      const payment = await newPayment();
      const parent = `TXN${payment.id.slice(-14)}`;
      await deliver(ipn(payment));
      await deliver(
        ipn(payment, {
          payment_status: 'Refunded',
          txn_id: '8RF4432Z1V1893251',
          parent_txn_id: parent,
          mc_gross: '-12.50',
        }),
      );
      assert.equal((await paymentOf(payment.id))?.status, 'refunded');
    });

    it('a reversal (chargeback) flags the captured payment for a person; its cancellation changes nothing', async () => {
      const payment = await newPayment();
      const parent = `TXN${payment.id.slice(-14)}`;
      await deliver(ipn(payment));
      const reversal = await deliver(
        ipn(payment, {
          payment_status: 'Reversed',
          reason_code: 'chargeback',
          txn_id: '3NR0911HX87430205',
          parent_txn_id: parent,
          mc_gross: '-12.50',
        }),
      );
      const flagged = await paymentOf(payment.id);
      assert.equal(flagged?.status, 'captured');
      assert.equal(flagged?.needsReview, true);
      const [signal] = await signalsOfInbox(engine.store.db, reversal.inboxId);
      assert.equal(signal?.settlement, 'conflict');
      await deliver(
        ipn(payment, {
          payment_status: 'Canceled_Reversal',
          reason_code: 'other',
          txn_id: '9CR0911HX87430299',
          parent_txn_id: parent,
          mc_gross: '12.50',
        }),
      );
      assert.equal((await paymentOf(payment.id))?.status, 'captured');
    });
  });
}
