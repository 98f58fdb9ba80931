import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { money } from '../../core/index.js';
import {
  checkoutRequest,
  notificationItem,
  OTHER_KEY,
  rawNotification,
  signedNotification,
  testAccount,
  withCredentials,
} from './fixtures.js';
import { adyen } from './index.js';
import { verifyAdyenNotification } from './notification.js';

const request = checkoutRequest();

describe('adyen notification', () => {
  it('verifies a signed AUTHORISATION: captured (auto capture), lookup by merchantReference', () => {
    const verdict = verifyAdyenNotification(
      testAccount,
      signedNotification(testAccount, request, 'AUTHORISATION'),
    );
    assert.equal(verdict.kind, 'verified');
    assert.ok(verdict.kind === 'verified');
    assert.equal(verdict.signals.length, 1);
    const [signal] = verdict.signals;
    assert.equal(signal?.status, 'captured');
    assert.deepEqual(signal?.amount, money(1250, 'EUR'));
    assert.deepEqual(signal?.lookup, { merchantRef: request.merchantRef });
    assert.equal(signal?.gatewayRef, undefined, 'the payment link stays the gatewayRef');
    assert.equal(signal?.facts?.paymentPspReference, 'QFQTPCQ8HXSKGK82');
    assert.equal(signal?.gatewayStatus, 'AUTHORISATION true');
  });

  it('manual capture: AUTHORISATION is authorized, then CAPTURE captured, and the payment pspReference is kept as a fact', () => {
    const manual = withCredentials(testAccount, { capture: 'manual' });
    const auth = verifyAdyenNotification(manual, signedNotification(manual, request, 'AUTHORISATION'));
    assert.equal(auth.kind === 'verified' && auth.signals[0]?.status, 'authorized');
    const capture = verifyAdyenNotification(manual, signedNotification(manual, request, 'CAPTURE'));
    assert.equal(capture.kind === 'verified' && capture.signals[0]?.status, 'captured');
    assert.equal(
      capture.kind === 'verified' && capture.signals[0]?.facts?.paymentPspReference,
      'QFQTPCQ8HXSKGK82',
    );
    assert.equal(capture.kind === 'verified' && capture.signals[0]?.facts?.pspReference, 'JVBXGSDM53RZNN82');
  });

  it('maps success false and refunds without claiming the amount', () => {
    const refused = verifyAdyenNotification(
      testAccount,
      signedNotification(testAccount, request, 'AUTHORISATION:false'),
    );
    assert.equal(refused.kind === 'verified' && refused.signals[0]?.status, 'refused');
    const refund = verifyAdyenNotification(
      testAccount,
      signedNotification(testAccount, request, 'REFUND', { amount: { value: 500, currency: 'EUR' } }),
    );
    assert.ok(refund.kind === 'verified');
    assert.equal(refund.signals[0]?.status, 'partially_refunded');
    assert.equal(refund.signals[0]?.amount, undefined);
    assert.equal(refund.signals[0]?.facts?.amount, '500 EUR');
  });

  it('gives each item its own signal and none for a report', () => {
    const other = checkoutRequest({ paymentId: 'pay_other', merchantRef: 'pay_other' });
    const raw = rawNotification([
      notificationItem(testAccount, request, 'AUTHORISATION'),
      notificationItem(testAccount, other, 'AUTHORISATION:false'),
      notificationItem(testAccount, request, 'REPORT_AVAILABLE', { merchantReference: 'report.csv' }),
    ]);
    const verdict = verifyAdyenNotification(testAccount, raw);
    assert.ok(verdict.kind === 'verified');
    assert.deepEqual(
      verdict.signals.map((s) => [s.lookup.merchantRef, s.status]),
      [
        [request.merchantRef, 'captured'],
        ['pay_other', 'refused'],
      ],
    );
  });

  it('refuses the whole batch when one item is forged', () => {
    const raw = rawNotification([
      notificationItem(testAccount, request, 'AUTHORISATION'),
      notificationItem(testAccount, request, 'REFUND', {}, OTHER_KEY),
    ]);
    const verdict = verifyAdyenNotification(testAccount, raw);
    assert.equal(verdict.kind, 'rejected');
    assert.equal(verdict.kind === 'rejected' && verdict.code, 'SIGNATURE_MISMATCH');
  });

  it('accepts the previous key during a rotation', () => {
    const raw = signedNotification(
      testAccount,
      request,
      'AUTHORISATION',
      {},
      testAccount.credentials.previousHmacKey,
    );
    assert.equal(verifyAdyenNotification(testAccount, raw).kind, 'verified');
    const after = withCredentials(testAccount, { previousHmacKey: undefined });
    assert.equal(verifyAdyenNotification(after, raw).kind, 'rejected');
  });

  it('refuses an unsigned item, another merchant account, and the wrong mode', () => {
    const item = notificationItem(testAccount, request, 'AUTHORISATION');
    const unsigned = { ...item, additionalData: {} };
    const missing = verifyAdyenNotification(testAccount, rawNotification([unsigned]));
    assert.equal(missing.kind === 'rejected' && missing.code, 'SIGNATURE_MISSING');
    const elsewhere = notificationItem(testAccount, request, 'AUTHORISATION', {
      merchantAccountCode: 'Other',
    });
    const site = verifyAdyenNotification(testAccount, rawNotification([elsewhere]));
    assert.equal(site.kind === 'rejected' && site.code, 'SITE_MISMATCH');
    const live = verifyAdyenNotification(testAccount, rawNotification([item], { live: 'true' }));
    assert.equal(live.kind === 'rejected' && live.code, 'MODE_MISMATCH');
  });

  it('says what is unreadable', () => {
    const cases: [string, ReturnType<typeof rawNotification>, string][] = [
      [
        'form body',
        rawNotification([], { contentType: 'application/x-www-form-urlencoded' }),
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      ['no items', rawNotification([]), 'INVALID_FIELD'],
      ['bad utf-8', { ...rawNotification([]), body: Uint8Array.from([0x7b, 0xff, 0x7d]) }, 'MALFORMED_BODY'],
      [
        'no amount',
        rawNotification([{ ...notificationItem(testAccount, request, 'AUTHORISATION'), amount: undefined }]),
        'MISSING_FIELD',
      ],
      [
        'fractional amount',
        rawNotification([
          notificationItem(testAccount, request, 'AUTHORISATION', {
            amount: { value: 1.5, currency: 'EUR' },
          }),
        ]),
        'INVALID_FIELD',
      ],
    ];
    for (const [what, raw, code] of cases) {
      const verdict = verifyAdyenNotification(testAccount, raw);
      assert.equal(verdict.kind, 'unparseable', what);
      assert.equal(verdict.kind === 'unparseable' && verdict.code, code, what);
    }
  });

  it('answers [accepted] with a 200, a refusal with a 4xx', () => {
    assert.deepEqual(adyen.reply({ kind: 'accepted', detail: 'x' }), {
      status: 200,
      contentType: 'text/plain; charset=utf-8',
      body: '[accepted]',
    });
    assert.equal(
      adyen.reply({ kind: 'rejected', code: 'SIGNATURE_MISMATCH', status: 401, detail: 'x' }).status,
      401,
    );
    assert.equal(adyen.reply({ kind: 'unavailable', detail: 'x' }).status, 503);
  });

  it('offline account: the key alone, merchant account and mode read from the message', () => {
    const raw = signedNotification(testAccount, request, 'AUTHORISATION');
    const offline = adyen.offlineAccount({ request: raw, secret: testAccount.credentials.hmacKey });
    assert.equal(offline.credentials.merchantAccount, 'QuittanceShopECOM');
    assert.equal(adyen.verifyNotification(offline, raw).kind, 'verified');
    const notHex = adyen.offlineAccount({ request: raw, secret: `${testAccount.credentials.hmacKey}x` });
    assert.equal(adyen.verifyNotification(notHex, raw).kind, 'rejected');
  });
});
