import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
  ] as const) {
    it(`refuses ${label}`, () => {
      assert.equal(schema.safeParse(input).success, false);
    });
  }

  it('names the key as the secret', () => {
    assert.deepEqual([...lyra.secretFields], ['key']);
  });
});
