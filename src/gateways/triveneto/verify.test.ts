import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { money, type PaymentState, settle } from '../../core/index.js';
import { encodeForm } from '../_shared/form-codec.js';
import type { GatewaySignal, Verdict } from '../gateway.js';
import type { TrivenetoAction } from './credentials.js';
import {
  checkoutRequest,
  notificationFields,
  rawNotification,
  signedNotification,
  testAccount,
  withCredentials,
} from './fixtures.js';
import { REDIRECT_FALLBACK, redirectReply, triveneto } from './index.js';

const request = checkoutRequest();

function signalOf(verdict: Verdict): GatewaySignal {
  assert.equal(verdict.kind, 'verified', verdict.kind === 'verified' ? '' : verdict.reason);
  const [signal] = verdict.kind === 'verified' ? verdict.signals : [];
  assert.ok(signal);
  return signal;
}

describe('Triveneto NotificationMessage: security code', () => {
  it('verifies a valid udf4 and reads the signal', () => {
    const signal = signalOf(
      triveneto.verifyNotification(testAccount, signedNotification(testAccount, request, 'CAPTURED')),
    );
    assert.deepEqual(signal, {
      source: 'notification',
      status: 'captured',
      amount: money(1250, 'EUR'),
      gatewayRef: '8111234567891234',
      gatewayStatus: 'CAPTURED',
      lookup: {
        paymentId: request.paymentId,
        merchantRef: request.merchantRef,
        gatewayRef: '8111234567891234',
        gatewayRefFixed: true,
      },
      facts: {
        tranid: '7001234567891234',
        auth: '123456',
        ref: '607312345678',
        postdate: '0314',
        responsecode: '00',
        result: 'CAPTURED',
        cardtype: 'VISA',
      },
    });
  });

  it('rejects a wrong udf4 (SIGNATURE_MISMATCH) and a missing one (SIGNATURE_MISSING)', () => {
    const other = withCredentials(testAccount, { secret: 'another-secret-0123456789' });
    const forged = triveneto.verifyNotification(testAccount, signedNotification(other, request, 'CAPTURED'));
    assert.equal(forged.kind === 'rejected' && forged.code, 'SIGNATURE_MISMATCH');
    const missing = triveneto.verifyNotification(
      testAccount,
      signedNotification(testAccount, request, 'CAPTURED', { udf4: undefined }),
    );
    assert.equal(missing.kind === 'rejected' && missing.code, 'SIGNATURE_MISSING');
    const empty = triveneto.verifyNotification(
      testAccount,
      signedNotification(testAccount, request, 'CAPTURED', { udf4: '' }),
    );
    assert.equal(empty.kind === 'rejected' && empty.code, 'SIGNATURE_MISSING');
  });

  it('the security code binds the amount: another udf2 does not verify', () => {
    const verdict = triveneto.verifyNotification(
      testAccount,
      signedNotification(testAccount, request, 'CAPTURED', { udf2: '1 EUR' }),
    );
    assert.equal(verdict.kind === 'rejected' && verdict.code, 'SIGNATURE_MISMATCH');
  });

  it('an Error/ErrorText message: error with the text when udf4 is valid, rejected without it', () => {
    const withCode = signedNotification(testAccount, request, '', {
      result: undefined,
      Error: 'GW00160',
      ErrorText: 'Card expired',
    });
    const signal = signalOf(triveneto.verifyNotification(testAccount, withCode));
    assert.equal(signal.status, 'error');
    assert.match(signal.note ?? '', /GW00160 Card expired/);
    const bare = rawNotification({
      paymentid: '8111234567891234',
      Error: 'GW00160',
      ErrorText: 'Card expired',
    });
    const verdict = triveneto.verifyNotification(testAccount, bare);
    assert.equal(verdict.kind === 'rejected' && verdict.code, 'SIGNATURE_MISSING');
  });

  it('refuses another content type, a bad encoding, repeated fields, no result', () => {
    const fields = notificationFields(testAccount, request, 'CAPTURED');
    assert.equal(
      triveneto.verifyNotification(testAccount, rawNotification(fields, 'application/json')).kind,
      'unparseable',
    );
    const bad = { ...rawNotification(fields), body: Buffer.from(`${encodeForm(fields)}&x=%ff`) };
    assert.equal(triveneto.verifyNotification(testAccount, bad).kind, 'unparseable');
    const twice = {
      ...rawNotification(fields),
      body: Buffer.from(`${encodeForm(fields)}&result=NOT+CAPTURED`),
    };
    assert.equal(triveneto.verifyNotification(testAccount, twice).kind, 'unparseable');
    const none = signedNotification(testAccount, request, '', { result: undefined });
    const verdict = triveneto.verifyNotification(testAccount, none);
    assert.equal(verdict.kind === 'unparseable' && verdict.code, 'MISSING_FIELD');
    assert.equal(
      triveneto.verifyNotification(
        testAccount,
        rawNotification(fields, 'application/x-www-form-urlencoded; charset=UTF-8'),
      ).kind,
      'verified',
    );
  });

  it('any change to trackid, udf1 or udf4 never verifies (property)', () => {
    const base = notificationFields(testAccount, request, 'CAPTURED');
    fc.assert(
      fc.property(fc.constantFrom('trackid', 'udf1', 'udf4'), fc.string({ maxLength: 80 }), (name, value) => {
        fc.pre(value !== base[name]);
        const verdict = triveneto.verifyNotification(
          testAccount,
          rawNotification({ ...base, [name]: value }),
        );
        assert.notEqual(verdict.kind, 'verified');
      }),
      { numRuns: 300 },
    );
  });

  it('a changed paymentid is not caught by verify (the gateway issues it after udf4): the lookup says the gatewayRef is fixed, so the engine refuses it', () => {
    const base = notificationFields(testAccount, request, 'CAPTURED');
    const changed = signalOf(
      triveneto.verifyNotification(testAccount, rawNotification({ ...base, paymentid: '999' })),
    );
    assert.equal(changed.gatewayRef, '999');
    assert.equal(changed.lookup.gatewayRef, '999');
    assert.equal(changed.lookup.gatewayRefFixed, true);
    // After a final result, a notification naming another PaymentID is a conflict, never applied.
    const captured: PaymentState = {
      id: request.paymentId,
      amount: request.amount,
      status: 'captured',
      gatewayRef: '8111234567891234',
      needsReview: false,
    };
    assert.equal(settle(captured, changed).settlement, 'conflict');
  });
});

