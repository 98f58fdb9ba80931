import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { money, QuittanceError } from '../../core/index.js';
import { createSipsPayment, SIPS_INTERFACE_VERSION, sipsMerchantRef } from './checkout.js';
import { sipsCredentialsSchema } from './credentials.js';
import { parseSipsData } from './data.js';
import { checkoutRequest, testAccount, withCredentials } from './fixtures/notification.js';
import { isSipsSealValid } from './seal.js';

describe('Sips checkout', () => {
  it('posts Data, InterfaceVersion, Seal and SealAlgorithm to the SIMU paymentInit', () => {
    const request = checkoutRequest();
    const checkout = createSipsPayment(testAccount, request);
    assert.equal(checkout.method, 'POST');
    assert.equal(checkout.url, 'https://payment-webinit.simu.sips-services.com/paymentInit');
    assert.deepEqual(Object.keys(checkout.fields).sort(), [
      'Data',
      'InterfaceVersion',
      'Seal',
      'SealAlgorithm',
    ]);
    assert.equal(checkout.fields.InterfaceVersion, SIPS_INTERFACE_VERSION);
    assert.equal(checkout.fields.SealAlgorithm, 'HMAC-SHA-256');
    assert.equal(
      checkout.fields.Data,
      'amount=1250|currencyCode=978|merchantId=002001000000001' +
        '|normalReturnUrl=https://pay.example.com/return/acc_sips_test/pay_01jq4m2k7n8p9r0s1t2v3w4x5y' +
        '|automaticResponseUrl=https://pay.example.com/notify/acc_sips_test' +
        '|transactionReference=pay01jq4m2k7n8p9r0s1t2v3w4x5y|keyVersion=1|orderId=ORDER-1042' +
        '|orderChannel=INTERNET|customerLanguage=en',
    );
    const data = checkout.fields.Data as string;
    assert.ok(isSipsSealValid(data, checkout.fields.Seal as string, '002001000000001_KEY1', 'HMAC-SHA-256'));
    const parsed = parseSipsData(data);
    assert.ok(parsed.ok && parsed.fields.transactionReference === request.merchantRef);
  });

  it('seals with the legacy algorithm when configured, and honours the environment and apiBase', () => {
    const legacy = withCredentials(testAccount, { sealAlgorithm: 'SHA-256', environment: 'prod' });
    const checkout = createSipsPayment(legacy, checkoutRequest());
    assert.equal(checkout.fields.SealAlgorithm, 'SHA-256');
    assert.equal(checkout.url, 'https://payment-webinit.sips-services.com/paymentInit');
    assert.ok(
      isSipsSealValid(
        checkout.fields.Data as string,
        checkout.fields.Seal as string,
        '002001000000001_KEY1',
        'SHA-256',
      ),
    );
    const test = createSipsPayment(withCredentials(testAccount, { environment: 'test' }), checkoutRequest());
    assert.equal(test.url, 'https://payment-webinit.test.sips-services.com/paymentInit');
    const sim = createSipsPayment(
      withCredentials(testAccount, { apiBase: 'http://127.0.0.1:9999/sips/' }),
      checkoutRequest(),
    );
    assert.equal(sim.url, 'http://127.0.0.1:9999/sips/paymentInit');
  });

  it('refuses what Sips could not take', () => {
    assert.throws(
      () => createSipsPayment(testAccount, checkoutRequest({ amount: money(100, 'XXX') })),
      (e: unknown) => e instanceof QuittanceError && e.code === 'UNSUPPORTED_CURRENCY',
    );
    assert.throws(
      () => createSipsPayment(testAccount, checkoutRequest({ orderRef: 'A|B' })),
      (e: unknown) => e instanceof QuittanceError && e.code === 'VALIDATION_FAILED',
    );
    assert.throws(
      () => createSipsPayment(testAccount, checkoutRequest({ merchantRef: 'not-alnum' })),
      (e: unknown) => e instanceof QuittanceError && e.code === 'VALIDATION_FAILED',
    );
  });

  it('makes alphanumeric references of at most 35 characters, distinct for distinct ids', () => {
    assert.equal(
      sipsMerchantRef({ paymentId: 'pay_01jq4m2k7n8p9r0s1t2v3w4x5y' }),
      'pay01jq4m2k7n8p9r0s1t2v3w4x5y',
    );
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const ra = sipsMerchantRef({ paymentId: a });
        assert.match(ra, /^[0-9A-Za-z]{1,35}$/);
        if (a !== b && /^[a-z]+_[0-9A-Za-z]+$/.test(a) && /^[a-z]+_[0-9A-Za-z]+$/.test(b)) {
          assert.notEqual(ra, sipsMerchantRef({ paymentId: b }));
        }
      }),
    );
  });
});

describe('Sips credentials', () => {
  it('applies the defaults', () => {
    const parsed = sipsCredentialsSchema.parse({ merchantId: '002001000000001', secretKey: 'k' });
    assert.deepEqual(parsed, {
      merchantId: '002001000000001',
      secretKey: 'k',
      keyVersion: '1',
      sealAlgorithm: 'HMAC-SHA-256',
      environment: 'simu',
    });
  });

  it('refuses unknown options, bad algorithms and non-http URLs', () => {
    const base = { merchantId: '002001000000001', secretKey: 'k' };
    for (const bad of [
      { ...base, secretkey: 'x' },
      { ...base, sealAlgorithm: 'SHA-1' },
      { ...base, environment: 'live' },
      { ...base, apiBase: 'ftp://example.com' },
      { ...base, officeBase: 'not a url' },
      { ...base, secretKey: '' },
      { secretKey: 'k' },
    ]) {
      assert.equal(sipsCredentialsSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
    assert.ok(
      sipsCredentialsSchema.safeParse({
        ...base,
        apiBase: 'http://127.0.0.1:8080',
        officeBase: 'https://o.example',
      }).success,
    );
  });
});
