import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { money } from '../../core/index.js';
import type { DeferredCheck, StatusAnswer, StatusQuery } from '../gateway.js';
import {
  io,
  json,
  LIVE_KEY,
  OUR_ID,
  PAY_ID,
  paidObject,
  paymentObject,
  stubFetch,
  TEST_KEY,
  testAccount,
} from './fixtures/payments.js';
import { payplug } from './index.js';

const check: DeferredCheck = {
  kind: 'deferred',
  resource: PAY_ID,
  claimed: 'captured',
  lookup: { gatewayRef: PAY_ID },
};
const query: StatusQuery = {
  paymentId: OUR_ID,
  orderRef: 'ORDER-42',
  merchantRef: OUR_ID,
  gatewayRef: PAY_ID,
  amount: money(3300, 'EUR'),
  createdAt: new Date('2026-05-04T10:20:00Z'),
};

function back(f: typeof fetch, account = testAccount, c = check): Promise<StatusAnswer> {
  assert.ok(payplug.fetchBack);
  return payplug.fetchBack(account, c, io(f));
}
function status(f: typeof fetch, q = query): Promise<StatusAnswer> {
  assert.ok(payplug.fetchStatus);
  return payplug.fetchStatus(testAccount, q, io(f));
}
function failedWith(answer: StatusAnswer, retryable: boolean, reason: RegExp) {
  assert.equal(answer.kind, 'failed', JSON.stringify(answer));
  if (answer.kind !== 'failed') return;
  assert.equal(answer.retryable, retryable, answer.reason);
  assert.match(answer.reason, reason);
  assert.doesNotMatch(answer.reason, new RegExp(TEST_KEY));
}

describe('PayPlug fetch-back and status', () => {
  it('GETs the payment with the key and maps the FETCHED object to one notification signal', async () => {
    const stub = stubFetch(() => json(200, paidObject()));
    const answer = await back(stub.fetch);
    assert.equal(stub.calls[0]?.url, `https://payplug.test/v1/payments/${PAY_ID}`);
    assert.equal(stub.calls[0]?.method, 'GET');
    assert.equal(stub.calls[0]?.headers.authorization, `Bearer ${TEST_KEY}`);
    assert.equal(stub.calls[0]?.headers['payplug-version'], '2019-08-06');
    assert.equal(stub.calls[0]?.body, undefined);
    assert.equal(answer.kind, 'found');
    if (answer.kind !== 'found') return;
    assert.equal(answer.signals.length, 1);
    const [signal] = answer.signals;
    assert.equal(signal?.source, 'notification');
    assert.equal(signal?.status, 'captured');
    assert.deepEqual(signal?.amount, { value: 3300, currency: 'EUR' });
    assert.deepEqual(signal?.lookup, { gatewayRef: PAY_ID, paymentId: OUR_ID });
  });

  it('the fetched truth wins over the claim: a claimed capture fetched unpaid gives no capture', async () => {
    const answer = await back(
      stubFetch(() => json(200, paymentObject({ failure: { code: 'card_declined' } }))).fetch,
    );
    assert.equal(answer.kind === 'found' && answer.signals[0]?.status, 'refused');
    const open = await back(stubFetch(() => json(200, paymentObject())).fetch);
    assert.deepEqual(open, { kind: 'found', signals: [] });
  });

  it('the fetched amount is the one reported (a wrong amount reaches core as such)', async () => {
    const answer = await back(stubFetch(() => json(200, paidObject({ amount: 3301 }))).fetch);
    assert.deepEqual(answer.kind === 'found' && answer.signals[0]?.amount, { value: 3301, currency: 'EUR' });
  });

  it('404 → not-found (a forged id); 401/403 → failed for good; 5xx, network, timeout → failed, retry', async () => {
    assert.equal(
      (await back(stubFetch(() => json(404, { object: 'error', message: 'Not found' })).fetch)).kind,
      'not-found',
    );
    failedWith(
      await back(stubFetch(() => json(401, { object: 'error', message: 'bad key' })).fetch),
      false,
      /refused the secret key \(HTTP 401 \(bad key\)\)/,
    );
    failedWith(await back(stubFetch(() => json(403, {})).fetch), false, /HTTP 403/);
    failedWith(
      await back(stubFetch(() => new Response('<html>', { status: 502 })).fetch),
      true,
      /HTTP 502; asking again later/,
    );
    failedWith(await back(stubFetch(() => json(429, {})).fetch), true, /HTTP 429/);
    failedWith(await back(stubFetch(() => json(400, { message: 'bad' })).fetch), false, /HTTP 400 \(bad\)/);
    failedWith(await back(stubFetch(() => new Response('', { status: 301 })).fetch), false, /apiBase/);
    const down = stubFetch(() => {
      throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
    });
    failedWith(await back(down.fetch), true, /could not be reached \(fetch failed: ECONNRESET\)/);
    const aborted = new AbortController();
    aborted.abort();
    assert.ok(payplug.fetchBack);
    failedWith(
      await payplug.fetchBack(testAccount, check, io(stubFetch(() => json(200, {})).fetch, aborted.signal)),
      true,
      /did not answer in time/,
    );
  });

  it('an unreadable or foreign answer fails for good', async () => {
    failedWith(
      await back(stubFetch(() => new Response('ok', { status: 200 })).fetch),
      false,
      /cannot read: the payment is not a JSON object/,
    );
    failedWith(
      await back(stubFetch(() => json(200, paidObject({ id: 'pay_other1' }))).fetch),
      false,
      /pay_other1 instead/,
    );
    failedWith(await back(stubFetch(() => json(200, paidObject({ is_live: true }))).fetch), false, /is live/);
  });

  it('a key of the other mode fails for good before any call', async () => {
    const stub = stubFetch(() => json(200, paidObject()));
    const answer = await back(stub.fetch, { ...testAccount, credentials: { secretKey: LIVE_KEY } });
    failedWith(answer, false, /LIVE secret key/);
    assert.equal(answer.kind === 'failed' && answer.code, 'CONFIG_INVALID');
    assert.equal(stub.calls.length, 0);
  });

  it('fetchStatus: the same GET by gatewayRef, poll signals; no gatewayRef → not-found without a call', async () => {
    const stub = stubFetch(() => json(200, paidObject()));
    const answer = await status(stub.fetch);
    assert.equal(stub.calls[0]?.url, `https://payplug.test/v1/payments/${PAY_ID}`);
    assert.equal(answer.kind === 'found' && answer.signals[0]?.source, 'poll');
    assert.deepEqual(answer.kind === 'found' && answer.signals[0]?.lookup, {
      gatewayRef: PAY_ID,
      paymentId: OUR_ID,
    });
    const none = stubFetch(() => json(200, paidObject()));
    assert.equal((await status(none.fetch, { ...query, gatewayRef: null })).kind, 'not-found');
    assert.equal(none.calls.length, 0);
  });

  it('fetchStatus refuses a payment whose metadata names another of our payments', async () => {
    const other = paidObject({ metadata: { quittance_payment_id: 'pay_someoneelse' } });
    failedWith(await status(stubFetch(() => json(200, other)).fetch), false, /needs a person's look/);
  });

  it('an id that is not pay_… is never put in a URL', async () => {
    const stub = stubFetch(() => json(200, paidObject()));
    assert.equal(
      (await back(stub.fetch, testAccount, { ...check, resource: '../refunds' })).kind,
      'not-found',
    );
    assert.equal(stub.calls.length, 0);
  });
});
