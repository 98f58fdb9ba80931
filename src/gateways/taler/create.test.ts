import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { money, QuittanceError } from '../../core/index.js';
import { createOrderBody, initTalerPayment, isWalletUri } from './create.js';
import {
  BACKEND,
  checkoutRequest,
  json,
  NOW_S,
  OUR_ID,
  PAY_URI,
  paidOrder,
  stubFetch,
  TOKEN,
  talerError,
  testAccount,
  unpaidOrder,
} from './fixtures/orders.js';

const signal = () => new AbortController().signal;

function fails(code: string, message: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof QuittanceError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, message);
    assert.ok(!error.message.includes(TOKEN.slice('secret-token:'.length)), 'no token in the message');
    return true;
  };
}

/** A backend: POST answers `created`, GET answers `order`. */
function backend(created: () => Response, order: () => Response = () => json(200, unpaidOrder())) {
  return stubFetch((call) => (call.method === 'POST' ? created() : order()));
}

describe('taler initPayment', () => {
  it('builds the order: amount, summary, our order id, fulfillment, deadlines, session', () => {
    const body = createOrderBody(
      {
        ...testAccount,
        credentials: { ...testAccount.credentials, payDeadlineSeconds: 600, refundDelaySeconds: 60 },
      },
      checkoutRequest({
        sessionId: 'sess-1',
        fulfillment: { url: 'https://shop.example/article/42', message: 'Thanks' },
      }),
    );
    assert.deepEqual(body, {
      order: {
        amount: 'EUR:12.5',
        summary: 'Order ORDER-42',
        order_id: OUR_ID,
        fulfillment_url: 'https://shop.example/article/42',
        fulfillment_message: 'Thanks',
        pay_deadline: { t_s: NOW_S + 600 },
        refund_deadline: { t_s: NOW_S + 600 },
      },
      session_id: 'sess-1',
    });
    const plain = createOrderBody(testAccount, checkoutRequest()) as { order: Record<string, unknown> };
    assert.equal(plain.order.fulfillment_url, `https://quittance.example/return/shop-taler/${OUR_ID}`);
    assert.deepEqual(plain.order.pay_deadline, { t_s: NOW_S + 7200 });
    assert.equal('session_id' in plain, false);
    assert.equal('refund_deadline' in plain.order, false);
  });

  it('POSTs private/orders with the Bearer secret-token, reads the order back, sends the customer to the waiting page', async () => {
    const stub = backend(() => json(200, { order_id: OUR_ID, token: 'KX2M4Z' }));
    const { checkout, gatewayRef } = await initTalerPayment(
      testAccount,
      checkoutRequest({ sessionId: 'sess-1' }),
      { fetch: stub.fetch, signal: signal() },
    );
    assert.equal(gatewayRef, OUR_ID);
    assert.deepEqual(checkout, {
      method: 'GET',
      url: `https://quittance.example/pay/${OUR_ID}/wait`,
      fields: {},
      walletUri: PAY_URI,
    });
    const [post, get] = stub.calls;
    assert.equal(post?.url, `${BACKEND}private/orders`);
    assert.equal(post?.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(post?.redirect, 'manual');
    assert.equal(get?.url, `${BACKEND}private/orders/${OUR_ID}?session_id=sess-1`);
  });

  it('adds the secret-token: prefix to a bare token', async () => {
    const stub = backend(() => json(200, { order_id: OUR_ID }));
    const account = { ...testAccount, credentials: { ...testAccount.credentials, token: 'ABC123' } };
    await initTalerPayment(account, checkoutRequest(), { fetch: stub.fetch, signal: signal() });
    assert.equal(stub.calls[0]?.headers.authorization, 'Bearer secret-token:ABC123');
  });

  it('refuses a currency the backend does not use, before calling', async () => {
    const stub = backend(() => json(200, { order_id: OUR_ID }));
    await assert.rejects(
      initTalerPayment(testAccount, checkoutRequest({ amount: money(100, 'CHF') }), {
        fetch: stub.fetch,
        signal: signal(),
      }),
      fails('UNSUPPORTED_CURRENCY', /EUR/),
    );
    assert.equal(stub.calls.length, 0);
  });

  for (const [status, code, message] of [
    [401, 'GATEWAY_UNAVAILABLE', /access token.*credentials\.token/],
    [404, 'GATEWAY_UNAVAILABLE', /instance is unknown/],
    [410, 'VALIDATION_FAILED', /out of stock/],
    [451, 'VALIDATION_FAILED', /legal reasons/],
    [400, 'VALIDATION_FAILED', /refused the order \(HTTP 400/],
    [500, 'GATEWAY_UNAVAILABLE', /HTTP 500/],
  ] as const) {
    it(`HTTP ${status} → ${code}`, async () => {
      const stub = backend(() => talerError(status, 2000, `hint with ${TOKEN}`));
      await assert.rejects(
        initTalerPayment(testAccount, checkoutRequest(), { fetch: stub.fetch, signal: signal() }),
        fails(code, message),
      );
    });
  }

  it('network failure and timeout → GATEWAY_UNAVAILABLE', async () => {
    const down = stubFetch(() => {
      throw new TypeError('fetch failed');
    });
    await assert.rejects(
      initTalerPayment(testAccount, checkoutRequest(), { fetch: down.fetch, signal: signal() }),
      fails('GATEWAY_UNAVAILABLE', /could not be reached/),
    );
    const aborted = AbortSignal.abort();
    await assert.rejects(
      initTalerPayment(testAccount, checkoutRequest(), { fetch: down.fetch, signal: aborted }),
      fails('GATEWAY_UNAVAILABLE', /did not answer in time/),
    );
  });

  it('409: goes on with our own unpaid order of the same amount, refuses another one', async () => {
    const same = backend(() => talerError(409, 2170, 'exists'));
    const { gatewayRef } = await initTalerPayment(testAccount, checkoutRequest(), {
      fetch: same.fetch,
      signal: signal(),
    });
    assert.equal(gatewayRef, OUR_ID);
    const other = backend(
      () => talerError(409, 2170, 'exists'),
      () => json(200, unpaidOrder({ total_amount: 'EUR:99' })),
    );
    await assert.rejects(
      initTalerPayment(testAccount, checkoutRequest(), { fetch: other.fetch, signal: signal() }),
      fails('VALIDATION_FAILED', /another order/),
    );
    const paid = backend(
      () => talerError(409, 2170, 'exists'),
      () => json(200, paidOrder()),
    );
    await assert.rejects(
      initTalerPayment(testAccount, checkoutRequest(), { fetch: paid.fetch, signal: signal() }),
      fails('VALIDATION_FAILED', /another order/),
    );
  });

  it('an answer without our order id or without a taler://pay URI is unreadable', async () => {
    const noId = backend(() => json(200, {}));
    await assert.rejects(
      initTalerPayment(testAccount, checkoutRequest(), { fetch: noId.fetch, signal: signal() }),
      fails('GATEWAY_UNAVAILABLE', /no order_id/),
    );
    const noUri = backend(
      () => json(200, { order_id: OUR_ID }),
      () => json(200, unpaidOrder({ taler_pay_uri: 'https://x' })),
    );
    await assert.rejects(
      initTalerPayment(testAccount, checkoutRequest(), { fetch: noUri.fetch, signal: signal() }),
      fails('GATEWAY_UNAVAILABLE', /taler:\/\/pay/),
    );
  });

  it('knows wallet URIs', () => {
    assert.ok(isWalletUri(PAY_URI));
    assert.ok(isWalletUri('taler+http://pay/127.0.0.1:8080/o1/?c=x'));
    assert.ok(!isWalletUri('https://pay/x'));
    assert.ok(!isWalletUri('taler://refund/x'));
  });
});
