import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findAdapter } from '../registry.js';
import { talerCredentialsSchema } from './credentials.js';
import { testAccount, webhook } from './fixtures/orders.js';
import { taler } from './index.js';

describe('taler adapter', () => {
  it('is registered', () => {
    assert.equal(findAdapter('taler'), taler);
    assert.deepEqual(taler.secretFields, ['token']);
  });

  it('validates credentials strictly', () => {
    assert.ok(talerCredentialsSchema.safeParse(testAccount.credentials).success);
    assert.ok(talerCredentialsSchema.safeParse({ backendUrl: 'http://127.0.0.1:9/', token: 't' }).success);
    for (const bad of [
      { backendUrl: 'ftp://x/', token: 't' },
      { backendUrl: 'https://u:p@x/', token: 't' },
      { backendUrl: 'https://x/?a=1', token: 't' },
      { backendUrl: 'https://x/', token: '' },
      { backendUrl: 'https://x/', token: 'has space' },
      { backendUrl: 'https://x/', token: 't', currency: 'eur' },
      { backendUrl: 'https://x/', token: 't', tokn: 'typo' },
      { backendUrl: 'https://x/', token: 't', payDeadlineSeconds: 0 },
    ]) {
      assert.equal(talerCredentialsSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });

  it('answers currencies a Taler amount can carry', () => {
    assert.ok(taler.supportsCurrency('EUR'));
    assert.ok(taler.supportsCurrency('KUDOS'));
    assert.ok(!taler.supportsCurrency('eur'));
    assert.ok(!taler.supportsCurrency('ABCDEFGHIJKL'));
  });

  it('our payment id is the order id; createPayment says to use initPayment', () => {
    assert.equal(taler.merchantRef({ paymentId: 'pay_x', now: new Date(), dailySequence: 1 }), 'pay_x');
    assert.throws(() => taler.createPayment(testAccount, {} as never), /initPayment/);
    assert.equal(taler.readReturn(testAccount, webhook({})), null);
  });

  it('replies 200 to accepted, 4xx to refused, 503 when nothing was stored', () => {
    assert.equal(taler.reply({ kind: 'accepted', detail: 'stored' }).status, 200);
    assert.equal(
      taler.reply({ kind: 'rejected', code: 'MALFORMED_BODY', status: 400, detail: 'x' }).status,
      400,
    );
    assert.equal(taler.reply({ kind: 'rejected', code: 'INTERNAL', status: 500, detail: 'x' }).status, 400);
    assert.equal(taler.reply({ kind: 'unavailable', detail: 'db' }).status, 503);
  });

  it('offlineAccount takes the token as the secret and refuses an algorithm', () => {
    const account = taler.offlineAccount({ request: webhook({}), secret: 'secret-token:ABC' });
    assert.equal(account.credentials.token, 'secret-token:ABC');
    assert.throws(
      () => taler.offlineAccount({ request: webhook({}), secret: 'x', algorithm: 'sha1' }),
      /not signed/,
    );
    assert.throws(() => taler.offlineAccount({ request: webhook({}), secret: 'with space' }), /access token/);
  });
});
