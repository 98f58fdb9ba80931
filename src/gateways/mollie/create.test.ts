import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { money, QuittanceError } from '../../core/index.js';
import { formatMollieAmount } from './amount.js';
import { createPaymentBody, idempotencyKey, initMolliePayment, readCreated } from './create.js';
import {
  checkoutRequest,
  json,
  LIVE_KEY,
  OUR_ID,
  paymentObject,
  stubFetch,
  TEST_KEY,
  TR_ID,
  testAccount,
} from './fixtures/payments.js';

const io = (f: typeof fetch) => ({ fetch: f, signal: new AbortController().signal });

async function rejects(promise: Promise<unknown>, code: string, message: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof QuittanceError);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    assert.doesNotMatch(error.message, new RegExp(TEST_KEY));
    return true;
  });
}

describe('Mollie checkout: POST /v2/payments', () => {
  it('formats amounts with the currency digits', () => {
    assert.deepEqual(formatMollieAmount(money(1000, 'EUR')), { currency: 'EUR', value: '10.00' });
    assert.deepEqual(formatMollieAmount(money(5, 'EUR')), { currency: 'EUR', value: '0.05' });
    assert.deepEqual(formatMollieAmount(money(1000, 'JPY')), { currency: 'JPY', value: '1000' });
  });

  it('sends the amount, description, redirect and webhook URLs and our id in metadata', () => {
    assert.deepEqual(createPaymentBody(checkoutRequest()), {
      amount: { currency: 'EUR', value: '33.00' },
      description: 'Order ORDER-42',
      redirectUrl: `https://quittance.example/return/shop-mollie/${OUR_ID}`,
      webhookUrl: 'https://quittance.example/notify/shop-mollie',
      metadata: { quittance_payment_id: OUR_ID, order_ref: 'ORDER-42' },
    });
  });

  it('POSTs with the Bearer key and an Idempotency-Key from our id; the checkout link and tr_ id come back', async () => {
    const stub = stubFetch(() => json(201, paymentObject()));
    const { checkout, gatewayRef } = await initMolliePayment(testAccount, checkoutRequest(), io(stub.fetch));
    const call = stub.calls[0];
    assert.equal(call?.url, 'https://mollie.test/v2/payments');
    assert.equal(call?.method, 'POST');
    assert.equal(call?.headers.authorization, `Bearer ${TEST_KEY}`);
    assert.equal(call?.headers['idempotency-key'], idempotencyKey(OUR_ID));
    assert.equal(call?.headers['content-type'], 'application/json');
    assert.equal(call?.redirect, 'manual');
    assert.deepEqual(JSON.parse(call?.body ?? '{}'), createPaymentBody(checkoutRequest()));
    assert.equal(gatewayRef, TR_ID);
    assert.deepEqual(checkout, {
      method: 'GET',
      url: `https://www.mollie.com/checkout/select-method/${TR_ID.slice(3)}`,
      fields: {},
    });
  });

  it('turns every failure into a QuittanceError with a clear message', async () => {
    const answer = (status: number, body: unknown) => io(stubFetch(() => json(status, body)).fetch);
    const unauthorized = { status: 401, title: 'Unauthorized Request', detail: `Key ${TEST_KEY} refused` };
    await rejects(
      initMolliePayment(testAccount, checkoutRequest(), answer(401, unauthorized)),
      'GATEWAY_UNAVAILABLE',
      /refused the API key \(HTTP 401 \(Unauthorized Request: Key \[redacted\] refused\)\)/,
    );
    const invalid = {
      status: 422,
      title: 'Unprocessable Entity',
      detail: 'The amount is too low',
      field: 'amount',
    };
    await rejects(
      initMolliePayment(testAccount, checkoutRequest(), answer(422, invalid)),
      'VALIDATION_FAILED',
      /amount is too low: field amount/,
    );
    await rejects(
      initMolliePayment(testAccount, checkoutRequest(), answer(503, {})),
      'GATEWAY_UNAVAILABLE',
      /HTTP 503/,
    );
    await rejects(
      initMolliePayment(testAccount, checkoutRequest(), answer(201, { id: 'tr_x1' })),
      'GATEWAY_UNAVAILABLE',
      /no _links.checkout.href/,
    );
    const down = stubFetch(() => {
      throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    });
    await rejects(
      initMolliePayment(testAccount, checkoutRequest(), io(down.fetch)),
      'GATEWAY_UNAVAILABLE',
      /could not be reached \(fetch failed: ECONNREFUSED\)/,
    );
    const live = { ...testAccount, credentials: { apiKey: LIVE_KEY } };
    await rejects(
      initMolliePayment(live, checkoutRequest(), answer(201, paymentObject())),
      'CONFIG_INVALID',
      /LIVE Mollie API key/,
    );
    const xxx = checkoutRequest({ amount: money(100, 'XOF') });
    await rejects(
      initMolliePayment(testAccount, xxx, answer(201, paymentObject())),
      'UNSUPPORTED_CURRENCY',
      /XOF/,
    );
  });

  it('reads the created payment strictly', () => {
    assert.match(String(readCreated(null)), /not a JSON object/);
    assert.match(String(readCreated({ id: 'pay_1' })), /no tr_/);
    const bad = paymentObject({ _links: { checkout: { href: 'javascript:alert(1)' } } });
    assert.match(String(readCreated(bad)), /not http\(s\)/);
  });
});
