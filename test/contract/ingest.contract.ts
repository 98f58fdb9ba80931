import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../src/config/load.js';
import type { PaymentStatus } from '../../src/core/index.js';
import { createPayment } from '../../src/engine/checkout.js';
import { type Engine, startEngine } from '../../src/engine/engine.js';
import { ingestNotification } from '../../src/engine/ingest.js';
import type { CheckoutRequest, GatewayAdapter, RawRequest, Verdict } from '../../src/gateways/gateway.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createStore } from '../../src/store/db.js';
import { listEvents } from '../../src/store/repos/events.js';
import { findInboxEntry } from '../../src/store/repos/inbox.js';
import { findPayment, type PaymentRecord } from '../../src/store/repos/payments.js';
import { signalsOfInbox } from '../../src/store/repos/signals.js';
import { dialectsUnderTest } from '../support/dialects.js';

/** SQLite in memory, and PostgreSQL when reachable (a fresh database per suite, dropped on close). */
const DIALECTS = await dialectsUnderTest();

/**
 * The second half of the gateway conformance suite (the first, gateway.contract.ts, tests the adapter alone): the
 * adapter behind the real ingest path, over an in-memory SQLite store, for each way a notification goes wrong
 * (DESIGN.md "The ingest path"). Every case checks the three promises: the raw request is kept with its verdict
 * and reason, the gateway gets the protocol's answer, and a payment moves only on an authentic, matching message.
 */
export interface IngestContractOptions<Credentials> {
  readonly adapter: GatewayAdapter<Credentials, Verdict>;
  /** The account's `credentials` as written in a config file. */
  readonly credentials: Readonly<Record<string, unknown>>;
  /** A gateway status word meaning "paid", and the status it yields. */
  readonly paid: { readonly word: string; readonly status: PaymentStatus };
  /** A gateway status word meaning "refused" (a contradiction after `paid`). */
  readonly refusedWord: string;
  signedNotification(request: CheckoutRequest, status: string): RawRequest;
  signedWithOtherKey(request: CheckoutRequest, status: string): RawRequest;
  /** The same notification with its signature (seal, hash, security code) removed. */
  withoutSignature(request: RawRequest): RawRequest;
  /**
   * The notification with one signed field changed. Default: the refused message's fields under the paid
   * message's signature. Protocols whose code covers only some fields (Triveneto) change one of those.
   */
  tamper?(request: CheckoutRequest): RawRequest;
  /** For protocols that start payments server-to-server: the gateway's answer to that call. */
  readonly initFetch?: typeof fetch;
}

const SHOP = {
  successUrl: 'https://shop.example/ok',
  failureUrl: 'https://shop.example/ko',
  pendingUrl: 'https://shop.example/pending',
} as const;

