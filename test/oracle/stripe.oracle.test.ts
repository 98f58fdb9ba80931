import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import Stripe from 'stripe';
import {
  eventOf,
  factsOf,
  objectFor,
  testAccount,
  webhookRequest,
  withCredentials,
} from '../../src/gateways/stripe/fixtures/events.js';
import { stripe as adapter } from '../../src/gateways/stripe/index.js';
import { checkStripeSignature } from '../../src/gateways/stripe/signature.js';

/**
 * The official library as an independent oracle (devDependency only; src/ never imports it): for random payloads,
 * secrets, clocks and tampering, our verdict on `Stripe-Signature` equals stripe-node's `constructEvent` (JSON
 * payloads) or `webhooks.signature.verifyHeader` (any text), with headers made by its `generateTestHeaderString`.
 * Several configured secrets (a roll) are accepted when stripe-node accepts the header under any one of them.
 */
const official = new Stripe('sk_test_oracle_never_used_on_the_network');
const signature = official.webhooks.signature as NonNullable<typeof official.webhooks.signature>;
const NUM_RUNS = 1500;
const BASE = 1_700_000_000;

const secretArb = fc
  .string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+/'.split('')),
    minLength: 1,
    maxLength: 48,
  })
  .map((tail) => `whsec_${tail}`);

interface Case {
  readonly payload: string;
  readonly json: boolean;
  readonly configured: readonly string[];
  readonly signers: readonly string[];
  readonly timestamp: number;
  readonly ageSeconds: number;
  readonly tolerance: number;
  readonly tamper: 'none' | 'append' | 'flip' | 'drop';
  readonly extraV0: boolean;
  readonly reversed: boolean;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    jsonPayload: fc.json({ maxDepth: 3 }),
    textPayload: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }),
    json: fc.boolean(),
    configured: fc.uniqueArray(secretArb, { minLength: 1, maxLength: 3 }),
    strangers: fc.array(secretArb, { maxLength: 2 }),
    pick: fc.array(fc.nat(), { maxLength: 3 }),
    offset: fc.nat({ max: 100_000_000 }),
    // Mostly near the tolerance's edges: fresh, just in, just out, far out, in the future.
    ageSeconds: fc.oneof(
      fc.integer({ min: -400, max: 400 }),
      fc.integer({ min: 295, max: 305 }),
      fc.integer({ min: 55, max: 65 }),
      fc.integer({ min: -100_000, max: 100_000 }),
    ),
    tolerance: fc.constantFrom(0, 60, 300, 600),
    tamper: fc.constantFrom('none', 'none', 'append', 'flip', 'drop'),
    extraV0: fc.boolean(),
    reversed: fc.boolean(),
  })
  .map((r) => {
    const signers = [...r.pick.map((i) => r.configured[i % r.configured.length] as string), ...r.strangers];
    return {
      payload: r.json ? r.jsonPayload : r.textPayload,
      json: r.json,
      configured: r.configured,
      signers,
      timestamp: BASE + r.offset,
      ageSeconds: r.ageSeconds,
      tolerance: r.tolerance,
      tamper: r.tamper,
      extraV0: r.extraV0,
      reversed: r.reversed,
    } satisfies Case;
  });

/** One header with a `v1` per signer, each made by the official generateTestHeaderString. */
function headerOf(c: Case): string {
  const v1s = c.signers.map((secret) => {
    const one = official.webhooks.generateTestHeaderString({
      payload: c.payload,
      secret,
      timestamp: c.timestamp,
    });
    const v1 = one.split(',').find((item) => item.startsWith('v1='));
    assert.ok(v1, one);
    return v1;
  });
  if (v1s.length === 0) v1s.push(`v1=${'0'.repeat(64)}`);
  if (c.reversed) v1s.reverse();
  return [`t=${c.timestamp}`, ...v1s, ...(c.extraV0 ? [`v0=${'ab'.repeat(32)}`] : [])].join(',');
}

function tampered(c: Case): string {
  switch (c.tamper) {
    case 'none':
      return c.payload;
    case 'append':
      return `${c.payload} `;
    case 'drop':
      return c.payload.length > 1 ? c.payload.slice(1) : `${c.payload}x`;
    case 'flip': {
      const chars = Array.from(c.payload);
      const i = Math.floor(chars.length / 2);
      chars[i] = chars[i] === 'a' ? 'b' : 'a';
      return chars.join('');
    }
  }
}

type Clock = Pick<Case, 'configured' | 'tolerance' | 'timestamp' | 'ageSeconds' | 'json'>;

function officialAccepts(c: Clock, header: string, received: string): boolean {
  const receivedAt = (c.timestamp + c.ageSeconds) * 1000;
  return c.configured.some((secret) => {
    try {
      if (c.json)
        official.webhooks.constructEvent(received, header, secret, c.tolerance, undefined, receivedAt);
      else signature.verifyHeader(received, header, secret, c.tolerance, undefined, receivedAt);
      return true;
    } catch {
      return false;
    }
  });
}

