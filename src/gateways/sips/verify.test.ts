import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { RawRequest, Verdict } from '../gateway.js';
import { buildSipsData } from './data.js';
import {
  checkoutRequest,
  formRequest,
  responsePairs,
  sealedForm,
  signedNotification,
  testAccount,
  withCredentials,
} from './fixtures/notification.js';
import { sips } from './index.js';
import { sipsSeal } from './seal.js';

const request = checkoutRequest();

function verify(raw: RawRequest, account = testAccount): Verdict {
  return sips.verifyNotification(account, raw);
}

function codeOf(verdict: Verdict): string {
  return verdict.kind === 'verified' ? 'verified' : `${verdict.kind}:${verdict.code}`;
}

function plainWith(extra: Record<string, string>, drop: string[] = []): string {
  return buildSipsData(
    responsePairs(testAccount, request, '00', extra).filter(([name]) => !drop.includes(name)),
  );
}

describe('Sips automatic response', () => {
  it('reads a sealed 00: captured, amount, references and facts', () => {
    const verdict = verify(signedNotification(testAccount, request, '00'));
    assert.equal(verdict.kind, 'verified');
    if (verdict.kind !== 'verified') return;
    const [signal] = verdict.signals;
    assert.ok(signal);
    assert.equal(signal.source, 'notification');
    assert.equal(signal.status, 'captured');
    assert.deepEqual(signal.amount, request.amount);
    assert.equal(signal.gatewayRef, request.merchantRef);
    assert.equal(signal.gatewayStatus, '00');
    assert.deepEqual(signal.lookup, { merchantRef: request.merchantRef, gatewayRef: request.merchantRef });
    assert.equal(signal.facts?.authorisationId, '12345');
    assert.equal(signal.facts?.maskedPan, '4500#############01');
    assert.equal(signal.facts?.paymentMeanBrand, 'VISA');
    assert.equal(signal.facts?.acquirerResponseCode, '00');
    assert.equal(signal.facts?.customerMobilePhone, undefined);
  });

  it('reads a base64-encoded Data, sealed as received', () => {
    const verdict = verify(signedNotification(testAccount, request, '17', { encode: true }));
    assert.equal(verdict.kind === 'verified' && verdict.signals[0]?.status, 'cancelled');
    // Sealed over the decoded text instead: refused.
    const plain = plainWith({});
    const encoded = Buffer.from(plain).toString('base64');
    const wrong = sealedForm(testAccount, plain, {
      encode: true,
      seal: sipsSeal(plain, testAccount.credentials.secretKey, 'HMAC-SHA-256'),
    });
    assert.equal(codeOf(verify(wrong)), 'rejected:SIGNATURE_MISMATCH');
    assert.notEqual(encoded, plain);
  });

  it('verifies legacy SHA-256 seals for a legacy account, and only there', () => {
    const legacy = withCredentials(testAccount, { sealAlgorithm: 'SHA-256' });
    const raw = signedNotification(legacy, request, '00');
    assert.equal(verify(raw, legacy).kind, 'verified');
    assert.equal(codeOf(verify(raw)), 'rejected:SIGNATURE_MISMATCH');
  });

  it('reads VALIDATION as authorized and drops an unmasked PAN', () => {
    const verdict = verify(
      signedNotification(testAccount, request, '00', {
        extra: { captureMode: 'VALIDATION', maskedPan: '4500000000000001' },
      }),
    );
    assert.ok(verdict.kind === 'verified');
    assert.equal(verdict.signals[0]?.status, 'authorized');
    assert.equal(verdict.signals[0]?.facts?.maskedPan, undefined);
  });

  it('reads an unknown response code as refused with a note', () => {
    const verdict = verify(signedNotification(testAccount, request, '42'));
    assert.ok(verdict.kind === 'verified');
    assert.equal(verdict.signals[0]?.status, 'refused');
    assert.match(verdict.signals[0]?.note ?? '', /42/);
  });

  it('refuses every bad input with its code', () => {
    const good = signedNotification(testAccount, request, '00');
    const cases: [string, RawRequest, string][] = [
      [
        'json',
        { ...good, headers: { 'content-type': 'application/json' } },
        'unparseable:UNSUPPORTED_MEDIA_TYPE',
      ],
      ['no content type', { ...good, headers: {} }, 'unparseable:UNSUPPORTED_MEDIA_TYPE'],
      ['bad escape', formRequest('Data=%zz&Seal=ab'), 'unparseable:MALFORMED_BODY'],
      ['not UTF-8', formRequest('Data=%E9&Seal=ab'), 'unparseable:MALFORMED_BODY'],
      ['repeated field', formRequest('Data=a%3D1&Seal=ab&Seal=cd'), 'unparseable:MALFORMED_BODY'],
      ['no seal', formRequest('Data=amount%3D1&InterfaceVersion=HP_2.24'), 'rejected:SIGNATURE_MISSING'],
      ['empty seal', formRequest('Data=amount%3D1&Seal='), 'rejected:SIGNATURE_MISSING'],
      ['no Data', formRequest('Seal=abcd'), 'unparseable:MISSING_FIELD'],
      [
        'another merchant',
        sealedForm(testAccount, plainWith({ merchantId: '002001000000002' })),
        'rejected:SITE_MISMATCH',
      ],
      ['no merchant', sealedForm(testAccount, plainWith({}, ['merchantId'])), 'rejected:SITE_MISMATCH'],
      [
        'wrong key',
        signedNotification(testAccount, request, '00', { key: 'other' }),
        'rejected:SIGNATURE_MISMATCH',
      ],
      [
        'forged seal',
        signedNotification(testAccount, request, '00', { seal: '0'.repeat(64) }),
        'rejected:SIGNATURE_MISMATCH',
      ],
      [
        'segment without =',
        sealedForm(testAccount, `${plainWith({})}|garbage`),
        'unparseable:MALFORMED_BODY',
      ],
      ['repeated key', sealedForm(testAccount, `${plainWith({})}|amount=1250`), 'unparseable:MALFORMED_BODY'],
      [
        'unknown Encode',
        formRequest(`Data=x&Encode=gzip&Seal=${sipsSeal('x', '002001000000001_KEY1', 'HMAC-SHA-256')}`),
        'unparseable:MALFORMED_BODY',
      ],
      [
        'bad base64',
        formRequest(
          `Data=%21%21&Encode=base64&Seal=${sipsSeal('!!', '002001000000001_KEY1', 'HMAC-SHA-256')}`,
        ),
        'unparseable:MALFORMED_BODY',
      ],
    ];
    for (const name of ['transactionReference', 'responseCode', 'amount', 'currencyCode']) {
      cases.push([`no ${name}`, sealedForm(testAccount, plainWith({}, [name])), 'unparseable:MISSING_FIELD']);
    }
    cases.push(
      [
        'amount not a number',
        sealedForm(testAccount, plainWith({ amount: '12.50' })),
        'unparseable:INVALID_FIELD',
      ],
      [
        'unknown currency',
        sealedForm(testAccount, plainWith({ currencyCode: '000' })),
        'unparseable:INVALID_FIELD',
      ],
      [
        'alphabetic currency',
        sealedForm(testAccount, plainWith({ currencyCode: 'EUR' })),
        'unparseable:INVALID_FIELD',
      ],
      [
        'odd response code',
        sealedForm(testAccount, plainWith({ responseCode: '0 0 0' })),
        'unparseable:INVALID_FIELD',
      ],
    );
    for (const [what, raw, expected] of cases) {
      const verdict = verify(raw);
      assert.equal(codeOf(verdict), expected, what);
      if (verdict.kind !== 'verified') {
        assert.ok(
          !verdict.reason.includes(testAccount.credentials.secretKey),
          `${what}: no key in the reason`,
        );
      }
    }
  });

  it('never verifies Data with any byte changed (plain or base64)', () => {
    for (const encode of [false, true]) {
      const plain = plainWith({});
      const data = encode ? Buffer.from(plain).toString('base64') : plain;
      const seal = sipsSeal(data, testAccount.credentials.secretKey, 'HMAC-SHA-256');
      fc.assert(
        fc.property(
          fc.nat({ max: data.length - 1 }),
          fc.integer({ min: 0x20, max: 0x7e }),
          (position, code) => {
            const char = String.fromCharCode(code);
            fc.pre(data[position] !== char);
            const tampered = data.slice(0, position) + char + data.slice(position + 1);
            const raw = formRequest(
              new URLSearchParams({
                Data: tampered,
                ...(encode && { Encode: 'base64' }),
                Seal: seal,
              }).toString(),
            );
            assert.notEqual(verify(raw).kind, 'verified');
          },
        ),
        { numRuns: 300 },
      );
    }
  });
});