export function testIngestContract<Credentials>(options: IngestContractOptions<Credentials>): void {
  const { adapter } = options;
  const accountId = `contract-${adapter.id}`;

  for (const dialect of DIALECTS) {
    describe(`gateway contract: ${adapter.id} behind the ingest path (${dialect.name})`, () => {
      let engine: Engine;
      let orders = 0;
      before(async () => {
        engine = await startEngine({
          store: dialect.name === 'sqlite' ? createStore('sqlite::memory:') : await dialect.open(),
          config: resolveConfig({
            apiKeys: ['contract-key'],
            accounts: [
              {
                id: accountId,
                gateway: adapter.id,
                mode: 'test',
                credentials: { ...options.credentials },
                shop: { ...SHOP },
              },
            ],
          }),
          logger: silentLogger(),
          publicUrl: 'https://quittance.example',
          ...(options.initFetch ? { fetch: options.initFetch } : {}),
        });
      });
      after(() => engine.store.close());

      async function newPayment(): Promise<{ payment: PaymentRecord; request: CheckoutRequest }> {
        orders += 1;
        const { payment } = await createPayment(engine, {
          account: accountId,
          orderRef: `CONTRACT-${orders}`,
          amount: { value: 1250, currency: 'EUR' },
        });
        return { payment, request: requestOf(payment) };
      }

      function requestOf(payment: PaymentRecord): CheckoutRequest {
        return {
          paymentId: payment.id,
          orderRef: payment.orderRef,
          merchantRef: payment.merchantRef,
          amount: payment.amount,
          now: payment.createdAt,
          urls: {
            notify: `https://quittance.example/notify/${accountId}`,
            return: `https://quittance.example/return/${accountId}/${payment.id}`,
            wait: 'https://quittance.example/pay/wait',
          },
        };
      }

      const ingest = (raw: RawRequest) => ingestNotification(engine, { accountId, raw });
      const statusOf = async (id: string) => (await findPayment(engine.store.db, id))?.status;

      async function assertKeptAndRefused(raw: RawRequest, paymentId: string, what: string) {
        const result = await ingest(raw);
        assert.ok(
          result.verdict === 'rejected' || result.verdict === 'unparseable',
          `${what}: refused, got ${result.verdict}`,
        );
        assert.ok(result.reply.status >= 400 && result.reply.status < 500, `${what}: a 4xx answer`);
        const entry = await findInboxEntry(engine.store.db, result.inboxId);
        assert.ok(entry, `${what}: the raw request is kept`);
        assert.deepEqual(Buffer.from(entry.body), Buffer.from(raw.body), `${what}: byte for byte`);
        assert.ok((entry.reason ?? '').length > 0, `${what}: with its reason`);
        assert.ok(entry.reasonCode, `${what}: and a stable code`);
        assert.equal(await statusOf(paymentId), 'created', `${what}: the payment does not move`);
        return entry;
      }

      it('a valid notification is stored, verified, applied, and answered as the gateway expects', async () => {
        const { payment, request } = await newPayment();
        const result = await ingest(options.signedNotification(request, options.paid.word));
        assert.equal(result.verdict, 'verified');
        assert.ok(result.reply.status >= 200 && result.reply.status < 300);
        assert.equal(await statusOf(payment.id), options.paid.status);
        const signals = await signalsOfInbox(engine.store.db, result.inboxId);
        assert.deepEqual(
          signals.map((s) => [s.paymentId, s.settlement]),
          [[payment.id, 'applied']],
        );
      });

      it('a replay (the same bytes again) is a duplicate: answered the same way, no new effect', async () => {
        const { payment, request } = await newPayment();
        const raw = options.signedNotification(request, options.paid.word);
        const first = await ingest(raw);
        const events = (await listEvents(engine.store.db, { paymentId: payment.id })).length;
        const again = await ingest(raw);
        assert.equal(again.verdict, 'verified');
        assert.equal(again.reply.status, first.reply.status);
        assert.deepEqual(
          (await signalsOfInbox(engine.store.db, again.inboxId)).map((s) => s.settlement),
          ['duplicate'],
        );
        assert.equal((await listEvents(engine.store.db, { paymentId: payment.id })).length, events);
        assert.ok(events > 0, 'the first one made events');
      });

      it('a contradiction after the first final result is flagged, never applied', async () => {
        const { payment, request } = await newPayment();
        await ingest(options.signedNotification(request, options.paid.word));
        const second = await ingest(options.signedNotification(request, options.refusedWord));
        assert.deepEqual(
          (await signalsOfInbox(engine.store.db, second.inboxId)).map((s) => s.settlement),
          ['conflict'],
        );
        const stored = await findPayment(engine.store.db, payment.id);
        assert.equal(stored?.status, options.paid.status);
        assert.equal(stored?.needsReview, true);
      });

      it('a notification signed with another key is kept as rejected and changes nothing', async () => {
        const { payment, request } = await newPayment();
        await assertKeptAndRefused(
          options.signedWithOtherKey(request, options.paid.word),
          payment.id,
          'another key',
        );
      });

      it('a notification with a tampered field is kept as rejected and changes nothing', async () => {
        const { payment, request } = await newPayment();
        const tampered =
          options.tamper?.(request) ??
          // The refused message's signed content with the paid message's signature: one field tampered.
          spliceSignature(
            options.signedNotification(request, options.refusedWord),
            options.signedNotification(request, options.paid.word),
            options.withoutSignature,
          );
        await assertKeptAndRefused(tampered, payment.id, 'tampered');
      });

      it('a notification without its signature is kept as rejected and changes nothing', async () => {
        const { payment, request } = await newPayment();
        await assertKeptAndRefused(
          options.withoutSignature(options.signedNotification(request, options.paid.word)),
          payment.id,
          'no signature',
        );
      });

      it('a truncated body is kept as refused and changes nothing', async () => {
        const { payment, request } = await newPayment();
        const raw = options.signedNotification(request, options.paid.word);
        await assertKeptAndRefused(
          { ...raw, body: raw.body.slice(0, Math.floor(raw.body.byteLength / 2)) },
          payment.id,
          'truncated',
        );
      });

      it('a body in the wrong encoding (UTF-16) is kept as refused and changes nothing', async () => {
        const { payment, request } = await newPayment();
        const raw = options.signedNotification(request, options.paid.word);
        const utf16 = Buffer.from(Buffer.from(raw.body).toString('latin1'), 'utf16le');
        await assertKeptAndRefused({ ...raw, body: new Uint8Array(utf16) }, payment.id, 'UTF-16');
      });

      it('an authentic notification for another amount is a conflict: flagged, never paid', async () => {
        const { payment, request } = await newPayment();
        const result = await ingest(
          options.signedNotification(
            { ...request, amount: { ...request.amount, value: request.amount.value + 1 } },
            options.paid.word,
          ),
        );
        assert.notEqual(result.verdict, 'error');
        const stored = await findPayment(engine.store.db, payment.id);
        assert.equal(stored?.status, 'created');
        assert.equal(stored?.needsReview, true);
        assert.deepEqual(
          (await signalsOfInbox(engine.store.db, result.inboxId)).map((s) => s.settlement),
          ['conflict'],
        );
      });

      it('an authentic notification naming no payment of ours is kept as unmatched and acknowledged', async () => {
        const { request } = await newPayment();
        const stranger: CheckoutRequest = {
          ...request,
          paymentId: 'pay_0000000000000000000stranger',
          orderRef: 'NOT-OURS',
          merchantRef: adapter.merchantRef({
            paymentId: 'pay_0000000000000000000stranger',
            now: request.now,
            dailySequence: 90_000,
          }),
        };
        const result = await ingest(options.signedNotification(stranger, options.paid.word));
        assert.equal(result.verdict, 'unmatched');
        const entry = await findInboxEntry(engine.store.db, result.inboxId);
        assert.equal(entry?.reasonCode, 'UNKNOWN_PAYMENT');
        assert.deepEqual(
          (await signalsOfInbox(engine.store.db, result.inboxId)).map((s) => [s.paymentId, s.settlement]),
          [[null, 'unmatched']],
        );
      });
    });
  }
}

/**
 * `content`'s fields with `signatureFrom`'s signature: the fields `withoutSignature` keeps come from `content`, the
 * rest (the signature) from `signatureFrom`. Works for form bodies, which every signed protocol here posts.
 */
function spliceSignature(
  content: RawRequest,
  signatureFrom: RawRequest,
  withoutSignature: (raw: RawRequest) => RawRequest,
): RawRequest {
  const fields = (raw: RawRequest) => new URLSearchParams(Buffer.from(raw.body).toString('latin1'));
  const kept = fields(withoutSignature(signatureFrom));
  const out = fields(content);
  for (const [name, value] of fields(signatureFrom)) {
    if (!kept.has(name)) out.set(name, value);
  }
  return { ...content, body: new Uint8Array(Buffer.from(out.toString(), 'latin1')) };
}

/** The form body without one field (a signature, say). */
export function withoutField(raw: RawRequest, name: string): RawRequest {
  const form = new URLSearchParams(Buffer.from(raw.body).toString('latin1'));
  form.delete(name);
  return { ...raw, body: new Uint8Array(Buffer.from(form.toString(), 'latin1')) };
}
