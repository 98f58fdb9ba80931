import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { GatewayAccount, RawRequest, Verdict } from '../gateway.js';
import type { LyraCredentials } from './credentials.js';
import { checkoutRequest, formPost, testAccount, withCredentials } from './fixtures/notification.js';
import { restTransaction } from './fixtures/rest.js';
import { lyra } from './index.js';

/**
 * The published vector: an IPN of Lyra's public demo shop 69876357 in openfun/joanie
 * `src/backend/joanie/tests/payment/lyra/requests/payment_refused.json`. The fixture is its `kr-answer` value byte for
 * byte (8,651 chars) at commit d3b24652 (2024-06-20), the file's latest version. That version is laid out as Python's
 * json.dumps does (`", "` and `": "`) and carries joanie's own metadata, so joanie re-signed it with the demo password;
 * its first version (commit ed8a19ed, 2024-04-12, 8,014 chars, compact JSON as Lyra sends it, `metadata: null`)
 * carries another kr-hash that verifies with the same password. Both are tested.
 */
const VECTOR_ANSWER = readFileSync(
  new URL('./fixtures/joanie-payment-refused.kr-answer.txt', import.meta.url),
  'utf8',
);
const VECTOR_PASSWORD = 'testpassword_DEMOPRIVATEKEY23G4475zXZQ2UA5x7M';
const VECTOR_HASH = 'f2c66a7da845b5885125c37d5c4fe88c01f60ac1acafab092694df29bc5d8a42';

const demoShop: GatewayAccount<LyraCredentials> = withCredentials(
  { ...testAccount, id: 'acc_lyra_demo' },
  { siteId: '69876357', restPassword: VECTOR_PASSWORD },
);

const HMAC_KEY = testAccount.credentials.hmacKey ?? '';
const withHmacKey = testAccount;
const withoutHmacKey = withCredentials(testAccount, { hmacKey: undefined });

function krForm(
  answer: string,
  key: string,
  overrides: Readonly<Record<string, string | undefined>> = {},
): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    'kr-hash': createHmac('sha256', key).update(answer, 'utf8').digest('hex'),
    'kr-hash-algorithm': 'sha256_hmac',
    'kr-hash-key': 'password',
    'kr-answer-type': 'V4/Payment',
    'kr-answer': answer,
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

const vectorForm = { ...krForm(VECTOR_ANSWER, VECTOR_PASSWORD), 'kr-hash': VECTOR_HASH };

const FIRST_VECTOR_ANSWER = readFileSync(
  new URL('./fixtures/joanie-payment-refused-ed8a19ed.kr-answer.txt', import.meta.url),
  'utf8',
);
const FIRST_VECTOR_HASH = '66c212275bc766eedccd7d09da8df498944ae4d6cf24802418837458bc30ce5c';

/** A V4/Payment answer for the payment made with `request`, as our test shop 12345678 would get it. */
function paymentAnswer(
  detailedStatus: string,
  orderStatus: string,
  transactions?: readonly unknown[],
): { readonly answer: string; readonly request: ReturnType<typeof checkoutRequest> } {
  const request = checkoutRequest();
  const answer = JSON.stringify({
    shopId: '12345678',
    orderCycle: orderStatus === 'RUNNING' ? 'OPEN' : 'CLOSED',
    orderStatus,
    serverDate: '2026-03-14T23:06:00+00:00',
    orderDetails: {
      orderTotalAmount: request.amount.value,
      orderCurrency: request.amount.currency,
      mode: 'TEST',
      orderId: request.orderRef,
      _type: 'V4/OrderDetails',
    },
    transactions: transactions ?? [restTransaction(request, detailedStatus)],
    _type: 'V4/Payment',
  });
  return { answer, request };
}

function code(verdict: Verdict | null): string | undefined {
  return verdict && verdict.kind !== 'verified' ? verdict.code : undefined;
}

function reason(verdict: Verdict | null): string {
  return verdict && verdict.kind !== 'verified' ? verdict.reason : '';
}

