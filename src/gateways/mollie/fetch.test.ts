import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { money } from '../../core/index.js';
import type { DeferredCheck, StatusAnswer, StatusQuery } from '../gateway.js';
import {
  io,
  json,
  LIVE_KEY,
  OUR_ID,
  paidObject,
  paymentObject,
  stubFetch,
  TEST_KEY,
  TR_ID,
  testAccount,
} from './fixtures/payments.js';
import { mollie } from './index.js';

const check: DeferredCheck = { kind: 'deferred', resource: TR_ID, lookup: { gatewayRef: TR_ID } };
const query: StatusQuery = {
  paymentId: OUR_ID,
  orderRef: 'ORDER-42',
  merchantRef: OUR_ID,
  gatewayRef: TR_ID,
  amount: money(3300, 'EUR'),
  createdAt: new Date('2026-05-04T10:20:00Z'),
};

function back(f: typeof fetch, account = testAccount, c = check): Promise<StatusAnswer> {
  assert.ok(mollie.fetchBack);
  return mollie.fetchBack(account, c, io(f));
}
function failedWith(answer: StatusAnswer, code: string, retryable: boolean, reason: RegExp) {
  assert.equal(answer.kind, 'failed', JSON.stringify(answer));
  if (answer.kind !== 'failed') return;
  assert.equal(answer.code, code);
  assert.equal(answer.retryable, retryable, answer.reason);
  assert.match(answer.reason, reason);
  assert.doesNotMatch(answer.reason, new RegExp(TEST_KEY));
}

describe('Mollie fetch-back and status', () => {
  it('GETs the payment with the Bearer key and maps the FETCHED object to one notification signal', async () => {
    const stub = stubFetch(() => json(200, paidObject()));
    const answer = await back(stub.fetch);
    assert.equal(stub.calls[0]?.url, `https://mollie.test/v2/payments/${TR_ID}`);
    assert.equal(stub.calls[0]?.method, 'GET');
    assert.equal(stub.calls[0]?.headers.authorization, `Bearer ${TEST_KEY}`);
    assert.equal(stub.calls[0]?.redirect, 'manual');
    assert.deepEqual(answer, {
      kind: 'found',
      signals: [
        {
          source: 'notification',
          status: 'captured',
          amount: { value: 3300, currency: 'EUR' },
          gatewayRef: TR_ID,
          gatewayStatus: 'paid',
          lookup: { gatewayRef: TR_ID, paymentId: OUR_ID },
          facts: { mode: 'test' },
        },
      ],
    });
  });

  it('an open payment yields no signal; refunds carry the payment amount and the refunded part as a fact', async () => {
    assert.deepEqual(await back(stubFetch(() => json(200, paymentObject())).fetch), {
      kind: 'found',
      signals: [],
    });
    const refunded = await back(
      stubFetch(() => json(200, paidObject({ amountRefunded: { value: '10.00', currency: 'EUR' } }))).fetch,
    );
    assert.ok(refunded.kind === 'found');
    assert.equal(refunded.signals[0]?.status, 'partially_refunded');
    assert.deepEqual(refunded.signals[0]?.amount, { value: 3300, currency: 'EUR' });
    assert.equal(refunded.signals[0]?.facts?.amount_refunded, '1000');
  });

  it('404 (unknown id, or another merchant’s) is not-found; 401 not retryable; 5xx and network errors retryable', async () => {
    const notFound = await back(
      stubFetch(() =>
        json(404, { status: 404, title: 'Not Found', detail: `No payment exists with token ${TR_ID}.` }),
      ).fetch,
    );
    assert.equal(notFound.kind, 'not-found');
    if (notFound.kind === 'not-found') assert.match(notFound.reason, /No payment exists/);
    failedWith(
      await back(stubFetch(() => json(401, { status: 401, title: 'Unauthorized Request' })).fetch),
      'UNAUTHORIZED',
      false,
      /refused the API key \(HTTP 401/,
    );
    failedWith(await back(stubFetch(() => json(502, {})).fetch), 'GATEWAY_UNAVAILABLE', true, /HTTP 502/);
    failedWith(await back(stubFetch(() => json(429, {})).fetch), 'GATEWAY_UNAVAILABLE', true, /HTTP 429/);
    failedWith(await back(stubFetch(() => json(301, {})).fetch), 'GATEWAY_UNAVAILABLE', false, /apiBase/);
    const down = stubFetch(() => {
      throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
    });
    failedWith(await back(down.fetch), 'GATEWAY_UNAVAILABLE', true, /ECONNRESET/);
  });

  it('refuses a payment of the other mode, another id, or an unreadable answer', async () => {
    failedWith(
      await back(stubFetch(() => json(200, paidObject({ mode: 'live' }))).fetch),
      'MODE_MISMATCH',
      false,
      /live payment, but the account shop-mollie is in test mode/,
    );
    failedWith(
      await back(stubFetch(() => json(200, paidObject({ id: 'tr_another1' }))).fetch),
      'GATEWAY_UNAVAILABLE',
      false,
      /about the payment tr_another1 instead/,
    );
    failedWith(
      await back(stubFetch(() => json(200, paidObject({ status: 'shipped' }))).fetch),
      'GATEWAY_UNAVAILABLE',
      false,
      /cannot read/,
    );
    const live = { ...testAccount, credentials: { apiKey: LIVE_KEY } };
    failedWith(
      await back(stubFetch(() => json(200, paidObject())).fetch, live),
      'CONFIG_INVALID',
      false,
      /LIVE/,
    );
  });

  it('reconciliation asks by the stored tr_ id, as poll signals, and checks our id in metadata', async () => {
    assert.ok(mollie.fetchStatus);
    const stub = stubFetch(() => json(200, paidObject()));
    const answer = await mollie.fetchStatus(testAccount, query, io(stub.fetch));
    assert.ok(answer.kind === 'found');
    assert.equal(answer.signals[0]?.source, 'poll');
    assert.equal(stub.calls[0]?.url, `https://mollie.test/v2/payments/${TR_ID}`);
    const none = await mollie.fetchStatus(testAccount, { ...query, gatewayRef: null }, io(stub.fetch));
    assert.equal(none.kind, 'not-found');
    const other = await mollie.fetchStatus(
      testAccount,
      { ...query, paymentId: 'pay_someoneelse' },
      io(stubFetch(() => json(200, paidObject())).fetch),
    );
    failedWith(other, 'PAYMENT_MISMATCH', false, /belongs to quittance's pay_01jqz/);
  });
});