function weAccept(c: Clock, header: string, received: string): boolean {
  return checkStripeSignature({
    header,
    body: new TextEncoder().encode(received),
    secrets: c.configured,
    toleranceSeconds: c.tolerance,
    now: new Date((c.timestamp + c.ageSeconds) * 1000),
  }).ok;
}

describe('stripe oracle: stripe-node 23.1.0', () => {
  it('accepts exactly what constructEvent / verifyHeader accept (valid, tampered, stale, future, wrong secret, roll)', () => {
    const seen = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(caseArb, (c) => {
        const header = headerOf(c);
        const received = tampered(c);
        const expected = officialAccepts(c, header, received);
        assert.equal(weAccept(c, header, received), expected, JSON.stringify({ ...c, header }));
        seen[expected ? 'accepted' : 'rejected']++;
      }),
      { numRuns: NUM_RUNS },
    );
    // Both verdicts must be well represented, or the property proves little.
    assert.ok(seen.accepted > NUM_RUNS / 10 && seen.rejected > NUM_RUNS / 10, JSON.stringify(seen));
  });

  it('never accepts a header stripe-node refuses, whatever its items (junk, spaces, several t=)', () => {
    const item = fc.oneof(
      fc.constantFrom('t=', 't=abc', ' t=1', 'v1=', 'v1', '=', '', 'v0=00'),
      fc.nat({ max: 2_000_000_000 }).map((t) => `t=${t}`),
      fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `v1=${h}`),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(
        secretArb,
        fc.json(),
        fc.array(item, { maxLength: 6 }),
        fc.boolean(),
        (secret, payload, items, withGood) => {
          const timestamp = BASE + 1;
          const good = official.webhooks.generateTestHeaderString({ payload, secret, timestamp });
          const header = [...items, ...(withGood ? good.split(',') : [])].join(',');
          const c = {
            configured: [secret],
            tolerance: 300,
            timestamp,
            ageSeconds: 5,
            json: true,
          } satisfies Clock;
          if (weAccept(c, header, payload)) assert.ok(officialAccepts(c, header, payload), header);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('the adapter verifies a Stripe event exactly when the official library accepts it', () => {
    const types = [
      'checkout.session.completed',
      'payment_intent.succeeded',
      'charge.refunded',
      'checkout.session.expired',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...types),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.stringMatching(/^[A-Za-z0-9]{4,24}$/),
        fc.constantFrom('current', 'previous', 'stranger'),
        fc.integer({ min: -600, max: 900 }),
        fc.boolean(),
        (type, amount, tail, signer, age, tamper) => {
          const paymentId = `pay_${tail}`;
          const f = factsOf({
            paymentId,
            orderRef: `ORDER-${tail}`,
            merchantRef: paymentId,
            amount: { value: amount, currency: 'EUR' },
            now: new Date(),
            urls: {
              notify: 'https://q.example/n',
              return: 'https://q.example/r',
              wait: 'https://q.example/w',
            },
          });
          const body = eventOf(type, objectFor(type, f), `evt_${tail}`);
          const secret =
            signer === 'current'
              ? testAccount.credentials.webhookSecret
              : signer === 'previous'
                ? (testAccount.credentials.previousWebhookSecret as string)
                : 'whsec_stranger';
          const timestamp = BASE + 1000;
          const header = official.webhooks.generateTestHeaderString({ payload: body, secret, timestamp });
          const received = tamper ? body.replace(`"amount`, `"amount_`) : body;
          const receivedAt = new Date((timestamp + age) * 1000);
          const verdict = adapter.verifyNotification(
            withCredentials(testAccount, { toleranceSeconds: 300 }),
            webhookRequest(received, [], { header, receivedAt }),
          );
          const c = {
            configured: [
              testAccount.credentials.webhookSecret,
              testAccount.credentials.previousWebhookSecret as string,
            ],
            tolerance: 300,
            timestamp,
            ageSeconds: age,
            json: true,
          } satisfies Clock;
          assert.equal(
            verdict.kind === 'verified',
            officialAccepts(c, header, received),
            JSON.stringify(verdict),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('passes the published vector (protocols.md §6)', () => {
    const body = '{"id":"evt_test","object":"event"}';
    const expected = 't=1700000000,v1=8042376f6ca064adbe037642a718227dfd59047137eb49497a54c49eb0cfb724';
    assert.equal(
      official.webhooks.generateTestHeaderString({
        payload: body,
        secret: 'whsec_test_secret',
        timestamp: 1700000000,
      }),
      expected,
    );
    const check = checkStripeSignature({
      header: expected,
      body: new TextEncoder().encode(body),
      secrets: ['whsec_test_secret'],
      toleranceSeconds: 300,
      now: new Date(1700000100 * 1000),
    });
    assert.deepEqual(check, { ok: true, timestamp: 1700000000, secretIndex: 0 });
  });
});
