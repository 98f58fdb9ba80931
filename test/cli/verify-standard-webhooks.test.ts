import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secretKey, signStandardWebhook } from '../../src/gateways/standard-webhooks/signature.js';
import { runCli } from './run-cli.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const BODY = JSON.stringify({
  type: 'payment.succeeded',
  data: { id: 'txn_1', reference: 'pay_1', status: 'succeeded', amount: 1250, currency: 'EUR' },
});
const SIGNATURE = signStandardWebhook(secretKey(SECRET) as Buffer, 'msg_1', 1_700_000_000, Buffer.from(BODY));
const HEADERS = [
  '--header',
  'webhook-id: msg_1',
  '--header',
  'Webhook-Timestamp: 1700000000',
  '--header',
  `webhook-signature: ${SIGNATURE}`,
];

describe('quittance verify standard-webhooks (--header, --now)', () => {
  it('checks the signed headers against the clock given: valid within 300 s, with the signal', () => {
    const r = runCli(
      ['verify', 'standard-webhooks', '--secret', SECRET, ...HEADERS, '--now', '1700000300'],
      BODY,
    );
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.valid, true);
    assert.equal(out.signals[0].status, 'captured');
    assert.equal(out.signals[0].facts['webhook-id'], 'msg_1');
  });

  it('says stale beyond the tolerance, mismatch with another secret, missing without the headers', () => {
    const stale = runCli(
      ['verify', 'standard-webhooks', '--secret', SECRET, ...HEADERS, '--now', '1700000301'],
      BODY,
    );
    assert.equal(stale.status, 1);
    assert.equal(JSON.parse(stale.stdout).code, 'TIMESTAMP_OUT_OF_TOLERANCE');
    const other = 'whsec_b3RoZXItc2VuZGVyLXNlY3JldC0wMDAwMDAwMA==';
    const wrong = runCli(
      ['verify', 'standard-webhooks', '--secret', other, ...HEADERS, '--now', '1700000000'],
      BODY,
    );
    assert.equal(JSON.parse(wrong.stdout).code, 'SIGNATURE_MISMATCH');
    assert.ok(!wrong.stdout.includes(other));
    const bare = runCli(['verify', 'standard-webhooks', '--secret', SECRET], BODY);
    assert.equal(JSON.parse(bare.stdout).code, 'SIGNATURE_MISSING');
  });

  it('refuses a malformed --header or --now as a usage error', () => {
    assert.equal(
      runCli(['verify', 'standard-webhooks', '--secret', SECRET, '--header', 'no colon'], BODY).status,
      2,
    );
    assert.equal(
      runCli(['verify', 'standard-webhooks', '--secret', SECRET, '--now', 'yesterday'], BODY).status,
      2,
    );
  });
});