describe('Triveneto result map', () => {
  const table: readonly [string, TrivenetoAction, string, boolean][] = [
    ['CAPTURED', 'purchase', 'captured', false],
    ['APPROVED', 'purchase', 'refused', true],
    ['NOT CAPTURED', 'purchase', 'refused', false],
    ['NOT APPROVED', 'purchase', 'refused', false],
    ['DENIED BY RISK', 'purchase', 'refused', false],
    ['HOST TIMEOUT', 'purchase', 'error', false],
    ['REVERSED', 'purchase', 'cancelled', false],
    ['VOIDED', 'purchase', 'cancelled', false],
    ['APPROVED', 'authorization', 'authorized', false],
    ['CAPTURED', 'authorization', 'refused', true],
    ['NOT APPROVED', 'authorization', 'refused', false],
    ['NOT CAPTURED', 'authorization', 'refused', false],
    ['DENIED BY RISK', 'authorization', 'refused', false],
    ['HOST TIMEOUT', 'authorization', 'error', false],
    ['REVERSED', 'authorization', 'cancelled', false],
    ['VOIDED', 'authorization', 'cancelled', false],
    ['SOMETHING NEW', 'purchase', 'pending', true],
  ];
  for (const [result, action, status, noted] of table) {
    it(`${result} for ${action} → ${status}${noted ? ', with a note' : ''}`, () => {
      const account = withCredentials(testAccount, { action });
      const signal = signalOf(
        triveneto.verifyNotification(account, signedNotification(account, request, result)),
      );
      assert.equal(signal.status, status);
      assert.equal(signal.note !== undefined, noted);
      assert.equal(signal.gatewayStatus, result);
    });
  }
});

