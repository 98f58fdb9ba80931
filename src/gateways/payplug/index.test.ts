import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findAdapter } from '../registry.js';
import { LIVE_KEY, notification, paidObject, TEST_KEY } from './fixtures/payments.js';
import { payplug } from './index.js';

describe('PayPlug adapter', () => {
  it('is registered', () => {
    assert.equal(findAdapter('payplug'), payplug);
  });

  it('credentials: a secret key, apiBase and apiVersion optional, nothing else', () => {
    assert.ok(payplug.credentialsSchema.safeParse({ secretKey: TEST_KEY }).success);
    assert.ok(
      payplug.credentialsSchema.safeParse({ secretKey: LIVE_KEY, apiBase: 'http://127.0.0.1:9' }).success,
    );
    const bad = [
      {},
      { secretKey: 'pk_test_abc' },
      { secretKey: 'sk_test_' },
      { secretKey: TEST_KEY, apiBase: 'ftp://x' },
      { secretKey: TEST_KEY, apiVersion: 'latest' },
      { secretKey: TEST_KEY, apiVersoin: '2019-08-06' },
    ];
    for (const credentials of bad) {
      assert.equal(
        payplug.credentialsSchema.safeParse(credentials).success,
        false,
        JSON.stringify(credentials),
      );
    }
    assert.deepEqual(payplug.secretFields, ['secretKey']);
  });

  it('replies 200 to accepted (deferred included), a 4xx to a refusal, 503 when unavailable', () => {
    assert.deepEqual(payplug.reply({ kind: 'accepted', detail: 'stored' }), {
      status: 200,
      contentType: 'text/plain; charset=utf-8',
      body: 'OK stored',
    });
    assert.equal(
      payplug.reply({ kind: 'rejected', code: 'MALFORMED_BODY', status: 400, detail: 'x' }).status,
      400,
    );
    assert.equal(payplug.reply({ kind: 'rejected', code: 'INTERNAL', status: 500, detail: 'x' }).status, 400);
    assert.equal(
      payplug.reply({ kind: 'rejected', code: 'MODE_MISMATCH', status: 500, detail: 'x' }).status,
      403,
    );
    assert.equal(payplug.reply({ kind: 'unavailable', detail: 'db' }).status, 503);
    assert.ok(Buffer.byteLength(payplug.reply({ kind: 'accepted', detail: 'é'.repeat(500) }).body) <= 199);
  });

  it('readReturn trusts nothing; merchantRef is our payment id', () => {
    assert.equal(payplug.readReturn({} as never, notification(paidObject())), null);
    assert.equal(payplug.merchantRef({ paymentId: 'pay_x', now: new Date(), dailySequence: 1 }), 'pay_x');
  });

  it('offlineAccount: mode from the key prefix; refuses a bad key or an algorithm', () => {
    const request = notification(paidObject());
    assert.equal(payplug.offlineAccount({ request, secret: TEST_KEY }).mode, 'test');
    assert.equal(payplug.offlineAccount({ request, secret: LIVE_KEY }).mode, 'live');
    assert.throws(() => payplug.offlineAccount({ request, secret: 'hunter2' }), /sk_test_… or sk_live_…/);
    assert.throws(
      () => payplug.offlineAccount({ request, secret: TEST_KEY, algorithm: 'sha1' }),
      /no algorithm/,
    );
    const account = payplug.offlineAccount({ request, secret: TEST_KEY });
    assert.equal(payplug.verifyNotification(account, request).kind, 'deferred');
  });
});
