import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PUBLISHED_KEY } from './fixtures.js';
import { adyenHmac, adyenSigningString, isAdyenSignatureValid, isHexKey } from './hmac.js';

/** shared/protocols.md §6, from Adyen/adyen-node-api-library `src/__tests__/hmacValidator.spec.ts`. */
describe('adyen HMAC: the published vectors', () => {
  it('signs the notification item vector', () => {
    const item = {
      pspReference: 'pspReference',
      originalReference: 'originalReference',
      merchantAccountCode: 'merchantAccount',
      merchantReference: 'reference',
      amount: { value: 1000, currency: 'EUR' },
      eventCode: 'REPORT_AVAILABLE',
      success: 'true',
    };
    const message = adyenSigningString(item);
    assert.equal(
      message,
      'pspReference:originalReference:merchantAccount:reference:1000:EUR:REPORT_AVAILABLE:true',
    );
    assert.equal(adyenHmac(PUBLISHED_KEY, message), 'ZNBPtI+oDyyRrLyD1XirkKnQgIAlFc07Vj27TeHsDRE=');
    assert.ok(
      isAdyenSignatureValid([PUBLISHED_KEY], message, 'ZNBPtI+oDyyRrLyD1XirkKnQgIAlFc07Vj27TeHsDRE='),
    );
  });

  it('signs the legacy HPP string vector (the same HMAC over an already escaped string)', () => {
    const message =
      'countryCode:currencyCode:merchantAccount:merchantReference:paymentAmount:sessionValidity:skinCode:NL:EUR:' +
      'MagentoMerchantTest2:TEST-PAYMENT-2017-02-01-14\\:02\\:05:199:2017-02-02T14\\:02\\:05+01\\:00:PKz2KML1';
    assert.equal(adyenHmac(PUBLISHED_KEY, message), '34oR8T1whkQWTv9P+SzKyp8zhusf9n0dpqrm9nsqSJs=');
  });
});

describe('adyen HMAC: signing string and comparison', () => {
  it('keeps a missing or empty field as an empty slot', () => {
    assert.equal(
      adyenSigningString({
        pspReference: 'P',
        merchantAccountCode: 'M',
        amount: { value: 0, currency: 'EUR' },
      }),
      'P::M::0:EUR::',
    );
  });

  it('refuses a wrong signature, an empty one and a key that is not strict hex', () => {
    const message = 'a:b:c:d:1:EUR:AUTHORISATION:true';
    const good = adyenHmac(PUBLISHED_KEY, message);
    assert.ok(isAdyenSignatureValid([PUBLISHED_KEY], message, good));
    assert.ok(
      isAdyenSignatureValid([PUBLISHED_KEY], message, good.replace(/=+$/, '')),
      'padding is optional',
    );
    assert.ok(!isAdyenSignatureValid([PUBLISHED_KEY], message, ''));
    assert.ok(!isAdyenSignatureValid([PUBLISHED_KEY], `${message}x`, good));
    // Buffer.from('…x', 'hex') would silently drop the bad digit and decode the right key.
    assert.ok(!isAdyenSignatureValid([`${PUBLISHED_KEY}x`], message, good));
    assert.equal(isHexKey(`${PUBLISHED_KEY}x`), false);
    assert.equal(isHexKey(PUBLISHED_KEY.slice(1)), false);
  });

  it('accepts a signature made with any of the keys given (rotation)', () => {
    const other = '00'.repeat(32);
    const message = 'p::m:r:1:EUR:CAPTURE:true';
    assert.ok(isAdyenSignatureValid([PUBLISHED_KEY, other], message, adyenHmac(other, message)));
    assert.ok(!isAdyenSignatureValid([PUBLISHED_KEY], message, adyenHmac(other, message)));
  });
});
