import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIVE_KEY, TEST_KEY, testAccount, webhook } from './fixtures/payments.js';
import { mollie } from './index.js';

describe('Mollie adapter: account and options', () => {
  it('credentials are strict: an API key of either mode, an optional apiBase, nothing else', () => {
    assert.ok(mollie.credentialsSchema.safeParse({ apiKey: TEST_KEY }).success);
    assert.ok(
      mollie.credentialsSchema.safeParse({ apiKey: LIVE_KEY, apiBase: 'http://127.0.0.1:9' }).success,
    );
    assert.equal(mollie.credentialsSchema.safeParse({ apiKey: 'sk_test_abc' }).success, false);
    assert.equal(mollie.credentialsSchema.safeParse({ apiKey: TEST_KEY, apiBsae: 'x' }).success, false);
    assert.deepEqual([...mollie.secretFields], ['apiKey']);
  });

  it('refuses a key of the other mode than the account, both ways', () => {
    assert.equal(mollie.accountProblem?.(testAccount), undefined);
    assert.match(
      mollie.accountProblem?.({ ...testAccount, credentials: { apiKey: LIVE_KEY } }) ?? '',
      /LIVE Mollie API key, but the account is in test mode/,
    );
    assert.match(
      mollie.accountProblem?.({ ...testAccount, mode: 'live' }) ?? '',
      /TEST Mollie API key, but the account is live.*live_…/,
    );
  });

  it('publishes no source addresses and takes Mollie’s currencies only', () => {
    assert.deepEqual([...mollie.sourceIps], []);
    assert.equal(mollie.supportsCurrency('EUR'), true);
    assert.equal(mollie.supportsCurrency('JPY'), true);
    assert.equal(mollie.supportsCurrency('XOF'), false);
  });

  it('offlineAccount takes the API key (its prefix sets the mode) and refuses an algorithm', () => {
    const request = webhook();
    assert.equal(mollie.offlineAccount({ request, secret: LIVE_KEY }).mode, 'live');
    assert.equal(mollie.offlineAccount({ request, secret: TEST_KEY }).mode, 'test');
    assert.throws(() => mollie.offlineAccount({ request, secret: 'whsec_x' }), /Mollie API key/);
    assert.throws(
      () => mollie.offlineAccount({ request, secret: TEST_KEY, algorithm: 'sha1' }),
      /no algorithm/,
    );
  });

  it('createPayment is not the way: initPayment is', () => {
    assert.throws(() => mollie.createPayment(testAccount, {} as never), /initPayment/);
  });
});
