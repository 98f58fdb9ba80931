import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeferredCheck } from '../gateway.js';
import { encodeFields, io, ipnFields, ipnRequest, stubPostback, TXN, testAccount } from './fixtures/ipns.js';
import { verifyPaypalNotification } from './notification.js';
import { fetchPaypalBack, POSTBACK_PREFIX, postbackBody } from './postback.js';

const raw = ipnRequest({ charset: 'windows-1252', item_name: 'Crème brûlée' });
const check = verifyPaypalNotification(testAccount, raw) as DeferredCheck;
const stored = { body: raw.body, bodyTruncated: false };

describe('paypal postback', () => {
  it('is cmd=_notify-validate& followed by the raw bytes, unchanged', () => {
    const body = Buffer.from(postbackBody(raw.body));
    assert.equal(body.subarray(0, POSTBACK_PREFIX.length).toString('ascii'), 'cmd=_notify-validate&');
    assert.ok(body.subarray(POSTBACK_PREFIX.length).equals(Buffer.from(raw.body)));
  });

  it('posts those bytes as a form to the verify URL, and VERIFIED makes the IPN the truth', async () => {
    assert.equal(check.kind, 'deferred');
    const stub = stubPostback('VERIFIED');
    const answer = await fetchPaypalBack(testAccount, check, io(stub.fetch), stored);
    assert.equal(answer.kind, 'found');
    assert.ok(answer.kind === 'found');
    assert.equal(answer.signals[0]?.status, 'captured');
    assert.equal(answer.signals[0]?.gatewayRef, TXN);
    const [call] = stub.calls;
    assert.equal(call?.url, 'https://paypal.test/cgi-bin/webscr');
    assert.equal(call?.init?.method, 'POST');
    const headers = call?.init?.headers as Record<string, string>;
    assert.equal(headers['content-type'], 'application/x-www-form-urlencoded');
    assert.ok(headers['user-agent']);
    assert.ok(call?.body.equals(Buffer.concat([Buffer.from(POSTBACK_PREFIX), Buffer.from(raw.body)])));
  });

  it('INVALID: PayPal did not send it (not-found)', async () => {
    const answer = await fetchPaypalBack(testAccount, check, io(stubPostback('INVALID').fetch), stored);
    assert.equal(answer.kind, 'not-found');
    assert.ok(answer.kind === 'not-found' && /INVALID/.test(answer.reason));
  });

  it('retries anything else: another word, an HTTP error, a network failure', async () => {
    for (const fetch of [
      stubPostback('<html>maintenance</html>').fetch,
      stubPostback(() => new Response('VERIFIED', { status: 503 })).fetch,
      stubPostback(() => Promise.reject(new TypeError('fetch failed'))).fetch,
    ]) {
      const answer = await fetchPaypalBack(testAccount, check, io(fetch), stored);
      assert.ok(
        answer.kind === 'failed' && answer.retryable && answer.code === 'GATEWAY_UNAVAILABLE',
        JSON.stringify(answer),
      );
    }
  });

  it('cannot post back a truncated or absent body: a failure for a person, not a retry', async () => {
    const stub = stubPostback('VERIFIED');
    const truncated = await fetchPaypalBack(testAccount, check, io(stub.fetch), {
      ...stored,
      bodyTruncated: true,
    });
    assert.ok(truncated.kind === 'failed' && !truncated.retryable && truncated.code === 'BODY_TOO_LARGE');
    const none = await fetchPaypalBack(testAccount, check, io(stub.fetch));
    assert.ok(none.kind === 'failed' && !none.retryable);
    assert.equal(stub.calls.length, 0, 'nothing was posted');
  });

  it('a stored body that no longer reads as ours is not posted', async () => {
    const stub = stubPostback('VERIFIED');
    const other = encodeFields(ipnFields({ receiver_email: 'other@example.com' }));
    const answer = await fetchPaypalBack(testAccount, check, io(stub.fetch), {
      body: other,
      bodyTruncated: false,
    });
    assert.ok(answer.kind === 'failed' && !answer.retryable && answer.code === 'SITE_MISMATCH');
    assert.equal(stub.calls.length, 0);
  });
});
