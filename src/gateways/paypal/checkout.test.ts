import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { money } from '../../core/index.js';
import type { CheckoutRequest } from '../gateway.js';
import { createPaypalPayment } from './checkout.js';
import { testAccount } from './fixtures/ipns.js';
import { paypal } from './index.js';

function request(amount = money(1250, 'EUR')): CheckoutRequest {
  return {
    paymentId: 'pay_01checkout',
    orderRef: 'ORDER-7',
    merchantRef: 'pay_01checkout',
    amount,
    now: new Date('2026-05-04T10:00:00Z'),
    urls: {
      notify: 'https://q.example/notify/shop-paypal',
      return: 'https://q.example/return/shop-paypal/pay_01checkout',
      wait: 'https://q.example/pay/pay_01checkout/wait',
    },
  };
}

describe('paypal checkout', () => {
  it('is a Buy Now form posted to PayPal with our ids in invoice and custom', () => {
    const sandbox = { ...testAccount, credentials: { receiverEmail: 'shop@example.com' } };
    const checkout = createPaypalPayment(sandbox, request());
    assert.equal(checkout.method, 'POST');
    assert.equal(checkout.url, 'https://www.sandbox.paypal.com/cgi-bin/webscr');
    assert.deepEqual(checkout.fields, {
      cmd: '_xclick',
      business: 'shop@example.com',
      item_name: 'Order ORDER-7',
      amount: '12.50',
      currency_code: 'EUR',
      invoice: 'pay_01checkout',
      custom: 'pay_01checkout',
      notify_url: 'https://q.example/notify/shop-paypal',
      return: 'https://q.example/return/shop-paypal/pay_01checkout',
      cancel_return: 'https://q.example/return/shop-paypal/pay_01checkout?cancelled=1',
      rm: '1',
      charset: 'utf-8',
      no_shipping: '1',
      no_note: '1',
    });
  });

  it('goes to www.paypal.com for a live account, or to checkoutUrl; JPY has no decimals', () => {
    const live = {
      ...testAccount,
      mode: 'live' as const,
      credentials: { receiverEmail: 'shop@example.com' },
    };
    assert.equal(createPaypalPayment(live, request()).url, 'https://www.paypal.com/cgi-bin/webscr');
    const sim = {
      ...live,
      credentials: { receiverEmail: 'shop@example.com', checkoutUrl: 'http://127.0.0.1:9/cgi-bin/webscr' },
    };
    const checkout = createPaypalPayment(sim, request(money(1200, 'JPY')));
    assert.equal(checkout.url, 'http://127.0.0.1:9/cgi-bin/webscr');
    assert.equal(checkout.fields.amount, '1200');
  });
});

describe('paypal adapter', () => {
  it('answers an accepted IPN with an EMPTY 200 and refusals with a 4xx', () => {
    assert.deepEqual(paypal.reply({ kind: 'accepted', detail: 'stored' }), {
      status: 200,
      contentType: 'text/plain; charset=utf-8',
      body: '',
    });
    const refused = paypal.reply({
      kind: 'rejected',
      code: 'SITE_MISMATCH',
      status: 403,
      detail: 'other receiver',
    });
    assert.equal(refused.status, 403);
    assert.equal(paypal.reply({ kind: 'unavailable', detail: 'db down' }).status, 503);
  });

  it('has no secret, no status API, a 20 s timeout; HUF and TWD refused', () => {
    assert.deepEqual(paypal.secretFields, []);
    assert.equal(paypal.fetchStatus, undefined);
    assert.equal(paypal.notifyTimeoutMs, 20_000);
    assert.ok(paypal.supportsCurrency('EUR') && paypal.supportsCurrency('JPY'));
    assert.ok(!paypal.supportsCurrency('HUF') && !paypal.supportsCurrency('TWD'));
  });

  it('offlineAccount: --secret is the receiver e-mail; the mode follows test_ipn', () => {
    const body = Buffer.from('test_ipn=1&txn_id=X');
    const raw = {
      method: 'POST',
      path: '/',
      query: '',
      headers: {},
      body,
      sourceIp: '127.0.0.1',
      receivedAt: new Date(),
    };
    assert.equal(paypal.offlineAccount({ request: raw, secret: 'shop@example.com' }).mode, 'test');
    assert.equal(
      paypal.offlineAccount({
        request: { ...raw, body: Buffer.from('txn_id=X') },
        secret: 'shop@example.com',
      }).mode,
      'live',
    );
    assert.throws(() => paypal.offlineAccount({ request: raw, secret: 'not-an-email' }), /primary e-mail/);
  });
});
