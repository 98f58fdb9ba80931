import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isQuittanceError, money } from '../../core/index.js';
import { formEncode } from './api.js';
import { initStripeSession, sessionParams } from './create.js';
import { testAccount, withCredentials } from './fixtures/events.js';

const request = {
  paymentId: 'pay_create0001',
  orderRef: 'ORDER-7',
  merchantRef: 'pay_create0001',
  amount: money(1250, 'EUR'),
  now: new Date('2026-05-04T10:00:00Z'),
  urls: {
    notify: 'https://q.example/notify/shop-stripe',
    return: 'https://q.example/return/shop-stripe/pay_create0001',
    wait: 'https://q.example/pay/pay_create0001/wait',
  },
};

describe('Checkout Session creation', () => {
  it('encodes the parameters as Stripe does: nested brackets, our id in client_reference_id and both metadata', () => {
    const body = new URLSearchParams(formEncode(sessionParams(request)).join('&'));
    assert.equal(body.get('mode'), 'payment');
    assert.equal(body.get('line_items[0][price_data][currency]'), 'eur');
    assert.equal(body.get('line_items[0][price_data][unit_amount]'), '1250');
    assert.equal(body.get('line_items[0][quantity]'), '1');
    assert.equal(body.get('client_reference_id'), 'pay_create0001');
    assert.equal(body.get('metadata[quittance_payment_id]'), 'pay_create0001');
    assert.equal(body.get('payment_intent_data[metadata][quittance_payment_id]'), 'pay_create0001');
    assert.equal(body.get('success_url'), request.urls.return);
    assert.match(body.get('cancel_url') ?? '', /stripe_cancelled=1$/);
  });

  it('POSTs with the secret key, an idempotency key of our payment id, and answers the session url', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const fetch = (async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      return Response.json({ id: 'cs_test_a1xyz', url: 'https://checkout.stripe.com/c/pay/cs_test_a1xyz' });
    }) as unknown as typeof globalThis.fetch;
    const { checkout, gatewayRef } = await initStripeSession(testAccount, request, {
      fetch,
      signal: new AbortController().signal,
    });
    assert.deepEqual(checkout, {
      method: 'GET',
      url: 'https://checkout.stripe.com/c/pay/cs_test_a1xyz',
      fields: {},
    });
    assert.equal(gatewayRef, 'cs_test_a1xyz');
    assert.equal(seen[0]?.url, 'https://stripe.test/v1/checkout/sessions');
    const headers = seen[0]?.init.headers as Record<string, string>;
    assert.equal(headers.authorization, `Bearer ${testAccount.credentials.secretKey}`);
    assert.equal(headers['idempotency-key'], 'quittance-pay_create0001');
    assert.equal(seen[0]?.init.redirect, 'manual');
  });

  it('turns refusals into QuittanceErrors without quoting the key', async () => {
    const answer = (status: number) =>
      (async () =>
        Response.json(
          {
            error: { type: 'invalid_request_error', message: `bad key ${testAccount.credentials.secretKey}` },
          },
          { status },
        )) as unknown as typeof fetch;
    for (const [status, code] of [
      [401, 'CONFIG_INVALID'],
      [400, 'VALIDATION_FAILED'],
      [500, 'GATEWAY_UNAVAILABLE'],
    ] as const) {
      await assert.rejects(
        initStripeSession(testAccount, request, {
          fetch: answer(status),
          signal: new AbortController().signal,
        }),
        (error) =>
          isQuittanceError(error) &&
          error.code === code &&
          !error.message.includes(testAccount.credentials.secretKey),
      );
    }
  });

  it('refuses a live key on a test account before any call', async () => {
    const account = withCredentials(testAccount, { secretKey: 'sk_live_0123456789abcdef' });
    await assert.rejects(
      initStripeSession(account, request, {
        fetch: (() => assert.fail('no call')) as typeof fetch,
        signal: new AbortController().signal,
      }),
      (error) => isQuittanceError(error) && error.code === 'CONFIG_INVALID',
    );
  });
});
