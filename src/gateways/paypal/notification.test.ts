import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipnRequest, OUR_ID, RECEIVER, TXN, testAccount } from './fixtures/ipns.js';
import { verifyPaypalNotification } from './notification.js';

const live = { ...testAccount, mode: 'live' as const };

describe('verifyPaypalNotification', () => {
  it('defers a well-formed IPN for ours to the postback: resource txn_id, claimed status, lookup', () => {
    const check = verifyPaypalNotification(testAccount, ipnRequest());
    assert.deepEqual(check, {
      kind: 'deferred',
      resource: TXN,
      claimed: 'captured',
      lookup: { gatewayRef: TXN, paymentId: OUR_ID, merchantRef: OUR_ID },
    });
  });

  it('compares receiver_email without case', () => {
    const check = verifyPaypalNotification(
      testAccount,
      ipnRequest({ receiver_email: RECEIVER.toUpperCase() }),
    );
    assert.equal(check.kind, 'deferred');
  });

  it('refuses an IPN for another receiver (e-mail or merchant id) as SITE_MISMATCH', () => {
    for (const overrides of [
      { receiver_email: 'other@example.com' },
      { receiver_id: 'OTHERMERCHANT' },
      { receiver_email: undefined },
    ]) {
      const check = verifyPaypalNotification(testAccount, ipnRequest(overrides));
      assert.equal(check.kind, 'rejected', JSON.stringify(overrides));
      assert.ok(check.kind === 'rejected' && check.code === 'SITE_MISMATCH');
    }
  });

  it('refuses a sandbox IPN on a live account and a live IPN on a test account (MODE_MISMATCH)', () => {
    const sandboxOnLive = verifyPaypalNotification(live, ipnRequest());
    assert.ok(sandboxOnLive.kind === 'rejected' && sandboxOnLive.code === 'MODE_MISMATCH');
    assert.match(sandboxOnLive.reason, /sandbox/);
    const liveOnTest = verifyPaypalNotification(testAccount, ipnRequest({ test_ipn: undefined }));
    assert.ok(liveOnTest.kind === 'rejected' && liveOnTest.code === 'MODE_MISMATCH');
    assert.equal(verifyPaypalNotification(live, ipnRequest({ test_ipn: undefined })).kind, 'deferred');
  });

  it('answers unparseable, with the code, for what cannot be read', () => {
    const check = verifyPaypalNotification(testAccount, ipnRequest({ charset: 'UTF-7' }));
    assert.ok(check.kind === 'unparseable' && check.code === 'INVALID_FIELD');
  });
});
