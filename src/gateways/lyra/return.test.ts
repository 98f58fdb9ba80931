import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeForm } from '../_shared/form-codec.js';
import type { RawRequest } from '../gateway.js';
import { checkoutRequest, formPost, notificationFields, testAccount } from './fixtures/notification.js';
import { lyra } from './index.js';

const request = checkoutRequest();
const fields = notificationFields(testAccount, request, 'AUTHORISED');

function browserGet(query: string): RawRequest {
  return {
    method: 'GET',
    path: '/r/pay_01jq4m2k7n8p9r0s1t2v3w4x5y',
    query,
    headers: { accept: 'text/html' },
    body: new Uint8Array(),
    sourceIp: '203.0.113.50',
    receivedAt: new Date('2026-03-14T23:06:10Z'),
  };
}

describe('Lyra return', () => {
  it('reads the signed fields of a POST return', () => {
    const verdict = lyra.readReturn(testAccount, { ...formPost(fields), query: 'lang=fr' });
    assert.ok(verdict?.kind === 'verified');
    assert.equal(verdict.signals.length, 1);
    assert.equal(verdict.signals[0]?.source, 'return');
    assert.equal(verdict.signals[0]?.status, 'authorized');
    assert.equal(verdict.signals[0]?.lookup.merchantRef, request.merchantRef);
  });

  it('reads the signed fields of a GET return', () => {
    const verdict = lyra.readReturn(testAccount, browserGet(encodeForm(fields)));
    assert.ok(verdict?.kind === 'verified');
    assert.equal(verdict.signals[0]?.source, 'return');
    assert.equal(verdict.signals[0]?.status, 'authorized');
  });

  it('says the return is from the browser in its reasons', () => {
    const verdict = lyra.readReturn(
      testAccount,
      browserGet(encodeForm({ ...fields, vads_trans_status: 'CAPTURED' })),
    );
    assert.equal(verdict?.kind, 'rejected');
    assert.match(verdict?.kind === 'rejected' ? verdict.reason : '', /^The return's signature/);
  });

  it('finds nothing to trust in a plain return', () => {
    assert.equal(lyra.readReturn(testAccount, browserGet('')), null);
    assert.equal(lyra.readReturn(testAccount, browserGet('lang=fr&utm_source=mail')), null);
    assert.equal(lyra.readReturn(testAccount, { ...formPost('{"a":1}', 'application/json') }), null);
  });

  it('does not take vads_ fields without a signature for nothing', () => {
    const { signature: _, ...unsigned } = fields;
    const verdict = lyra.readReturn(testAccount, browserGet(encodeForm(unsigned)));
    assert.equal(verdict?.kind === 'rejected' && verdict.code, 'SIGNATURE_MISSING');
  });

  it('refuses a return it cannot decode', () => {
    const verdict = lyra.readReturn(testAccount, browserGet('vads_amount=%E9'));
    assert.equal(verdict?.kind === 'unparseable' && verdict.code, 'MALFORMED_BODY');
  });
});
