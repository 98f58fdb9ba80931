import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { money, QuittanceError } from '../../core/index.js';
import { checkoutRequest, testAccount, withCredentials } from './fixtures/notification.js';
import { lyra } from './index.js';
import { isLyraSignatureValid } from './signature.js';

const REQUIRED = [
  'vads_action_mode',
  'vads_amount',
  'vads_ctx_mode',
  'vads_currency',
  'vads_page_action',
  'vads_payment_config',
  'vads_site_id',
  'vads_trans_date',
  'vads_trans_id',
  'vads_version',
  'signature',
];

function isQuittanceError(code: string) {
  return (error: unknown) => error instanceof QuittanceError && error.code === code;
}

describe('Lyra merchant reference', () => {
  const now = new Date('2026-01-31T23:59:59.999Z');

  it('is the UTC day and a 6-digit trans id counted from 000000', () => {
    assert.equal(lyra.merchantRef({ paymentId: 'pay_a', now, dailySequence: 1 }), '20260131-000000');
    assert.equal(lyra.merchantRef({ paymentId: 'pay_a', now, dailySequence: 42 }), '20260131-000041');
    assert.equal(lyra.merchantRef({ paymentId: 'pay_a', now, dailySequence: 900_000 }), '20260131-899999');
  });

  it('never enters the range 900000–999999 that Lyra keeps for itself', () => {
    assert.equal(lyra.merchantRef({ paymentId: 'pay_a', now, dailySequence: 900_001 }), '20260131-000000');
  });

  it('uses the UTC day, not the local one', () => {
    const paris = new Date('2026-02-01T00:30:00+01:00');
    assert.equal(lyra.merchantRef({ paymentId: 'pay_a', now: paris, dailySequence: 1 }), '20260131-000000');
  });

  it('refuses a sequence that does not count from 1', () => {
    assert.throws(() => lyra.merchantRef({ paymentId: 'pay_a', now, dailySequence: 0 }), RangeError);
    assert.throws(() => lyra.merchantRef({ paymentId: 'pay_a', now, dailySequence: 1.5 }), RangeError);
  });
});

describe('Lyra payment form', () => {
  it('posts every required field and our URLs to the payment page', () => {
    const request = checkoutRequest();
    const checkout = lyra.createPayment(testAccount, request);
    assert.equal(checkout.method, 'POST');
    assert.equal(checkout.url, 'https://secure.lyra.com/vads-payment/');
    for (const name of REQUIRED) assert.ok(checkout.fields[name], `${name} is set`);
    assert.deepEqual(
      { ...checkout.fields, signature: undefined },
      {
        vads_action_mode: 'INTERACTIVE',
        vads_amount: '1250',
        vads_ctx_mode: 'TEST',
        vads_currency: '978',
        vads_order_id: 'ORDER-1042',
        vads_page_action: 'PAYMENT',
        vads_payment_config: 'SINGLE',
        vads_return_mode: 'POST',
        vads_site_id: '12345678',
        vads_trans_date: '20260314230509',
        vads_trans_id: '000041',
        vads_url_check: request.urls.notify,
        vads_url_return: request.urls.return,
        vads_version: 'V2',
        signature: undefined,
      },
    );
  });

  it('signs the form with the account key and algorithm', () => {
    for (const algorithm of ['hmac-sha-256', 'sha1'] as const) {
      const account = withCredentials(testAccount, { algorithm });
      const { fields } = lyra.createPayment(account, checkoutRequest());
      assert.ok(
        isLyraSignatureValid(fields, fields.signature ?? '', '1122334455667788', algorithm),
        algorithm,
      );
      assert.equal(isLyraSignatureValid(fields, fields.signature ?? '', 'another key', algorithm), false);
    }
  });

  it('dates the transaction in UTC and takes the trans id from the merchant reference', () => {
    const now = new Date('2026-07-01T01:02:03+02:00');
    const request = checkoutRequest({ now, dailySequence: 7 });
    const { fields } = lyra.createPayment(testAccount, request);
    assert.equal(fields.vads_trans_date, '20260630230203');
    assert.match(fields.vads_trans_id ?? '', /^\d{6}$/);
    assert.equal(request.merchantRef, `20260630-${fields.vads_trans_id}`);
  });

  it('says PRODUCTION for a live account', () => {
    const live = { ...testAccount, mode: 'live' as const };
    assert.equal(lyra.createPayment(live, checkoutRequest()).fields.vads_ctx_mode, 'PRODUCTION');
  });

  it('sends each brand to its own page, or to the configured one', () => {
    const pages = {
      payzen: 'https://secure.payzen.eu/vads-payment/',
      systempay: 'https://paiement.systempay.fr/vads-payment/',
      sogecommerce: 'https://sogecommerce.societegenerale.eu/vads-payment/',
    } as const;
    for (const [brand, url] of Object.entries(pages)) {
      const account = withCredentials(testAccount, { brand: brand as keyof typeof pages });
      assert.equal(lyra.createPayment(account, checkoutRequest()).url, url);
    }
    const simulator = withCredentials(testAccount, {
      brand: 'payzen',
      paymentUrl: 'http://127.0.0.1:4010/pay',
    });
    assert.equal(lyra.createPayment(simulator, checkoutRequest()).url, 'http://127.0.0.1:4010/pay');
  });

  it('converts the currency to its ISO-4217 number', () => {
    const { fields } = lyra.createPayment(testAccount, checkoutRequest({ amount: money(1500, 'JPY') }));
    assert.equal(fields.vads_currency, '392');
    assert.equal(fields.vads_amount, '1500');
  });

  it('refuses a currency with no ISO-4217 number', () => {
    assert.equal(lyra.supportsCurrency('EUR'), true);
    assert.equal(lyra.supportsCurrency('KUDOS'), false);
    assert.throws(
      () => lyra.createPayment(testAccount, checkoutRequest({ amount: money(100, 'KUDOS') })),
      isQuittanceError('UNSUPPORTED_CURRENCY'),
    );
  });

  it('refuses a merchant reference that is malformed or made for another day', () => {
    assert.throws(
      () => lyra.createPayment(testAccount, checkoutRequest({ merchantRef: 'ORDER-1' })),
      isQuittanceError('VALIDATION_FAILED'),
    );
    assert.throws(
      () => lyra.createPayment(testAccount, checkoutRequest({ merchantRef: '20260313-000001' })),
      isQuittanceError('VALIDATION_FAILED'),
    );
  });
});
