import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
// The oracle: the reference library of the spec's authors. Test-only; runtime code verifies by itself.
import { Webhook } from 'standardwebhooks';
import { money } from '../../src/core/index.js';
import type { CheckoutRequest } from '../../src/gateways/gateway.js';
import { signedRequest, testAccount } from '../../src/gateways/standard-webhooks/fixtures.js';
import { standardWebhooks } from '../../src/gateways/standard-webhooks/index.js';
import { checkSignature } from '../../src/gateways/standard-webhooks/notification.js';

const NUM_RUNS = 1000;
/** The library reads Date.now(); it is pinned here so both sides judge the same instant. */
const NOW_SECONDS = 1_777_777_777;

const secretArb = fc
  .uint8Array({ minLength: 1, maxLength: 64 })
  .map((bytes) => `whsec_${Buffer.from(bytes).toString('base64')}`);
const idArb = fc.stringMatching(/^msg_[A-Za-z0-9_.-]{1,40}$/);
/** Any text (lone surrogates become U+FFFD on both sides, as UTF-8 encoding does). */
const bodyArb = fc.oneof(fc.json(), fc.string({ unit: 'binary', maxLength: 300 }));
/** Both sides of each boundary, the common case, and far away. */
const skewArb = fc.oneof(
  fc.constantFrom(-301, -300, -299, 0, 299, 300, 301),
  fc.integer({ min: -310, max: 310 }),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
);

type Mutation = 'none' | 'body' | 'id' | 'timestamp' | 'wrong-secret' | 'rotation' | 'noise-entries';
const mutationArb = fc.constantFrom<Mutation>(
  'none',
  'body',
  'id',
  'timestamp',
  'wrong-secret',
  'rotation',
  'noise-entries',
);

function oracleAccepts(secret: string, body: Buffer, headers: Record<string, string>): boolean {
  try {
    new Webhook(secret).verify(body, headers, { jsonParse: false });
    return true;
  } catch {
    return false;
  }
}

function oracleSign(secret: string, id: string, timestamp: number, body: Buffer): string {
  return new Webhook(secret).sign(id, new Date(timestamp * 1000), body);
}

describe('standard-webhooks: our verdict equals the standardwebhooks library (1.1.1)', () => {
  const realNow = Date.now;
  before(() => {
    Date.now = () => NOW_SECONDS * 1000 + 123;
  });
  after(() => {
    Date.now = realNow;
  });

  it('published vector: the spec library test "sign function works"', () => {
    const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
    const body = Buffer.from('{"test": 2432232314}');
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const expected = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
    assert.equal(oracleSign(secret, id, 1614265330, body), expected);
    const headers = { 'webhook-id': id, 'webhook-timestamp': '1614265330', 'webhook-signature': expected };
    assert.deepEqual(checkSignature(headers, body, [secret], 1614265330, 300), {
      ok: true,
      id,
      timestamp: 1614265330,
    });
    assert.equal(checkSignature(headers, body, [secret], 1614265330 + 301, 300).ok, false);
  });

  it(`random messages, secrets, clocks and tampering: the same verdict (${NUM_RUNS} cases)`, () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(
        secretArb,
        secretArb,
        idArb,
        bodyArb,
        skewArb,
        mutationArb,
        (secret, other, id, text, skew, mutation) => {
          fc.pre(secret !== other);
          const body = Buffer.from(text, 'utf8');
          const timestamp = NOW_SECONDS + skew;
          const signer = mutation === 'wrong-secret' ? other : secret;
          let signature = oracleSign(signer, id, timestamp, body);
          if (mutation === 'rotation') signature = `${oracleSign(other, id, timestamp, body)} ${signature}`;
          if (mutation === 'noise-entries') signature = `v1a,${'A'.repeat(86)}== v2,xyz ${signature}`;
          const headers = {
            'webhook-id': mutation === 'id' ? `${id}x` : id,
            'webhook-timestamp': String(mutation === 'timestamp' ? timestamp + 1 : timestamp),
            'webhook-signature': signature,
          };
          const received = mutation === 'body' ? Buffer.concat([body, Buffer.from(' ')]) : body;
          const ours = checkSignature(headers, received, [secret], NOW_SECONDS, 300).ok;
          assert.equal(ours, oracleAccepts(secret, received, headers), JSON.stringify({ mutation, skew }));
          const key = `${mutation}:${ours}`;
          seen.set(key, (seen.get(key) ?? 0) + 1);
        },
      ),
      { numRuns: NUM_RUNS },
    );
    // Both verdicts were met, valid and stale both: the property was not vacuous.
    assert.ok(seen.get('none:true'), 'some valid messages');
    assert.ok(seen.get('none:false'), 'some messages outside the window');
    assert.ok(seen.get('body:false') && !seen.get('body:true'), 'a tampered body never verifies');
  });

  it(`with two secrets (rotation), we accept exactly what the library accepts with either (${NUM_RUNS} cases)`, () => {
    fc.assert(
      fc.property(
        secretArb,
        secretArb,
        secretArb,
        idArb,
        bodyArb,
        skewArb,
        (current, previous, signer, id, text, skew) => {
          const body = Buffer.from(text, 'utf8');
          const timestamp = NOW_SECONDS + skew;
          const pick = [current, previous, signer][Math.abs(skew) % 3] as string;
          const headers = {
            'webhook-id': id,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': oracleSign(pick, id, timestamp, body),
          };
          const ours = checkSignature(headers, body, [current, previous], NOW_SECONDS, 300).ok;
          const oracle = oracleAccepts(current, body, headers) || oracleAccepts(previous, body, headers);
          assert.equal(ours, oracle);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it(`the adapter verifies every payload the library signs, with its signal (${NUM_RUNS} cases)`, () => {
    const secret = testAccount.credentials.secret;
    fc.assert(
      fc.property(
        idArb,
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.constantFrom('succeeded', 'failed', 'canceled', 'authorized'),
        fc.integer({ min: -300, max: 300 }),
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 4 }),
        (id, value, status, skew, extra) => {
          const request: CheckoutRequest = {
            paymentId: 'pay_oracle1',
            orderRef: 'ORDER-1',
            merchantRef: 'pay_oracle1',
            amount: money(value, 'EUR'),
            now: new Date(NOW_SECONDS * 1000),
            urls: {
              notify: 'https://q.example/n',
              return: 'https://q.example/r',
              wait: 'https://q.example/w',
            },
          };
          const body = JSON.stringify({
            ...extra,
            type: `payment.${status}`,
            data: { id: 'txn_1', reference: request.merchantRef, status, amount: value, currency: 'EUR' },
          });
          const timestamp = NOW_SECONDS + skew;
          const raw = signedRequest(body, {
            id,
            timestamp,
            receivedAt: new Date(NOW_SECONDS * 1000 + 123),
            signature: oracleSign(secret, id, timestamp, Buffer.from(body)),
          });
          assert.ok(oracleAccepts(secret, Buffer.from(body), raw.headers as Record<string, string>));
          const verdict = standardWebhooks.verifyNotification(testAccount, raw);
          assert.equal(verdict.kind, 'verified', verdict.kind === 'verified' ? '' : verdict.reason);
          const [signal] = verdict.kind === 'verified' ? verdict.signals : [];
          assert.deepEqual(signal?.amount, request.amount);
          assert.equal(signal?.lookup.merchantRef, request.merchantRef);
          assert.equal(signal?.facts?.['webhook-id'], id);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
