/**
 * GET|POST /return/:accountId/:paymentId through real HTTP: signed return data settles the payment
 * like a notification; anything else changes nothing; the customer always lands on a shop page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeForm } from '../../src/gateways/_shared/form-codec.js';
import {
  assertUntouched,
  type CreatedPayment,
  createPayment,
  customerReturn,
  effects,
  effectTypes,
  inboxAt,
  lyraFields,
  OTHER_KEY,
  paymentOf,
  type Quittance,
  SHOP,
  signalsFrom,
  signalsOf,
  startQuittance,
} from './harness.js';

const LIMIT = 2048;

/** The shop page the customer was sent to, and the parameters it carries. */
function landing(location: string | null): { page: string; params: Record<string, string> } {
  assert.ok(location, 'a 303 names where to go');
  const url = new URL(location);
  return { page: `${url.origin}${url.pathname}`, params: Object.fromEntries(url.searchParams) };
}

function returnPath(p: CreatedPayment, account = 'shop'): string {
  return `/return/${account}/${p.id}`;
}

/** quittance's own waiting page, where a customer goes while the payment is not final. */
function waitingPage(q: Quittance, p: CreatedPayment): string {
  return `${q.url}/pay/${p.id}/wait`;
}

describe('GET|POST /return/:accountId/:paymentId', () => {
  let q: Quittance;
  before(async () => {
    q = await startQuittance({ notificationBodyBytes: LIMIT });
  });
  after(async () => {
    await q?.close();
  });

  it('a signed POST return (AUTHORISED): 303 to the success page, payment authorized from the return', async () => {
    const payment = await createPayment(q);
    const fields = lyraFields(payment, 'AUTHORISED', { source: 'return' });

    const a = await customerReturn(q, 'shop', payment.id, fields, 'POST');

    assert.equal(a.status, 303, a.text);
    const { page, params } = landing(a.location);
    assert.equal(page, SHOP.successUrl);
    assert.deepEqual(params, { payment: payment.id, order: payment.orderRef, status: 'authorized' });

    const stored = await paymentOf(q, payment.id);
    assert.equal(stored.status, 'authorized');
    assert.equal(stored.gatewayRef, fields.vads_trans_uuid);
    const [entry, ...more] = await inboxAt(q, returnPath(payment));
    assert.equal(more.length, 0);
    assert.equal(entry?.kind, 'return');
    assert.equal(entry?.verdict, 'verified');
    assert.equal(entry?.method, 'POST');
    assert.deepEqual(Buffer.from(entry?.body ?? []), Buffer.from(encodeForm(fields), 'utf8'));
    const signals = await signalsOf(q, payment.id);
    assert.equal(signals.length, 1);
    assert.equal(signals[0]?.source, 'return');
    assert.equal(signals[0]?.status, 'authorized');
    assert.equal(signals[0]?.settlement, 'applied');
    assert.equal(signals[0]?.inboxId, entry?.id);
    assert.deepEqual(effectTypes(await effects(q, payment.id)), ['payment.authorized']);
  });

  it('a signed GET return (fields in the query string) settles too', async () => {
    const payment = await createPayment(q);
    const fields = lyraFields(payment, 'AUTHORISED', { source: 'return' });

    const a = await customerReturn(q, 'shop', payment.id, fields, 'GET');

    assert.equal(a.status, 303, a.text);
    const { page, params } = landing(a.location);
    assert.equal(page, SHOP.successUrl);
    assert.equal(params.status, 'authorized');
    assert.equal((await paymentOf(q, payment.id)).status, 'authorized');
    const [entry] = await inboxAt(q, returnPath(payment));
    assert.equal(entry?.method, 'GET');
    assert.equal(entry?.verdict, 'verified');
    assert.equal(entry?.query, encodeForm(fields));
    const signals = await signalsOf(q, payment.id);
    assert.deepEqual(
      signals.map((s) => [s.source, s.status, s.settlement]),
      [['return', 'authorized', 'applied']],
    );
    assert.deepEqual(effectTypes(await effects(q, payment.id)), ['payment.authorized']);
  });

  it('the notification after a return is a duplicate: one applied signal, one effect', async () => {
    const payment = await createPayment(q);
    await customerReturn(q, 'shop', payment.id, lyraFields(payment, 'AUTHORISED', { source: 'return' }));
    const n = await fetch(`${q.url}/notify/shop`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encodeForm(lyraFields(payment, 'AUTHORISED')),
    });
    assert.equal(n.status, 200, await n.text());
    assert.deepEqual(
      (await signalsOf(q, payment.id)).map((s) => [s.source, s.settlement]),
      [
        ['return', 'applied'],
        ['notification', 'duplicate'],
      ],
    );
    assert.deepEqual(effectTypes(await effects(q, payment.id)), ['payment.authorized']);
  });

  for (const [name, forge] of [
    [
      'signed with another key',
      (p: CreatedPayment) => lyraFields(p, 'AUTHORISED', { key: OTHER_KEY, source: 'return' }),
    ],
    [
      'a REFUSED turned AUTHORISED',
      (p: CreatedPayment) => ({
        ...lyraFields(p, 'REFUSED', { source: 'return' }),
        vads_trans_status: 'AUTHORISED',
      }),
    ],
    [
      'no signature',
      (p: CreatedPayment) => {
        const { signature: _, ...unsigned } = lyraFields(p, 'AUTHORISED', { source: 'return' });
        return unsigned;
      },
    ],
  ] as const) {
    it(`a forged return (${name}): 303 to the waiting page, payment unchanged, entry rejected`, async () => {
      const payment = await createPayment(q);

      const a = await customerReturn(q, 'shop', payment.id, forge(payment));

      assert.equal(a.status, 303, a.text);
      const { page, params } = landing(a.location);
      assert.equal(page, waitingPage(q, payment));
      assert.match(params.since ?? '', /^\d+$/);
      const [entry] = await inboxAt(q, returnPath(payment));
      assert.equal(entry?.verdict, 'rejected');
      assert.match(entry?.reasonCode ?? '', /^SIGNATURE_(MISMATCH|MISSING)$/);
      assert.deepEqual(await signalsFrom(q, entry?.id ?? ''), []);
      await assertUntouched(q, payment.id);
    });
  }

  it('a signed REFUSED return: 303 to the failure page, payment refused', async () => {
    const payment = await createPayment(q);
    const a = await customerReturn(
      q,
      'shop',
      payment.id,
      lyraFields(payment, 'REFUSED', { source: 'return' }),
    );
    assert.equal(a.status, 303, a.text);
    const { page, params } = landing(a.location);
    assert.equal(page, SHOP.failureUrl);
    assert.equal(params.status, 'refused');
    assert.equal((await paymentOf(q, payment.id)).status, 'refused');
    const [entry] = await inboxAt(q, returnPath(payment));
    assert.equal(entry?.verdict, 'verified');
    assert.deepEqual(effectTypes(await effects(q, payment.id)), ['payment.failed']);
  });

  for (const method of ['GET', 'POST'] as const) {
    it(`a plain ${method} return with no fields: 303 to the waiting page, nothing settled, still kept`, async () => {
      const payment = await createPayment(q);
      const a = await customerReturn(q, 'shop', payment.id, undefined, method);
      assert.equal(a.status, 303, a.text);
      const { page } = landing(a.location);
      // Nothing signed: the status API was asked (this account has no REST password, so it could
      // not be), and the customer waits on quittance's page for the notification.
      assert.equal(page, waitingPage(q, payment));
      const entries = await inboxAt(q, returnPath(payment));
      assert.equal(entries.length, 1, 'the visit is kept');
      assert.equal(entries[0]?.method, method);
      assert.deepEqual(await signalsFrom(q, entries[0]?.id ?? ''), []);
      await assertUntouched(q, payment.id);
    });
  }

  it('an unknown payment: 404 JSON UNKNOWN_PAYMENT', async () => {
    const payment = await createPayment(q);
    const fields = lyraFields(payment, 'AUTHORISED', { source: 'return' });
    const response = await fetch(`${q.url}/return/shop/pay_00000000000000000000000000`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encodeForm(fields),
    });
    assert.equal(response.status, 404);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'UNKNOWN_PAYMENT');
    assert.ok(body.error.message.length > 0);
    // The signed data speaks of a real payment, but the URL names another: nothing may move.
    await assertUntouched(q, payment.id);
    // ...and the request is kept, with its reason.
    const [entry] = await inboxAt(q, '/return/shop/pay_00000000000000000000000000');
    assert.equal(entry?.verdict, 'rejected');
    assert.equal(entry?.reasonCode, 'UNKNOWN_PAYMENT');
    assert.equal(entry?.kind, 'return');
  });

  it("a payment of another account under this account's URL: 404 UNKNOWN_PAYMENT, nothing moves", async () => {
    const payment = await createPayment(q, { account: 'local-only' });
    const response = await fetch(`${q.url}/return/shop/${payment.id}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encodeForm(lyraFields(payment, 'AUTHORISED', { source: 'return' })),
    });
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'UNKNOWN_PAYMENT');
    await assertUntouched(q, payment.id);
  });

  it("payment A's signed return data at payment B's URL: neither payment moves", async () => {
    const a = await createPayment(q);
    const b = await createPayment(q);

    const answer = await customerReturn(q, 'shop', b.id, lyraFields(a, 'AUTHORISED', { source: 'return' }));

    assert.equal(answer.status, 303, answer.text);
    const { page, params } = landing(answer.location);
    assert.equal(page, waitingPage(q, b));
    assert.deepEqual(Object.keys(params), ['since']);
    await assertUntouched(q, b.id);
    await assertUntouched(q, a.id);
    const [entry] = await inboxAt(q, returnPath(b));
    assert.ok(entry);
    assert.equal(entry.verdict, 'rejected');
    assert.equal(entry.reasonCode, 'PAYMENT_MISMATCH');
    const signals = await signalsFrom(q, entry.id);
    assert.equal(signals.length, 1);
    assert.equal(signals[0]?.settlement, 'rejected');
    assert.equal(signals[0]?.paymentId, null);
    assert.match(signals[0]?.reason ?? '', new RegExp(a.id));
  });

  it('returns are not filtered by the notification allowlist (customers come from anywhere)', async () => {
    const payment = await createPayment(q, { account: 'lyra-only' });
    const a = await customerReturn(
      q,
      'lyra-only',
      payment.id,
      lyraFields(payment, 'AUTHORISED', { source: 'return' }),
    );
    assert.equal(a.status, 303, a.text);
    assert.equal(landing(a.location).page, SHOP.successUrl);
    assert.equal((await paymentOf(q, payment.id)).status, 'authorized');
  });

  it('a wrong-amount return, validly signed: waiting page, flagged, never paid', async () => {
    const payment = await createPayment(q, { amount: 990 });
    const a = await customerReturn(
      q,
      'shop',
      payment.id,
      lyraFields(payment, 'AUTHORISED', { source: 'return', extra: { vads_amount: '991' } }),
    );
    assert.equal(a.status, 303, a.text);
    assert.equal(landing(a.location).page, waitingPage(q, payment));
    const stored = await paymentOf(q, payment.id);
    assert.equal(stored.status, 'created');
    assert.equal(stored.needsReview, true);
    assert.deepEqual(
      (await signalsOf(q, payment.id)).map((s) => s.settlement),
      ['conflict'],
    );
    assert.deepEqual(effectTypes(await effects(q, payment.id)), ['payment.conflict']);
  });

  it('a POST return body over the size limit is stored marked as truncated', async () => {
    const payment = await createPayment(q);
    // Lyra signs only vads_ fields: a trailing unsigned field pads the body past the limit.
    const body = `${encodeForm(lyraFields(payment, 'AUTHORISED', { source: 'return' }))}&padding=${'x'.repeat(4096)}`;
    const response = await fetch(`${q.url}${returnPath(payment)}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    assert.equal(response.status, 303);
    const [entry] = await inboxAt(q, returnPath(payment));
    assert.ok(entry);
    assert.equal(entry.body.byteLength, LIMIT, 'only the first bytes were kept');
    assert.equal(entry.bodyTruncated, true, 'and the entry must say so');
  });
});