describe('Lyra REST API IPN (kr-answer)', () => {
  it('passes the published joanie vector byte for byte', () => {
    assert.equal(VECTOR_ANSWER.length, 8651);
    assert.equal(createHmac('sha256', VECTOR_PASSWORD).update(VECTOR_ANSWER).digest('hex'), VECTOR_HASH);
    const verdict = lyra.verifyNotification(demoShop, formPost(vectorForm));
    assert.ok(verdict.kind === 'verified', reason(verdict));
    assert.equal(verdict.signals.length, 1);
    const [signal] = verdict.signals;
    assert.equal(signal?.source, 'notification');
    assert.equal(signal?.status, 'refused');
    assert.equal(signal?.gatewayStatus, 'REFUSED');
    assert.deepEqual(signal?.amount, { value: 12345, currency: 'EUR' });
    assert.equal(signal?.gatewayRef, '720324c7b1b1453d8e5463a9705e47e9');
    assert.deepEqual(signal?.lookup, {
      merchantRef: '20240411-904877',
      gatewayRef: '720324c7b1b1453d8e5463a9705e47e9',
    });
    assert.equal(signal?.facts?.orderStatus, 'UNPAID');
    assert.equal(signal?.facts?.orderId, '758c2570-a7af-4335-b091-340d0cc6e694');
    assert.equal(signal?.facts?.detailedErrorCode, '51');
  });

  it("passes the file's first version too, as Lyra lays it out", () => {
    assert.equal(FIRST_VECTOR_ANSWER.length, 8014);
    const form = { ...krForm(FIRST_VECTOR_ANSWER, VECTOR_PASSWORD), 'kr-hash': FIRST_VECTOR_HASH };
    const verdict = lyra.verifyNotification(demoShop, formPost(form));
    assert.ok(verdict.kind === 'verified', reason(verdict));
    assert.equal(verdict.signals[0]?.status, 'refused');
    assert.equal(verdict.signals[0]?.lookup.merchantRef, '20240411-904877');
  });

  it('refuses a tampered kr-answer', () => {
    const tampered = VECTOR_ANSWER.replace('"amount": 12345', '"amount": 12346');
    assert.notEqual(tampered, VECTOR_ANSWER);
    const verdict = lyra.verifyNotification(demoShop, formPost({ ...vectorForm, 'kr-answer': tampered }));
    assert.equal(code(verdict), 'SIGNATURE_MISMATCH');
  });

  it('refuses the vector under another password', () => {
    const wrongKey = withCredentials(demoShop, { restPassword: 'testpassword_SOMEOTHERSHOPKEY' });
    const verdict = lyra.verifyNotification(wrongKey, formPost(vectorForm));
    assert.equal(code(verdict), 'SIGNATURE_MISMATCH');
    assert.match(reason(verdict), /restPassword/);
    assert.doesNotMatch(reason(verdict), /SOMEOTHERSHOPKEY|f2c66a/);
  });

  it('says so when the account holds no REST password', () => {
    const noPassword = withCredentials(demoShop, { restPassword: undefined });
    const verdict = lyra.verifyNotification(noPassword, formPost(vectorForm));
    assert.equal(verdict.kind, 'rejected');
    assert.match(reason(verdict), /does not hold/);
    assert.match(reason(verdict), /restPassword/);
  });

  it('refuses a message without kr-hash', () => {
    const { 'kr-hash': _, ...unsigned } = vectorForm;
    assert.equal(code(lyra.verifyNotification(demoShop, formPost(unsigned))), 'SIGNATURE_MISSING');
    const empty = formPost({ ...vectorForm, 'kr-hash': '' });
    assert.equal(code(lyra.verifyNotification(demoShop, empty)), 'SIGNATURE_MISSING');
  });

  it('refuses another hash algorithm or hash key', () => {
    for (const algorithm of ['sha1', 'SHA256_HMAC', undefined]) {
      const form = krForm(VECTOR_ANSWER, VECTOR_PASSWORD, { 'kr-hash-algorithm': algorithm });
      assert.equal(code(lyra.verifyNotification(demoShop, formPost(form))), 'UNSUPPORTED_ALGORITHM');
    }
    const form = krForm(VECTOR_ANSWER, VECTOR_PASSWORD, { 'kr-hash-key': 'key' });
    assert.equal(code(lyra.verifyNotification(demoShop, formPost(form))), 'UNSUPPORTED_ALGORITHM');
  });

  it('refuses a genuine message for another shop', () => {
    const otherShop = withCredentials(demoShop, { siteId: '12345678' });
    const verdict = lyra.verifyNotification(otherShop, formPost(vectorForm));
    assert.equal(code(verdict), 'SITE_MISMATCH');
    assert.match(reason(verdict), /69876357/);
  });

  it('refuses a TEST answer on a live account', () => {
    const live = { ...demoShop, mode: 'live' as const };
    assert.equal(code(lyra.verifyNotification(live, formPost(vectorForm))), 'MODE_MISMATCH');
  });

  it('reports a signed kr-answer that is not JSON as malformed', () => {
    const password = testAccount.credentials.restPassword ?? '';
    for (const answer of ['{"shopId":"12345678",', '[1,2]']) {
      const verdict = lyra.verifyNotification(testAccount, formPost(krForm(answer, password)));
      assert.equal(code(verdict), 'MALFORMED_BODY');
    }
  });

  it('reports a repeated field as malformed', () => {
    const body = `kr-answer=a&kr-answer=b&kr-hash=${VECTOR_HASH}`;
    assert.equal(code(lyra.verifyNotification(demoShop, formPost(body))), 'MALFORMED_BODY');
  });

  it('maps a paid answer and reads our merchant reference from the legacy trans id and date', () => {
    const { answer, request } = paymentAnswer('CAPTURED', 'PAID');
    const form = krForm(answer, testAccount.credentials.restPassword ?? '');
    const verdict = lyra.verifyNotification(testAccount, formPost(form));
    assert.ok(verdict.kind === 'verified', reason(verdict));
    assert.equal(verdict.signals.length, 1);
    const [signal] = verdict.signals;
    assert.equal(signal?.status, 'captured');
    assert.deepEqual(signal?.amount, request.amount);
    assert.equal(signal?.lookup.merchantRef, request.merchantRef);
    assert.equal(signal?.facts?.orderStatus, 'PAID');
    assert.equal(signal?.facts?.orderId, request.orderRef);
  });

  it('maps a refused answer', () => {
    const { answer } = paymentAnswer('REFUSED', 'UNPAID');
    const form = krForm(answer, testAccount.credentials.restPassword ?? '');
    const verdict = lyra.verifyNotification(testAccount, formPost(form));
    assert.ok(verdict.kind === 'verified', reason(verdict));
    assert.equal(verdict.signals[0]?.status, 'refused');
    assert.equal(verdict.signals[0]?.facts?.errorCode, 'ACQ_001');
  });

  it('reads only the DEBIT transactions', () => {
    const request = checkoutRequest();
    const { answer } = paymentAnswer('CAPTURED', 'PAID', [
      restTransaction(request, 'CAPTURED'),
      restTransaction(request, 'CAPTURED', { uuid: 'f'.repeat(32), operationType: 'CREDIT', amount: 100 }),
    ]);
    const form = krForm(answer, testAccount.credentials.restPassword ?? '');
    const verdict = lyra.verifyNotification(testAccount, formPost(form));
    assert.ok(verdict.kind === 'verified', reason(verdict));
    assert.equal(verdict.signals.length, 1);
    assert.equal(verdict.signals[0]?.amount?.value, request.amount.value);
  });

  it('reports an unusable transaction', () => {
    const request = checkoutRequest();
    const { answer } = paymentAnswer('CAPTURED', 'PAID', [
      restTransaction(request, 'CAPTURED', { amount: '12' }),
    ]);
    const form = krForm(answer, testAccount.credentials.restPassword ?? '');
    assert.equal(code(lyra.verifyNotification(testAccount, formPost(form))), 'INVALID_FIELD');
  });

  it('accepts an answer hashed after the PHP sample’s \\/ unescaping', () => {
    const { answer } = paymentAnswer('CAPTURED', 'PAID');
    const escaped = answer.replace('"V4/Payment"', '"V4\\/Payment"');
    assert.notEqual(escaped, answer);
    const password = testAccount.credentials.restPassword ?? '';
    const unescapedHash = createHmac('sha256', password).update(escaped.replaceAll('\\/', '/')).digest('hex');
    const form = { ...krForm(escaped, password), 'kr-hash': unescapedHash };
    assert.equal(lyra.verifyNotification(testAccount, formPost(form)).kind, 'verified');
  });

  it('verifies a browser return posted to the IPN URL with the HMAC-SHA-256 key', () => {
    const { answer } = paymentAnswer('CAPTURED', 'PAID');
    const form = krForm(answer, HMAC_KEY, { 'kr-hash-key': 'sha256_hmac' });
    assert.equal(lyra.verifyNotification(withHmacKey, formPost(form)).kind, 'verified');
    const noKey = lyra.verifyNotification(withoutHmacKey, formPost(form));
    assert.equal(noKey.kind, 'rejected');
    assert.match(reason(noKey), /hmacKey/);
    const withPassword = krForm(answer, testAccount.credentials.restPassword ?? '', {
      'kr-hash-key': 'sha256_hmac',
    });
    assert.equal(code(lyra.verifyNotification(withHmacKey, formPost(withPassword))), 'SIGNATURE_MISMATCH');
  });

  it('keeps the HMAC-SHA-256 key secret', () => {
    assert.ok((lyra.secretFields as readonly string[]).includes('hmacKey'));
    assert.equal(lyra.credentialsSchema.safeParse({ ...withHmacKey.credentials }).success, true);
  });
});

