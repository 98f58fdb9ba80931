import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatusAnswer, StatusQuery } from '../gateway.js';
import { checkoutRequest, testAccount, withCredentials } from './fixtures/notification.js';
import { jsonResponse, officeFetch, sealedOfficeAnswer, transactionData } from './fixtures/office.js';
import { sipsJsonSeal } from './seal.js';
import { fetchSipsStatus, SIPS_OFFICE_INTERFACE_VERSION } from './status.js';

const request = checkoutRequest();
const query: StatusQuery = {
  paymentId: request.paymentId,
  orderRef: request.orderRef,
  merchantRef: request.merchantRef,
  gatewayRef: null,
  amount: request.amount,
  createdAt: request.now,
};

function ask(fetch: typeof globalThis.fetch, account = testAccount): Promise<StatusAnswer> {
  return fetchSipsStatus(account, query, { fetch, signal: new AbortController().signal, now: new Date() });
}

describe('Sips fetchStatus (Office getTransactionData)', () => {
  it('posts the sealed JSON request to the Office host', async () => {
    const office = officeFetch(() => jsonResponse(transactionData(testAccount, request, 'CAPTURED')));
    const answer = await ask(office.fetch);
    assert.equal(answer.kind, 'found');
    const [call] = office.calls;
    assert.ok(call);
    assert.equal(
      call.url,
      'https://office-server.simu.sips-services.com/rs-services/v2/diagnostic/getTransactionData',
    );
    assert.equal(call.init?.method, 'POST');
    const expectedSeal = sipsJsonSeal(
      `${SIPS_OFFICE_INTERFACE_VERSION}002001000000001${request.merchantRef}`,
      '002001000000001_KEY1',
    );
    assert.deepEqual(call.body, {
      interfaceVersion: SIPS_OFFICE_INTERFACE_VERSION,
      keyVersion: '1',
      merchantId: '002001000000001',
      transactionReference: request.merchantRef,
      seal: expectedSeal,
    });
    const base = withCredentials(testAccount, { officeBase: 'http://127.0.0.1:4000/' });
    const sim = officeFetch(() => jsonResponse(transactionData(base, request, 'CAPTURED')));
    await ask(sim.fetch, base);
    assert.equal(sim.calls[0]?.url, 'http://127.0.0.1:4000/rs-services/v2/diagnostic/getTransactionData');
  });

  it('maps the transaction status and keeps amount and references', async () => {
    const answer = await ask(
      officeFetch(() => jsonResponse(transactionData(testAccount, request, 'TO_VALIDATE'))).fetch,
    );
    assert.ok(answer.kind === 'found');
    const [signal] = answer.signals;
    assert.equal(signal?.status, 'authorized');
    assert.deepEqual(signal?.amount, request.amount);
    assert.deepEqual(signal?.lookup, { merchantRef: request.merchantRef, gatewayRef: request.merchantRef });
    const unknown = await ask(
      officeFetch(() => jsonResponse(transactionData(testAccount, request, 'SOMETHING_NEW'))).fetch,
    );
    assert.deepEqual(unknown, { kind: 'found', signals: [] });
  });

  it('says not-found on 25, fails for good on 34 and on a bad answer seal, retryably on 5xx and garbage', async () => {
    assert.equal(
      (await ask(officeFetch(() => jsonResponse({ responseCode: '25' })).fetch)).kind,
      'not-found',
    );
    const bad = await ask(officeFetch(() => jsonResponse({ responseCode: '34' })).fetch);
    assert.ok(bad.kind === 'failed' && !bad.retryable);
    const forged = { ...transactionData(testAccount, request, 'CAPTURED'), seal: '0'.repeat(64) };
    const forgedAnswer = await ask(officeFetch(() => jsonResponse(forged)).fetch);
    assert.ok(forgedAnswer.kind === 'failed' && !forgedAnswer.retryable);
    const otherKey = withCredentials(testAccount, { secretKey: 'other' });
    const wrongKey = await ask(
      officeFetch(() => jsonResponse(transactionData(otherKey, request, 'CAPTURED'))).fetch,
    );
    assert.equal(wrongKey.kind, 'failed');
    const down = await ask(officeFetch(() => new Response('oops', { status: 502 })).fetch);
    assert.ok(down.kind === 'failed' && down.retryable);
    const garbage = await ask(officeFetch(() => new Response('<html>', { status: 200 })).fetch);
    assert.ok(garbage.kind === 'failed' && garbage.retryable);
    const other = await ask(
      officeFetch(() => jsonResponse(sealedOfficeAnswer(testAccount, { responseCode: '99' }))).fetch,
    );
    assert.ok(other.kind === 'failed' && other.retryable);
    for (const answer of [bad, forgedAnswer, wrongKey, down, garbage, other]) {
      assert.ok(answer.kind === 'failed' && !answer.reason.includes('002001000000001_KEY1'));
    }
  });
});
