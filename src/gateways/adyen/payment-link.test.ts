import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuittanceError } from '../../core/index.js';
import { checkoutRequest, testAccount, withCredentials } from './fixtures.js';
import { adyen } from './index.js';
import { createPaymentLink, paymentLinkRequest } from './payment-link.js';

const request = checkoutRequest();
const io = (fetch: typeof globalThis.fetch) => ({ fetch, signal: new AbortController().signal });

function answering(status: number, body: unknown, seen: Request[] = []): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    seen.push(new Request(input, init));
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

describe('adyen payment link', () => {
  it('builds the POST /paymentLinks call for the account', () => {
    const call = paymentLinkRequest(testAccount, request);
    assert.equal(call.url, 'https://checkout-test.adyen.com/v72/paymentLinks');
    assert.equal(call.headers['x-api-key'], testAccount.credentials.apiKey);
    assert.deepEqual(call.body.amount, { value: 1250, currency: 'EUR' });
    assert.equal(call.body.reference, request.merchantRef);
    assert.equal(call.body.merchantAccount, 'QuittanceShopECOM');
    assert.equal(call.body.returnUrl, request.urls.return);
    assert.equal(call.body.expiresAt, '2026-03-15T23:05:09Z');
    const live = withCredentials(testAccount, {
      environment: 'live',
      liveUrlPrefix: '1797a841fbb37ca7-AdyenDemo',
    });
    assert.equal(
      paymentLinkRequest(live, request).url,
      'https://1797a841fbb37ca7-AdyenDemo-checkout-live.adyenpayments.com/checkout/v72/paymentLinks',
    );
  });

  it('sends the shopper to the link', async () => {
    const seen: Request[] = [];
    const fetch = answering(
      201,
      { id: 'PL61C53A8B97E6915A', url: 'https://test.adyen.link/PL61C53A8B97E6915A' },
      seen,
    );
    const { checkout, gatewayRef } =
      (await adyen.initPayment?.(testAccount, request, io(fetch))) ?? assert.fail('initPayment');
    assert.equal(gatewayRef, 'PL61C53A8B97E6915A', 'the link id is kept for fetchStatus');
    assert.deepEqual(checkout, {
      method: 'GET',
      url: 'https://test.adyen.link/PL61C53A8B97E6915A',
      fields: {},
    });
    assert.equal(seen[0]?.method, 'POST');
    assert.equal(seen[0]?.headers.get('x-api-key'), testAccount.credentials.apiKey);
  });

  it('refusals are VALIDATION_FAILED, outages GATEWAY_UNAVAILABLE, never quoting the key', async () => {
    const cases: [typeof fetch, string][] = [
      [
        answering(401, { errorCode: '000', message: `bad key ${testAccount.credentials.apiKey}` }),
        'VALIDATION_FAILED',
      ],
      [answering(500, {}), 'GATEWAY_UNAVAILABLE'],
      [answering(201, { id: 'x' }), 'GATEWAY_UNAVAILABLE'],
      [(() => Promise.reject(new TypeError('fetch failed'))) as typeof fetch, 'GATEWAY_UNAVAILABLE'],
    ];
    for (const [fetch, code] of cases) {
      await assert.rejects(createPaymentLink(testAccount, request, io(fetch)), (error: unknown) => {
        assert.ok(error instanceof QuittanceError);
        assert.equal(error.code, code);
        assert.ok(!error.message.includes(testAccount.credentials.apiKey));
        return true;
      });
    }
  });

  it('refuses an account whose environment is not its mode', () => {
    assert.equal(adyen.accountProblem?.(testAccount), undefined);
    assert.match(adyen.accountProblem?.({ ...testAccount, mode: 'live' }) ?? '', /must agree/);
  });

  it('createPayment says to use initPayment', () => {
    assert.throws(() => adyen.createPayment(testAccount, request), QuittanceError);
  });
});