describe('Lyra REST API return (kr-answer)', () => {
  function browserPost(fields: Readonly<Record<string, string>>): RawRequest {
    return { ...formPost(fields), path: '/r/pay_01jq4m2k7n8p9r0s1t2v3w4x5y', sourceIp: '203.0.113.50' };
  }

  it('verifies the posted kr-answer with the HMAC-SHA-256 key', () => {
    const { answer, request } = paymentAnswer('AUTHORISED', 'PAID');
    const form = krForm(answer, HMAC_KEY, { 'kr-hash-key': 'sha256_hmac' });
    const verdict = lyra.readReturn(withHmacKey, browserPost(form));
    assert.ok(verdict?.kind === 'verified', reason(verdict));
    assert.equal(verdict.signals[0]?.source, 'return');
    assert.equal(verdict.signals[0]?.status, 'authorized');
    assert.equal(verdict.signals[0]?.lookup.merchantRef, request.merchantRef);
  });

  it('refuses a forged return and says it is the return', () => {
    const { answer } = paymentAnswer('AUTHORISED', 'PAID');
    const form = krForm(answer, 'not-the-key', { 'kr-hash-key': 'sha256_hmac' });
    const verdict = lyra.readReturn(withHmacKey, browserPost(form));
    assert.equal(code(verdict), 'SIGNATURE_MISMATCH');
    assert.match(reason(verdict), /^The return's kr-hash/);
  });
});

describe('Lyra REST API offline verify', () => {
  it('takes the secret as the REST password of an IPN', () => {
    const request = formPost(vectorForm);
    const account = lyra.offlineAccount({ request, secret: VECTOR_PASSWORD });
    assert.equal(account.credentials.siteId, '69876357');
    assert.equal(account.mode, 'test');
    assert.equal(lyra.verifyNotification(account, request).kind, 'verified');
    const wrong = lyra.offlineAccount({ request, secret: `${VECTOR_PASSWORD}x` });
    assert.equal(code(lyra.verifyNotification(wrong, request)), 'SIGNATURE_MISMATCH');
  });

  it('takes the secret as the HMAC-SHA-256 key of a browser return', () => {
    const { answer } = paymentAnswer('CAPTURED', 'PAID');
    const request = formPost(krForm(answer, HMAC_KEY, { 'kr-hash-key': 'sha256_hmac' }));
    const account = lyra.offlineAccount({ request, secret: HMAC_KEY });
    assert.equal(lyra.verifyNotification(account, request).kind, 'verified');
  });

  it('still gives an account for an unreadable kr-answer, so verifying says why', () => {
    const request = formPost(krForm('not json', 'k'));
    const verdict = lyra.verifyNotification(lyra.offlineAccount({ request, secret: 'k' }), request);
    assert.equal(code(verdict), 'MALFORMED_BODY');
  });
});
