import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSipsSealValid, sipsJsonSeal, sipsJsonSealString, sipsSeal } from './seal.js';

const KEY = '002001000000001_KEY1';
const DATA1 =
  'amount=1234|currencyCode=978|merchantId=002001000000001|normalReturnUrl=http://www.normalreturnurl.com|transactionReference=marlon1|keyVersion=1';
const DATA2 =
  'amount=9876|currencyCode=978|merchantId=002001000000001|normalReturnUrl=http://www.normalreturnurl.com|transactionReference=marlon2|keyVersion=1|customerLanguage=nl';

describe('Sips Paypage seal', () => {
  // worldline/Sips-International-non-FR-PHPlibrary tests/Sips/Tests/ShaComposer/AllParametersShaComposerTest.php
  it('passes both published legacy SHA-256 vectors', () => {
    assert.equal(
      sipsSeal(DATA1, KEY, 'SHA-256'),
      '65421e720d149e8a79bdc9a29f6c462ed199b78f32e558c6c5fc15f0084e5384',
    );
    assert.equal(
      sipsSeal(DATA2, KEY, 'SHA-256'),
      '6f3a60affb6002355cf214f7e630fa5faba993ddcb47c2d1d942773e4c63f896',
    );
  });

  it('passes the [D] HMAC-SHA-256 vector of shared/protocols.md', () => {
    assert.equal(
      sipsSeal(DATA1, KEY, 'HMAC-SHA-256'),
      '3bf5b394168a91d19baaf38bcf47605eadf44603c95223421327f5e1163dcaff',
    );
  });

  // worldline/sips-sdk-java paypage client test decodeResponse_with_cancelled_request: a real SIMU response, sealed
  // with the legacy algorithm.
  it('verifies a response sealed by Sips (the Java SDK test sample)', () => {
    const data =
      'captureDay=0|captureMode=AUTHOR_CAPTURE|currencyCode=978|merchantId=002001000000001|orderChannel=INTERNET|responseCode=17|transactionDateTime=2018-02-06T07:43:55+01:00|transactionReference=e1445438c15|keyVersion=1|amount=2|customerIpAddress=194.78.195.168|paymentPattern=ONE_SHOT';
    const seal = '8f488030781e3196726ce0658dbc26f19781f7c7fbe212b39d63d3f4d1d77301';
    assert.equal(isSipsSealValid(data, seal, KEY, 'SHA-256'), true);
    assert.equal(isSipsSealValid(data, seal, KEY, 'HMAC-SHA-256'), false);
    assert.equal(isSipsSealValid(data, seal.toUpperCase(), KEY, 'SHA-256'), false);
    assert.equal(isSipsSealValid(`${data} `, seal, KEY, 'SHA-256'), false);
  });
});

describe('Sips Office JSON seal', () => {
  // worldline/sips-sdk-java payment-sdk-common/src/test/.../util/SealCalculatorTest.java
  it('passes the SealCalculator vector', () => {
    assert.equal(
      sipsJsonSeal('This is a test!', 'superSafeSecretKey'),
      '198e5f278e3f8548e174e84492953c4871732278b7e2aa2cbf20bb1ab85914ea',
    );
  });

  it('concatenates values in field-name order, objects expanded, lists sorted, skipped and null fields out', () => {
    assert.equal(
      sipsJsonSealString(
        {
          merchantId: 'M',
          keyVersion: '1',
          amount: 10,
          address: { zip: 'Z', city: 'C' },
          list: ['b', 'a'],
          none: null,
          interfaceVersion: 'IR_WS_2.19',
        },
        ['keyVersion'],
      ),
      'CZ10IR_WS_2.19abM',
    );
  });
});