describe('Triveneto: only the first final NotificationMessage counts', () => {
  it('a second, different final message for the same payment is a conflict through settle()', () => {
    let payment: PaymentState = {
      id: request.paymentId,
      amount: request.amount,
      status: 'created',
      gatewayRef: '8111234567891234',
      needsReview: false,
    };
    const first = signalOf(
      triveneto.verifyNotification(testAccount, signedNotification(testAccount, request, 'CAPTURED')),
    );
    const one = settle(payment, first);
    assert.equal(one.settlement, 'applied');
    payment = one.payment;
    assert.equal(payment.status, 'captured');
    const again = settle(payment, first);
    assert.equal(again.settlement, 'duplicate');
    const second = signalOf(
      triveneto.verifyNotification(testAccount, signedNotification(testAccount, request, 'NOT CAPTURED')),
    );
    const two = settle(payment, second);
    assert.equal(two.settlement, 'conflict');
    assert.equal(two.payment.status, 'captured');
    assert.equal(two.payment.needsReview, true);
  });
});

describe('Triveneto reply', () => {
  it('accepted: 200 text/plain, exactly REDIRECT=<absolute url>', () => {
    const url = 'https://shop.example.com/thanks?order=ORDER-1042';
    assert.deepEqual(redirectReply(url), {
      status: 200,
      contentType: 'text/plain; charset=utf-8',
      body: `REDIRECT=${url}`,
    });
    const reply = triveneto.reply({ kind: 'accepted', detail: 'pay_1 captured (applied)', next: url });
    assert.equal(reply.body, `REDIRECT=${url}`);
  });
  it('accepted without an absolute URL: the documented fallback', () => {
    assert.equal(triveneto.reply({ kind: 'accepted', detail: 'kept: unmatched' }).body, REDIRECT_FALLBACK);
    for (const next of [
      'stored',
      '/relative',
      'javascript:alert(1)',
      'https://x.example/a b',
      'https://x/<b>',
      '',
    ]) {
      const reply = triveneto.reply({ kind: 'accepted', detail: 'pay_1 captured (applied)', next });
      assert.equal(reply.status, 200);
      assert.equal(reply.body, REDIRECT_FALLBACK);
    }
  });
  it('rejected: a 4xx plain line; unavailable: 503', () => {
    const rejected = triveneto.reply({
      kind: 'rejected',
      code: 'SIGNATURE_MISMATCH',
      status: 401,
      detail: 'bad code',
    });
    assert.equal(rejected.status, 401);
    assert.equal(rejected.body, 'KO SIGNATURE_MISMATCH bad code');
    assert.match(rejected.contentType, /^text\/plain/);
    assert.equal(
      triveneto.reply({ kind: 'rejected', code: 'INTERNAL', status: 500, detail: 'x' }).status,
      400,
    );
    assert.equal(triveneto.reply({ kind: 'unavailable', detail: 'db' }).status, 503);
  });
  it('a browser return carries nothing to trust', () => {
    assert.equal(
      triveneto.readReturn(testAccount, signedNotification(testAccount, request, 'CAPTURED')),
      null,
    );
  });
});

describe('Triveneto offline account', () => {
  it('checks udf4 with the secret alone', () => {
    const notification = signedNotification(testAccount, request, 'CAPTURED');
    const offline = triveneto.offlineAccount({
      request: notification,
      secret: testAccount.credentials.secret,
    });
    assert.deepEqual(
      triveneto.verifyNotification(offline, notification),
      triveneto.verifyNotification(testAccount, notification),
    );
    const auth = withCredentials(testAccount, { action: 'authorization' });
    const approved = signedNotification(auth, request, 'APPROVED');
    const offlineAuth = triveneto.offlineAccount({ request: approved, secret: auth.credentials.secret });
    assert.equal(signalOf(triveneto.verifyNotification(offlineAuth, approved)).status, 'authorized');
    assert.throws(() => triveneto.offlineAccount({ request: notification, secret: '' }));
    assert.throws(() => triveneto.offlineAccount({ request: notification, secret: 's', algorithm: 'sha1' }));
  });
});
