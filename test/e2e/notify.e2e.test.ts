/**
 * POST /notify/:accountId through real HTTP: every notification gets a clear answer, is stored with
 * its verdict and reason, and only a genuine one for a known payment ever changes that payment.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { encodeForm } from '../../src/gateways/_shared/form-codec.js';
import {
  assertRefused,
  assertUntouched,
  createPayment,
  effects,
  effectTypes,
  inboxEntry,
  LIVE_KEY,
  lyraFields,
  notify,
  OTHER_KEY,
  paymentOf,
  paymentView,
  type Quittance,
  sign,
  signalsFrom,
  signalsOf,
  startQuittance,
  transUuid,
} from './harness.js';

const LIMIT = 2048;

describe('POST /notify/:accountId', () => {
  let q: Quittance;
  before(async () => {
    q = await startQuittance({ notificationBodyBytes: LIMIT });
  });
  after(async () => {
    await q?.close();
  });

  describe('genuine notifications', () => {
    it('AUTHORISED: 200 OK, entry verified with the exact bytes, payment authorized, one effect', async () => {
      const payment = await createPayment(q);
      const fields = lyraFields(payment, 'AUTHORISED');
      const body = encodeForm(fields);

      const a = await notify(q, 'shop', body);

      assert.equal(a.status, 200, a.text);
      assert.match(a.text, /^OK /);
      assert.ok(Buffer.byteLength(a.text) < 200, `answer is ${Buffer.byteLength(a.text)} bytes`);
      assert.match(a.headers.get('content-type') ?? '', /^text\/plain/);
      assert.ok(a.inboxId?.startsWith('inb_'), 'x-quittance-inbox-id names the entry');

      const entry = await inboxEntry(q, a.inboxId);
      assert.equal(entry.kind, 'notification');
      assert.equal(entry.accountId, 'shop');
      assert.equal(entry.method, 'POST');
      assert.equal(entry.path, '/notify/shop');
      assert.equal(entry.verdict, 'verified');
      assert.equal(entry.reasonCode, null);
      assert.equal(entry.bodyTruncated, false);
      assert.equal(entry.sourceIp, '127.0.0.1');
      assert.deepEqual(Buffer.from(entry.body), Buffer.from(body, 'utf8'), 'the raw body, byte for byte');
      assert.equal(entry.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(entry.answerStatus, 200);
      assert.equal(entry.answerBody, a.text);

      const stored = await paymentOf(q, payment.id);
      assert.equal(stored.status, 'authorized');
      assert.equal(stored.gatewayRef, fields.vads_trans_uuid);
      assert.equal(stored.needsReview, false);

      const signals = await signalsOf(q, payment.id);
      assert.equal(signals.length, 1);
      assert.equal(signals[0]?.source, 'notification');
      assert.equal(signals[0]?.status, 'authorized');
      assert.equal(signals[0]?.gatewayStatus, 'AUTHORISED');
      assert.equal(signals[0]?.settlement, 'applied');
      assert.equal(signals[0]?.inboxId, entry.id);
      assert.deepEqual(signals[0]?.amount, { value: payment.amount, currency: 'EUR' });

      const jobs = await effects(q, payment.id);
      assert.deepEqual(effectTypes(jobs), ['payment.authorized']);
      assert.equal(jobs[0]?.signalId, signals[0]?.id);
    });

    it('the same body again (a replay or a retry): 200, journaled as duplicate, no new effect', async () => {
      const payment = await createPayment(q);
      const body = encodeForm(lyraFields(payment, 'AUTHORISED'));
      const first = await notify(q, 'shop', body);
      assert.equal(first.status, 200);

      const again = await notify(q, 'shop', body);

      assert.equal(again.status, 200, again.text);
      assert.match(again.text, /^OK /);
      assert.notEqual(again.inboxId, first.inboxId, 'every delivery is its own entry');
      const entry = await inboxEntry(q, again.inboxId);
      assert.equal(entry.verdict, 'verified');
      assert.deepEqual(Buffer.from(entry.body), Buffer.from(body, 'utf8'));
      const fromEntry = await signalsFrom(q, entry.id);
      assert.equal(fromEntry.length, 1);
      assert.equal(fromEntry[0]?.settlement, 'duplicate');

      assert.equal((await paymentOf(q, payment.id)).status, 'authorized');
      assert.deepEqual(
        (await signalsOf(q, payment.id)).map((s) => s.settlement),
        ['applied', 'duplicate'],
      );
      assert.deepEqual(effectTypes(await effects(q, payment.id)), ['payment.authorized']);
    });

    it('CAPTURED then AUTHORISED (out of order): captured, the late AUTHORISED is stale, each effect once', async () => {
      const payment = await createPayment(q);
      const captured = await notify(q, 'shop', lyraFields(payment, 'CAPTURED'));
      assert.equal(captured.status, 200, captured.text);
      const authorised = await notify(q, 'shop', lyraFields(payment, 'AUTHORISED'));
      assert.equal(authorised.status, 200, authorised.text);

      assert.equal((await inboxEntry(q, captured.inboxId)).verdict, 'verified');
      assert.equal((await inboxEntry(q, authorised.inboxId)).verdict, 'verified');
      assert.equal((await paymentOf(q, payment.id)).status, 'captured');
      const signals = await signalsOf(q, payment.id);
      assert.deepEqual(
        signals.map((s) => [s.status, s.settlement]),
        [
          ['captured', 'applied'],
          ['authorized', 'stale'],
        ],
      );
      assert.deepEqual(effectTypes(await effects(q, payment.id)), ['payment.authorized', 'payment.captured']);
    });

    it('REFUSED after captured: conflict, status kept, flagged for review, one payment.conflict effect', async () => {
      const payment = await createPayment(q);
      assert.equal((await notify(q, 'shop', lyraFields(payment, 'AUTHORISED'))).status, 200);
      assert.equal((await notify(q, 'shop', lyraFields(payment, 'CAPTURED'))).status, 200);

      const refused = await notify(q, 'shop', lyraFields(payment, 'REFUSED'));
      // The same contradiction delivered twice is still one thing for the shop to hear about.
      const refusedAgain = await notify(q, 'shop', lyraFields(payment, 'REFUSED'));

      for (const a of [refused, refusedAgain]) {
        assert.equal(a.status, 200, 'authentic and stored: acknowledged so Lyra stops retrying');
        assert.match(a.text, /^OK /);
        assert.equal((await inboxEntry(q, a.inboxId)).verdict, 'verified');
        const [signal] = await signalsFrom(q, a.inboxId as string);
        assert.equal(signal?.settlement, 'conflict');
        assert.equal(signal?.status, 'refused');
      }
      const stored = await paymentOf(q, payment.id);
      assert.equal(stored.status, 'captured');
      assert.equal(stored.needsReview, true);

      const view = await paymentView(q, payment.id);
      assert.equal(view.status, 'captured');
      assert.equal(view.needsReview, true);
      assert.deepEqual(
        view.signals.map((s) => s.settlement),
        ['applied', 'applied', 'conflict', 'conflict'],
      );
      assert.deepEqual(effectTypes(await effects(q, payment.id)), [
        'payment.authorized',
        'payment.captured',
        'payment.conflict',
      ]);
    });

    it('a signed notification for a payment we never issued: 200, kept as unmatched with its signal', async () => {
      const payment = await createPayment(q);
      const effectsBefore = (await effects(q)).length;
      const fields = lyraFields(payment, 'AUTHORISED', {
        uuid: transUuid(),
        extra: { vads_trans_id: '899999', vads_order_id: 'NOT-OURS' },
      });

      const a = await notify(q, 'shop', fields);

      assert.equal(a.status, 200, a.text);
      assert.match(a.text, /^OK /);
      const entry = await inboxEntry(q, a.inboxId);
      assert.equal(entry.verdict, 'unmatched');
      assert.equal(entry.reasonCode, 'UNKNOWN_PAYMENT');
      assert.match(entry.reason ?? '', /899999/);
      const signals = await signalsFrom(q, entry.id);
      assert.equal(signals.length, 1);
      assert.equal(signals[0]?.settlement, 'unmatched');
      assert.equal(signals[0]?.paymentId, null);
      assert.equal(signals[0]?.status, 'authorized');
      assert.equal(signals[0]?.gatewayRef, fields.vads_trans_uuid);
      await assertUntouched(q, payment.id);
      assert.equal((await effects(q)).length, effectsBefore, 'an unmatched signal has no effect');
    });

    it('the wrong amount, validly signed: 200, conflict, status unchanged, flagged for review', async () => {
      const payment = await createPayment(q, { amount: 4200 });
      const a = await notify(
        q,
        'shop',
        lyraFields(payment, 'AUTHORISED', { extra: { vads_amount: String(payment.amount + 1) } }),
      );

      assert.equal(a.status, 200, a.text);
      assert.equal((await inboxEntry(q, a.inboxId)).verdict, 'verified');
      const [signal] = await signalsFrom(q, a.inboxId as string);
      assert.equal(signal?.settlement, 'conflict');
      assert.deepEqual(signal?.amount, { value: 4201, currency: 'EUR' });
      const stored = await paymentOf(q, payment.id);
      assert.equal(stored.status, 'created');
      assert.equal(stored.needsReview, true);
      const view = await paymentView(q, payment.id);
      assert.equal(view.needsReview, true);
      assert.deepEqual(effectTypes(await effects(q, payment.id)), ['payment.conflict']);
    });
  });

  describe('forged or misrouted notifications are refused, kept, and change nothing', () => {
    const cases: ReadonlyArray<{
      name: string;
      account?: string;
      build: (p: Awaited<ReturnType<typeof createPayment>>) => Record<string, string>;
      status: number;
      code: string;
    }> = [
      {
        name: 'a signature that is not one',
        build: (p) => ({ ...lyraFields(p, 'AUTHORISED'), signature: 'bm90IGEgc2lnbmF0dXJl' }),
        status: 401,
        code: 'SIGNATURE_MISMATCH',
      },
      {
        name: 'a REFUSED turned AUTHORISED after signing',
        build: (p) => ({ ...lyraFields(p, 'REFUSED'), vads_trans_status: 'AUTHORISED' }),
        status: 401,
        code: 'SIGNATURE_MISMATCH',
      },
      {
        name: 'signed with another key',
        build: (p) => lyraFields(p, 'AUTHORISED', { key: OTHER_KEY }),
        status: 401,
        code: 'SIGNATURE_MISMATCH',
      },
      {
        name: 'no signature',
        build: (p) => {
          const { signature: _, ...unsigned } = lyraFields(p, 'AUTHORISED');
          return unsigned;
        },
        status: 401,
        code: 'SIGNATURE_MISSING',
      },
      {
        name: 'another shop (vads_site_id), validly signed',
        build: (p) => lyraFields(p, 'AUTHORISED', { extra: { vads_site_id: '87654321' } }),
        status: 403,
        code: 'SITE_MISMATCH',
      },
      {
        name: 'a TEST notification to a live account, signed with its PRODUCTION key',
        account: 'live-shop',
        build: (p) => lyraFields(p, 'AUTHORISED', { key: LIVE_KEY, extra: { vads_ctx_mode: 'TEST' } }),
        status: 403,
        code: 'MODE_MISMATCH',
      },
    ];

    for (const c of cases) {
      it(`${c.name}: ${c.status} KO ${c.code}`, async () => {
        const account = c.account ?? 'shop';
        const payment = await createPayment(q, { account });
        const body = encodeForm(c.build(payment));

        const a = await notify(q, account, body);

        const entry = await assertRefused(q, a, { status: c.status, code: c.code, verdict: 'rejected' });
        assert.deepEqual(Buffer.from(entry.body), Buffer.from(body, 'utf8'));
        assert.equal(entry.accountId, account);
        await assertUntouched(q, payment.id);
      });
    }

    it('the live account still takes its own PRODUCTION notification (control)', async () => {
      const payment = await createPayment(q, { account: 'live-shop' });
      assert.equal(payment.checkout.fields.vads_ctx_mode, 'PRODUCTION');
      const a = await notify(q, 'live-shop', lyraFields(payment, 'AUTHORISED', { key: LIVE_KEY }));
      assert.equal(a.status, 200, a.text);
      assert.equal((await inboxEntry(q, a.inboxId)).verdict, 'verified');
      assert.equal((await paymentOf(q, payment.id)).status, 'authorized');
    });
  });

  describe('bodies that cannot be read are kept as unparseable', () => {
    it('a bad percent-escape: 400 MALFORMED_BODY', async () => {
      const payment = await createPayment(q);
      const body = `${encodeForm(lyraFields(payment, 'AUTHORISED'))}&vads_note=100%G1`;
      const a = await notify(q, 'shop', body);
      const entry = await assertRefused(q, a, {
        status: 400,
        code: 'MALFORMED_BODY',
        verdict: 'unparseable',
      });
      assert.deepEqual(Buffer.from(entry.body), Buffer.from(body, 'utf8'));
      await assertUntouched(q, payment.id);
    });

    it('bytes that are not UTF-8: 400 MALFORMED_BODY', async () => {
      const payment = await createPayment(q);
      const body = `${encodeForm(lyraFields(payment, 'AUTHORISED'))}&vads_cust_name=Zo%E9`;
      const a = await notify(q, 'shop', body);
      await assertRefused(q, a, { status: 400, code: 'MALFORMED_BODY', verdict: 'unparseable' });
      await assertUntouched(q, payment.id);
    });

    it('a JSON body: 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const payment = await createPayment(q);
      const body = JSON.stringify(lyraFields(payment, 'AUTHORISED'));
      const a = await notify(q, 'shop', body, { contentType: 'application/json' });
      const entry = await assertRefused(q, a, {
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        verdict: 'unparseable',
      });
      assert.equal(entry.headers['content-type'], 'application/json');
      assert.deepEqual(Buffer.from(entry.body), Buffer.from(body, 'utf8'));
      await assertUntouched(q, payment.id);
    });

    it('no content type at all: 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const payment = await createPayment(q);
      const bytes = new TextEncoder().encode(encodeForm(lyraFields(payment, 'AUTHORISED')));
      const a = await notify(q, 'shop', bytes, { contentType: null });
      const entry = await assertRefused(q, a, {
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        verdict: 'unparseable',
      });
      assert.equal(entry.headers['content-type'], undefined);
      await assertUntouched(q, payment.id);
    });

    it('a field given twice: 400 MALFORMED_BODY', async () => {
      const payment = await createPayment(q);
      const body = `${encodeForm(lyraFields(payment, 'REFUSED'))}&vads_trans_status=AUTHORISED`;
      const a = await notify(q, 'shop', body);
      const entry = await assertRefused(q, a, {
        status: 400,
        code: 'MALFORMED_BODY',
        verdict: 'unparseable',
      });
      assert.match(entry.reason ?? '', /vads_trans_status/);
      await assertUntouched(q, payment.id);
    });

    it('no vads_trans_status, validly signed: 400 MISSING_FIELD', async () => {
      const payment = await createPayment(q);
      const { vads_trans_status: _, ...rest } = lyraFields(payment, 'AUTHORISED');
      const a = await notify(q, 'shop', sign(rest));
      const entry = await assertRefused(q, a, { status: 400, code: 'MISSING_FIELD', verdict: 'unparseable' });
      assert.match(entry.reason ?? '', /vads_trans_status/);
      await assertUntouched(q, payment.id);
    });

    it('an empty POST: refused and kept', async () => {
      const a = await notify(q, 'shop', '');
      assert.ok(a.status >= 400 && a.status < 500, `answer was ${a.status} ${a.text}`);
      assert.match(a.text, /^KO /);
      const entry = await inboxEntry(q, a.inboxId);
      assert.ok(['rejected', 'unparseable'].includes(entry.verdict), entry.verdict);
      assert.ok(entry.reasonCode, 'a reason code is kept');
      assert.equal(entry.body.byteLength, 0);
    });
  });

  describe('refused before the gateway adapter reads it', () => {
    it(`a 10 KB body over the ${LIMIT}-byte limit: 413 BODY_TOO_LARGE, its beginning kept`, async () => {
      const payment = await createPayment(q);
      // Validly signed: even an authentic notification is not applied from a body we did not read whole.
      const body = encodeForm(
        lyraFields(payment, 'AUTHORISED', { extra: { vads_order_info: 'x'.repeat(10 * 1024) } }),
      );
      assert.ok(Buffer.byteLength(body) > 10 * 1024);

      const a = await notify(q, 'shop', body);

      const entry = await assertRefused(q, a, { status: 413, code: 'BODY_TOO_LARGE', verdict: 'rejected' });
      assert.equal(entry.bodyTruncated, true);
      assert.equal(entry.body.byteLength, LIMIT);
      assert.deepEqual(Buffer.from(entry.body), Buffer.from(body, 'utf8').subarray(0, LIMIT));
      await assertUntouched(q, payment.id);
    });

    it(`a body of exactly ${LIMIT} bytes is read whole and applied; one byte more is refused`, async () => {
      const fits = await createPayment(q);
      const over = await createPayment(q);
      // Lyra signs only the vads_ fields, so an unsigned trailing field pads the body to any size.
      const padTo = (p: typeof fits, size: number) => {
        const signed = `${encodeForm(lyraFields(p, 'AUTHORISED'))}&pad=`;
        return signed + 'x'.repeat(size - Buffer.byteLength(signed));
      };

      const ok = await notify(q, 'shop', padTo(fits, LIMIT));
      assert.equal(ok.status, 200, ok.text);
      const whole = await inboxEntry(q, ok.inboxId);
      assert.equal(whole.bodyTruncated, false);
      assert.equal(whole.body.byteLength, LIMIT);
      assert.equal((await paymentOf(q, fits.id)).status, 'authorized');

      const refused = await notify(q, 'shop', padTo(over, LIMIT + 1));
      const cut = await assertRefused(q, refused, {
        status: 413,
        code: 'BODY_TOO_LARGE',
        verdict: 'rejected',
      });
      assert.equal(cut.bodyTruncated, true);
      assert.equal(cut.body.byteLength, LIMIT);
      await assertUntouched(q, over.id);
    });

    it('a trailing slash on the notification URL still reaches the account', async () => {
      const payment = await createPayment(q);
      const response = await fetch(`${q.url}/notify/shop/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: encodeForm(lyraFields(payment, 'AUTHORISED')),
      });
      assert.equal(response.status, 200, await response.text());
      assert.equal((await paymentOf(q, payment.id)).status, 'authorized');
    });

    it('an unknown account: 404 UNKNOWN_ACCOUNT, kept under the account id as given', async () => {
      const payment = await createPayment(q);
      const body = encodeForm(lyraFields(payment, 'AUTHORISED'));
      const a = await notify(q, 'no-such-shop', body);

      const entry = await assertRefused(q, a, { status: 404, code: 'UNKNOWN_ACCOUNT', verdict: 'rejected' });
      assert.equal(entry.accountId, 'no-such-shop');
      assert.equal(entry.path, '/notify/no-such-shop');
      assert.deepEqual(Buffer.from(entry.body), Buffer.from(body, 'utf8'));
      await assertUntouched(q, payment.id);
    });

    it('an unknown account with an odd id still gets a one-line answer under 200 bytes', async () => {
      for (const id of ['%C3%A9'.repeat(150), 'a%0D%0Ab%3Cb%3E']) {
        const a = await notify(q, id, 'vads_x=1');
        assert.equal(a.status, 404);
        assert.match(a.text, /^KO UNKNOWN_ACCOUNT\b/);
        const entry = await inboxEntry(q, a.inboxId);
        assert.equal(entry.accountId, decodeURIComponent(id), 'kept under the id as given');
        assert.ok(Buffer.byteLength(a.text) < 200, `the answer is ${Buffer.byteLength(a.text)} bytes`);
        assert.doesNotMatch(a.text, /[\r\n<>]/, 'one line, no markup');
      }
    });

    for (const method of ['GET', 'PUT'] as const) {
      it(`${method}: 405 with Allow: POST, kept as METHOD_NOT_ALLOWED`, async () => {
        const payment = await createPayment(q);
        const body = method === 'PUT' ? encodeForm(lyraFields(payment, 'AUTHORISED')) : undefined;

        const a = await notify(q, 'shop', body, { method });

        assert.equal(a.headers.get('allow'), 'POST');
        const entry = await assertRefused(q, a, {
          status: 405,
          code: 'METHOD_NOT_ALLOWED',
          verdict: 'rejected',
        });
        assert.equal(entry.method, method);
        if (body) assert.deepEqual(Buffer.from(entry.body), Buffer.from(body, 'utf8'));
        await assertUntouched(q, payment.id);
      });
    }
  });

  describe('source address allowlist', () => {
    it('allowedIps: true refuses 127.0.0.1: 403 IP_NOT_ALLOWED', async () => {
      const payment = await createPayment(q, { account: 'lyra-only' });
      const a = await notify(q, 'lyra-only', lyraFields(payment, 'AUTHORISED'));
      const entry = await assertRefused(q, a, { status: 403, code: 'IP_NOT_ALLOWED', verdict: 'rejected' });
      assert.equal(entry.sourceIp, '127.0.0.1');
      await assertUntouched(q, payment.id);
    });

    it('X-Forwarded-For from an untrusted peer is not believed: still 403', async () => {
      const payment = await createPayment(q, { account: 'lyra-only' });
      const a = await notify(q, 'lyra-only', lyraFields(payment, 'AUTHORISED'), {
        headers: { 'x-forwarded-for': '194.50.38.9' },
      });
      const entry = await assertRefused(q, a, { status: 403, code: 'IP_NOT_ALLOWED', verdict: 'rejected' });
      assert.equal(entry.sourceIp, '127.0.0.1');
      assert.equal(entry.headers['x-forwarded-for'], '194.50.38.9', 'the header is kept as evidence');
      await assertUntouched(q, payment.id);
    });

    it("a list ['127.0.0.0/8'] lets 127.0.0.1 in", async () => {
      const payment = await createPayment(q, { account: 'local-only' });
      const a = await notify(q, 'local-only', lyraFields(payment, 'AUTHORISED'));
      assert.equal(a.status, 200, a.text);
      assert.equal((await inboxEntry(q, a.inboxId)).verdict, 'verified');
      assert.equal((await paymentOf(q, payment.id)).status, 'authorized');
    });

    describe('behind a trusted proxy (trustedProxies: 127.0.0.1)', () => {
      let proxied: Quittance;
      before(async () => {
        proxied = await startQuittance({ trustedProxies: ['127.0.0.1'] });
      });
      after(async () => {
        await proxied?.close();
      });

      it('X-Forwarded-For naming a Lyra address is believed: accepted', async () => {
        const payment = await createPayment(proxied, { account: 'lyra-only' });
        const a = await notify(proxied, 'lyra-only', lyraFields(payment, 'AUTHORISED'), {
          headers: { 'x-forwarded-for': '194.50.38.9' },
        });
        assert.equal(a.status, 200, a.text);
        const entry = await inboxEntry(proxied, a.inboxId);
        assert.equal(entry.verdict, 'verified');
        assert.equal(entry.sourceIp, '194.50.38.9');
        assert.equal((await paymentOf(proxied, payment.id)).status, 'authorized');
        assert.deepEqual(effectTypes(await effects(proxied, payment.id)), ['payment.authorized']);
      });

      it('the proxy itself, with no header, is still not Lyra: 403', async () => {
        const payment = await createPayment(proxied, { account: 'lyra-only' });
        const a = await notify(proxied, 'lyra-only', lyraFields(payment, 'AUTHORISED'));
        await assertRefused(proxied, a, { status: 403, code: 'IP_NOT_ALLOWED', verdict: 'rejected' });
        await assertUntouched(proxied, payment.id);
      });

      it('a Lyra address written by the client left of an untrusted hop is not believed: 403', async () => {
        const payment = await createPayment(proxied, { account: 'lyra-only' });
        const a = await notify(proxied, 'lyra-only', lyraFields(payment, 'AUTHORISED'), {
          headers: { 'x-forwarded-for': '194.50.38.9, 203.0.113.7' },
        });
        const entry = await assertRefused(proxied, a, {
          status: 403,
          code: 'IP_NOT_ALLOWED',
          verdict: 'rejected',
        });
        assert.equal(entry.sourceIp, '203.0.113.7');
        await assertUntouched(proxied, payment.id);
      });
    });
  });

  describe('storage failure', () => {
    let broken: Quittance;
    before(async () => {
      broken = await startQuittance();
    });
    after(async () => {
      await broken?.close();
    });

    it('a failure after the inbox insert: 503 RETRY, nothing applied, the raw request kept as error', async () => {
      const payment = await createPayment(broken);
      const body = encodeForm(lyraFields(payment, 'AUTHORISED'));
      // The transaction inserts the inbox entry and settles the payment, then fails journaling the signal.
      await sql`DROP TABLE signals`.execute(broken.engine.store.db);

      const a = await notify(broken, 'shop', body);

      assert.equal(a.status, 503, a.text);
      assert.match(a.text, /^RETRY\b/);
      assert.ok(Buffer.byteLength(a.text) < 200);
      assert.match(a.headers.get('content-type') ?? '', /^text\/plain/);
      const entry = await inboxEntry(broken, a.inboxId);
      assert.equal(entry.verdict, 'error');
      assert.equal(entry.reasonCode, 'INTERNAL');
      assert.deepEqual(Buffer.from(entry.body), Buffer.from(body, 'utf8'));
      const stored = await paymentOf(broken, payment.id);
      assert.equal(stored.status, 'created', 'the rolled-back transaction left the payment as it was');
      assert.equal(stored.version, 1);
      assert.deepEqual(await effects(broken, payment.id), [], 'no effect was enqueued');
    });

    it('the database gone altogether: still 503 RETRY, and no inbox id is claimed', async () => {
      const payment = await createPayment(broken);
      const body = encodeForm(lyraFields(payment, 'AUTHORISED'));
      await broken.engine.store.close();

      const a = await notify(broken, 'shop', body);

      assert.equal(a.status, 503, a.text);
      assert.match(a.text, /^RETRY\b/);
      assert.equal(a.inboxId, null, 'nothing was stored, so no entry is named');
    });
  });
});
