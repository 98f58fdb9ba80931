import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LYRA_REST_URLS, lyraRestUrl } from './credentials.js';
import { lyra } from './index.js';

const schema = lyra.credentialsSchema;

describe('Lyra credentials', () => {
  it('applies the defaults', () => {
    assert.deepEqual(schema.parse({ siteId: '12345678', key: 'k' }), {
      siteId: '12345678',
      key: 'k',
      algorithm: 'hmac-sha-256',
      brand: 'lyra',
    });
  });

  it('keeps the options it is given', () => {
    const parsed = schema.parse({
      siteId: '00000001',
      key: 'k',
      algorithm: 'sha1',
      alsoAcceptAlgorithm: 'hmac-sha-256',
      brand: 'systempay',
      paymentUrl: 'http://localhost:4010/vads-payment/',
    });
    assert.equal(parsed.algorithm, 'sha1');
    assert.equal(parsed.alsoAcceptAlgorithm, 'hmac-sha-256');
    assert.equal(parsed.brand, 'systempay');
    assert.equal(parsed.paymentUrl, 'http://localhost:4010/vads-payment/');
  });

  for (const [label, input] of [
    ['a 7-digit site id', { siteId: '1234567', key: 'k' }],
    ['a site id with letters', { siteId: '1234567a', key: 'k' }],
    ['a site id as a number', { siteId: 12345678, key: 'k' }],
    ['an empty key', { siteId: '12345678', key: '' }],
    ['no key', { siteId: '12345678' }],
    ['an unknown algorithm', { siteId: '12345678', key: 'k', algorithm: 'md5' }],
    ['an unknown alsoAcceptAlgorithm', { siteId: '12345678', key: 'k', alsoAcceptAlgorithm: 'sha256' }],
    ['an unknown brand', { siteId: '12345678', key: 'k', brand: 'stripe' }],
    ['a non-http payment URL', { siteId: '12345678', key: 'k', paymentUrl: 'javascript:alert(1)' }],
    ['a relative payment URL', { siteId: '12345678', key: 'k', paymentUrl: '/vads-payment/' }],
    ['a misspelt option', { siteId: '12345678', key: 'k', alsoAcceptAlgoritm: 'sha1' }],
    ['an empty REST password', { siteId: '12345678', key: 'k', restPassword: '' }],
    ['a non-http REST URL', { siteId: '12345678', key: 'k', restUrl: 'ftp://api.lyra.com/api-payment/V4/' }],
    ['a relative REST URL', { siteId: '12345678', key: 'k', restUrl: '/api-payment/V4/' }],
  ] as const) {
    it(`refuses ${label}`, () => {
      assert.equal(schema.safeParse(input).success, false);
    });
  }

  it('keeps the REST API options', () => {
    const parsed = schema.parse({
      siteId: '12345678',
      key: 'k',
      restPassword: 'testpassword_abc',
      restUrl: 'http://127.0.0.1:4010/api-payment/V4/',
    });
    assert.equal(parsed.restPassword, 'testpassword_abc');
    assert.equal(parsed.restUrl, 'http://127.0.0.1:4010/api-payment/V4/');
  });

  it('names the key, the REST password and the REST HMAC-SHA-256 key as secrets', () => {
    assert.deepEqual([...lyra.secretFields], ['key', 'restPassword', 'hmacKey']);
  });

  it("asks the brand's REST API unless restUrl says otherwise, always with a final slash", () => {
    const base = schema.parse({ siteId: '12345678', key: 'k' });
    assert.equal(lyraRestUrl(base), 'https://api.lyra.com/api-payment/V4/');
    assert.deepEqual(LYRA_REST_URLS, {
      lyra: 'https://api.lyra.com/api-payment/V4/',
      payzen: 'https://api.payzen.eu/api-payment/V4/',
      systempay: 'https://api.systempay.fr/api-payment/V4/',
      sogecommerce: 'https://api-sogecommerce.societegenerale.eu/api-payment/V4/',
    });
    assert.equal(lyraRestUrl({ ...base, brand: 'payzen' }), 'https://api.payzen.eu/api-payment/V4/');
    assert.equal(
      lyraRestUrl({ ...base, brand: 'payzen', restUrl: 'http://localhost:4010/api-payment/V4' }),
      'http://localhost:4010/api-payment/V4/',
    );
  });
});