describe('Sips manual response (return)', () => {
  it('settles from the same sealed form, as a return', () => {
    const raw = { ...signedNotification(testAccount, request, '00'), path: '/return/acc_sips_test/pay_x' };
    const verdict = sips.readReturn(testAccount, raw);
    assert.ok(verdict?.kind === 'verified');
    assert.equal(verdict.signals[0]?.source, 'return');
    assert.equal(verdict.signals[0]?.status, 'captured');
  });

  it('reads a GET return from the query, and finds nothing in a bare one', () => {
    const body = Buffer.from(signedNotification(testAccount, request, '17').body).toString('latin1');
    const get: RawRequest = {
      ...formRequest(''),
      method: 'GET',
      headers: {},
      query: body,
      body: new Uint8Array(),
    };
    const verdict = sips.readReturn(testAccount, get);
    assert.equal(verdict?.kind === 'verified' && verdict.signals[0]?.status, 'cancelled');
    assert.equal(sips.readReturn(testAccount, { ...get, query: 'foo=bar' }), null);
  });

  it('refuses a forged return', () => {
    const raw = signedNotification(testAccount, request, '00', { key: 'forged' });
    assert.equal(sips.readReturn(testAccount, raw)?.kind, 'rejected');
  });
});

describe('Sips offline account (quittance verify sips)', () => {
  it('reads merchantId and keyVersion from Data and picks the matching algorithm', () => {
    const legacy = withCredentials(testAccount, { sealAlgorithm: 'SHA-256' });
    const raw = signedNotification(legacy, request, '00');
    const auto = sips.offlineAccount({ request: raw, secret: '002001000000001_KEY1' });
    assert.equal(auto.credentials.merchantId, '002001000000001');
    assert.equal(auto.credentials.sealAlgorithm, 'SHA-256');
    assert.equal(sips.verifyNotification(auto, raw).kind, 'verified');
    const hmac = sips.offlineAccount({
      request: raw,
      secret: '002001000000001_KEY1',
      algorithm: 'hmac-sha-256',
    });
    assert.equal(hmac.credentials.sealAlgorithm, 'HMAC-SHA-256');
    assert.equal(sips.verifyNotification(hmac, raw).kind, 'rejected');
    const sha = sips.offlineAccount({ request: raw, secret: '002001000000001_KEY1', algorithm: 'sha-256' });
    assert.equal(sips.verifyNotification(sha, raw).kind, 'verified');
  });

  it('throws on a bad option, and still gives an account for an unreadable message', () => {
    const raw = signedNotification(testAccount, request, '00');
    assert.throws(() => sips.offlineAccount({ request: raw, secret: '' }));
    assert.throws(() => sips.offlineAccount({ request: raw, secret: 'k', algorithm: 'sha1' }));
    const garbage = sips.offlineAccount({ request: formRequest('%zz'), secret: 'k' });
    assert.equal(garbage.credentials.merchantId, '');
  });
});

