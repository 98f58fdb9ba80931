import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuittanceError } from '../../core/index.js';
import {
  checkoutRequest,
  formPost,
  notificationFields,
  testAccount,
  withCredentials,
} from './fixtures/notification.js';
import { lyra } from './index.js';

const KEY = testAccount.credentials.key;
const live = { ...testAccount, mode: 'live' as const };

describe('Lyra offline account (quittance verify)', () => {
  it('reads the shop and the mode from the message', () => {
    const request = formPost(notificationFields(live, checkoutRequest(), 'CAPTURED'));
    const account = lyra.offlineAccount({ request, secret: KEY });
    assert.equal(account.mode, 'live');
    assert.equal(account.credentials.siteId, '12345678');
    assert.equal(lyra.verifyNotification(account, request).kind, 'verified');
  });

  it('tries both algorithms unless one is named', () => {
    const sha1 = formPost(
      notificationFields(withCredentials(testAccount, { algorithm: 'sha1' }), checkoutRequest(), 'REFUSED'),
    );
    assert.equal(
      lyra.verifyNotification(lyra.offlineAccount({ request: sha1, secret: KEY }), sha1).kind,
      'verified',
    );
    const sha1Only = lyra.offlineAccount({ request: sha1, secret: KEY, algorithm: 'sha1' });
    assert.equal(lyra.verifyNotification(sha1Only, sha1).kind, 'verified');
    const hmacOnly = lyra.offlineAccount({ request: sha1, secret: KEY, algorithm: 'hmac-sha-256' });
    assert.equal(lyra.verifyNotification(hmacOnly, sha1).kind, 'rejected');
  });

  it('refuses an unknown algorithm or an empty key', () => {
    const request = formPost(notificationFields(testAccount, checkoutRequest(), 'CAPTURED'));
    assert.throws(() => lyra.offlineAccount({ request, secret: KEY, algorithm: 'md5' }), QuittanceError);
    assert.throws(() => lyra.offlineAccount({ request, secret: '' }), QuittanceError);
  });

  it('still gives an account for a message it cannot read, so verifying says why', () => {
    const request = formPost('%zz');
    const verdict = lyra.verifyNotification(lyra.offlineAccount({ request, secret: KEY }), request);
    assert.equal(verdict.kind === 'unparseable' && verdict.code, 'MALFORMED_BODY');
  });
});
