import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { money, QuittanceError } from '../../core/index.js';
import { cancelUrl, createPaymentBody } from './create.js';
import {
  checkoutRequest,
  json,
  LIVE_KEY,
  OUR_ID,
  PAY_ID,
  paymentObject,
  stubFetch,
  TEST_KEY,
  testAccount,
} from './fixtures/payments.js';
import { payplug } from './index.js';

const signal = () => new AbortController().signal;
const init = (f: typeof fetch, account = testAccount, request = checkoutRequest()) => {
  assert.ok(payplug.initPayment);
  return payplug.initPayment(account, request, { fetch: f, signal: signal() });
};

function fails(code: string, message: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof QuittanceError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, message);
    assert.doesNotMatch(error.message, new RegExp(TEST_KEY));
    return true;
  };
}

describe('PayPlug payment creation', () => {
  it('posts the payment with the key, the version and our URLs, and sends the customer to payment_url', async () => {
    const stub = stubFetch(() => json(201, paymentObject()));
    const answer = await init(stub.fetch);
    assert.deepEqual(answer, {
      checkout: { method: 'GET', url: `https://secure.payplug.com/pay/${PAY_ID.slice(4)}`, fields: {} },
      gatewayRef: PAY_ID,
    });
    const [call] = stub.calls;
    assert.equal(call?.url, 'https://payplug.test/v1/payments');
    assert.equal(call?.method, 'POST');
    assert.equal(call?.headers.authorization, `Bearer ${TEST_KEY}`);
    assert.equal(call?.headers['payplug-version'], '2019-08-06');
    assert.equal(call?.headers['content-type'], 'application/json');
    assert.equal(call?.redirect, 'manual');
    assert.deepEqual(JSON.parse(call?.body ?? ''), {
      amount: 3300,
      currency: 'EUR',
      hosted_payment: {
        return_url: `https://quittance.example/return/shop-payplug/${OUR_ID}`,
        cancel_url: `https://quittance.example/return/shop-payplug/${OUR_ID}?payplug_cancelled=1`,
      },
      notification_url: 'https://quittance.example/notify/shop-payplug',
      metadata: { quittance_payment_id: OUR_ID, order_ref: 'ORDER-42' },
    });
  });

  it('uses the default host and a configured version', async () => {
    const stub = stubFetch(() => json(200, paymentObject()));
    await init(stub.fetch, {
      ...testAccount,
      credentials: { secretKey: TEST_KEY, apiVersion: '2022-01-01' },
    });
    assert.equal(stub.calls[0]?.url, 'https://api.payplug.com/v1/payments');
    assert.equal(stub.calls[0]?.headers['payplug-version'], '2022-01-01');
  });

  it('keeps a return URL query and adds the cancel flag', () => {
    assert.equal(
      cancelUrl('https://q.example/return/a/b?x=1'),
      'https://q.example/return/a/b?x=1&payplug_cancelled=1',
    );
    assert.equal(createPaymentBody(checkoutRequest()).amount, 3300);
  });

  it('refuses a key of the other mode before calling anyone', async () => {
    const stub = stubFetch(() => json(201, paymentObject()));
    await assert.rejects(
      init(stub.fetch, { ...testAccount, credentials: { secretKey: LIVE_KEY } }),
      (error: unknown) =>
        error instanceof QuittanceError &&
        error.code === 'CONFIG_INVALID' &&
        /LIVE secret key, but the account is in test mode/.test(error.message) &&
        !error.message.includes(LIVE_KEY),
    );
    await assert.rejects(
      init(stub.fetch, { ...testAccount, mode: 'live' }),
      (error: unknown) =>
        error instanceof QuittanceError && /TEST secret key, but the account is live/.test(error.message),
    );
    assert.equal(stub.calls.length, 0);
  });

  it('EUR only', async () => {
    const stub = stubFetch(() => json(201, paymentObject()));
    await assert.rejects(
      init(stub.fetch, testAccount, checkoutRequest({ amount: money(100, 'USD') })),
      fails('UNSUPPORTED_CURRENCY', /EUR only/),
    );
    assert.equal(payplug.supportsCurrency('EUR'), true);
    assert.equal(payplug.supportsCurrency('USD'), false);
  });

  it('maps every failure to a clear QuittanceError without the key', async () => {
    const error = (status: number, body: unknown) => stubFetch(() => json(status, body)).fetch;
    await assert.rejects(
      init(error(401, { object: 'error', message: `Unauthorized key ${TEST_KEY}` })),
      fails('GATEWAY_UNAVAILABLE', /refused the secret key \(HTTP 401 \(Unauthorized key \[redacted\]\)\)/),
    );
    await assert.rejects(
      init(
        error(400, {
          object: 'error',
          message: 'The request was invalid.',
          details: { amount: 'too small' },
        }),
      ),
      fails('VALIDATION_FAILED', /HTTP 400 \(The request was invalid\.; amount: too small\)/),
    );
    await assert.rejects(init(error(503, 'down')), fails('GATEWAY_UNAVAILABLE', /HTTP 503/));
    await assert.rejects(init(error(302, {})), fails('GATEWAY_UNAVAILABLE', /apiBase/));
    await assert.rejects(
      init(error(201, { id: PAY_ID })),
      fails('GATEWAY_UNAVAILABLE', /no hosted_payment.payment_url/),
    );
    await assert.rejects(
      init(error(201, { ...paymentObject(), id: 'nope' })),
      fails('GATEWAY_UNAVAILABLE', /no pay_… id/),
    );
    const unreachable = stubFetch(() => {
      throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    });
    await assert.rejects(
      init(unreachable.fetch),
      fails('GATEWAY_UNAVAILABLE', /could not be reached \(fetch failed: ECONNREFUSED\)/),
    );
    const aborted = new AbortController();
    aborted.abort();
    const slow = stubFetch(() => json(201, paymentObject()));
    assert.ok(payplug.initPayment);
    await assert.rejects(
      payplug.initPayment(testAccount, checkoutRequest(), { fetch: slow.fetch, signal: aborted.signal }),
      fails('GATEWAY_UNAVAILABLE', /did not answer in time/),
    );
  });

  it('createPayment cannot be used: initPayment is required', () => {
    assert.throws(() => payplug.createPayment(testAccount, checkoutRequest()), /initPayment/);
  });
});