describe('Sips reply', () => {
  it('answers an empty 200, a 4xx line, a 503', () => {
    assert.deepEqual(sips.reply({ kind: 'accepted', detail: 'stored' }), {
      status: 200,
      contentType: 'text/plain; charset=utf-8',
      body: '',
    });
    const rejected = sips.reply({
      kind: 'rejected',
      code: 'SIGNATURE_MISMATCH',
      status: 401,
      detail: 'bad seal',
    });
    assert.equal(rejected.status, 401);
    assert.equal(rejected.body, 'KO SIGNATURE_MISMATCH bad seal');
    assert.equal(sips.reply({ kind: 'rejected', code: 'INTERNAL', status: 500, detail: 'x' }).status, 400);
    assert.equal(sips.reply({ kind: 'unavailable', detail: 'db' }).status, 503);
  });
});

describe('Sips responses sealed by Sips itself', () => {
  // worldline/sips-sdk-java paypage client tests decodeResponse_with_succeeded_request / _cancelled_request: SIMU
  // responses for the simulation shop, sealed with the legacy SHA-256 algorithm.
  const legacy = withCredentials(testAccount, { sealAlgorithm: 'SHA-256' });
  const samples: [string, string, string][] = [
    [
      'captureDay=0|captureMode=AUTHOR_CAPTURE|currencyCode=978|merchantId=002001000000001|orderChannel=INTERNET|responseCode=00|transactionDateTime=2018-02-06T07:54:23+01:00|transactionReference=b4fb98a9c2c|keyVersion=1|acquirerResponseCode=00|amount=2|authorisationId=12345|guaranteeIndicator=Y|cardCSCResultCode=4D|panExpiryDate=201902|paymentMeanBrand=VISA|paymentMeanType=CARD|customerIpAddress=194.78.195.168|maskedPan=4500#############01|holderAuthentRelegation=N|holderAuthentStatus=3D_SUCCESS|tokenPan=g011040a730424d1ba6|transactionOrigin=INTERNET|paymentPattern=ONE_SHOT',
      '56bddfce68695b9b8a9de51c426aae31bb303fb15570f343975eaa3bd33c8c59',
      'captured',
    ],
    [
      'captureDay=0|captureMode=AUTHOR_CAPTURE|currencyCode=978|merchantId=002001000000001|orderChannel=INTERNET|responseCode=17|transactionDateTime=2018-02-06T07:43:55+01:00|transactionReference=e1445438c15|keyVersion=1|amount=2|customerIpAddress=194.78.195.168|paymentPattern=ONE_SHOT',
      '8f488030781e3196726ce0658dbc26f19781f7c7fbe212b39d63d3f4d1d77301',
      'cancelled',
    ],
  ];
  it('verifies the Java SDK sample responses', () => {
    for (const [data, seal, status] of samples) {
      const raw = formRequest(
        new URLSearchParams({ Data: data, Seal: seal, InterfaceVersion: 'HP_2.24' }).toString(),
      );
      const verdict = sips.verifyNotification(legacy, raw);
      assert.ok(verdict.kind === 'verified', codeOf(verdict));
      assert.equal(verdict.signals[0]?.status, status);
      assert.equal(verdict.signals[0]?.lookup.merchantRef, /transactionReference=(\w+)/.exec(data)?.[1]);
      assert.deepEqual(verdict.signals[0]?.amount, { value: 2, currency: 'EUR' });
    }
  });
});
