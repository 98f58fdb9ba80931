import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hmacValidator } from '@adyen/api-library';
import fc from 'fast-check';
import type { AdyenCredentials } from '../../src/gateways/adyen/credentials.js';
import { PUBLISHED_KEY, rawNotification, testAccount } from '../../src/gateways/adyen/fixtures.js';
import { adyenSigningString, isAdyenSignatureValid } from '../../src/gateways/adyen/hmac.js';
import { adyen } from '../../src/gateways/adyen/index.js';
import type { GatewayAccount } from '../../src/gateways/gateway.js';

/**
 * The official library (@adyen/api-library 32.1.0, `hmacValidator`) as an independent oracle: for random items and
 * keys, the adapter accepts exactly what `validateHMAC` accepts — valid, tampered fields, tampered signatures, wrong
 * keys, and a rotation with two keys (the library checks one key: accepted = valid under either). Runtime code never
 * imports the library.
 */
const NUM_RUNS = 1000;
const official = new hmacValidator();

type Item = Record<string, unknown> & {
  amount: { value: number; currency: string };
  additionalData: Record<string, string>;
};

/** The library throws when hmacSignature is absent or empty: that is a refusal. */
function officialAccepts(item: Item, key: string): boolean {
  try {
    return official.validateHMAC(item as never, key);
  } catch {
    return false;
  }
}

function sign(item: Item, key: string): Item {
  const unsigned = { ...item, additionalData: { ...item.additionalData } };
  delete unsigned.additionalData.hmacSignature;
  const signature = official.calculateHmac(unsigned as never, key);
  return { ...unsigned, additionalData: { ...unsigned.additionalData, hmacSignature: signature } };
}

const hexKey = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((bytes) => Buffer.from(bytes).toString('hex'))
  .chain((hex) => fc.constantFrom(hex, hex.toUpperCase()));

/** Free text as Adyen fields may carry it: colons, backslashes, non-ASCII, empty. */
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ':', '\\:', 'a:b', 'é€😀'),
);

const EVENTS = ['AUTHORISATION', 'CAPTURE', 'CANCELLATION', 'REFUND', 'CAPTURE_FAILED', 'REPORT_AVAILABLE'];

const item: fc.Arbitrary<Item> = fc.record({
  pspReference: fc.stringMatching(/^[A-Z0-9]{16}$/),
  originalReference: fc.oneof(fc.constant(''), fc.stringMatching(/^[A-Z0-9]{16}$/)),
  merchantAccountCode: fc.constant(testAccount.credentials.merchantAccount),
  merchantReference: text.filter((s) => s.length > 0),
  amount: fc.record({
    value: fc.nat({ max: 10_000_000 }),
    currency: fc.constantFrom('EUR', 'USD', 'JPY', 'KWD'),
  }),
  eventCode: fc.constantFrom(...EVENTS),
  success: fc.constantFrom('true', 'false'),
  eventDate: fc.constant('2026-03-14T23:06:11+01:00'),
  reason: text,
  additionalData: fc.record({ authCode: fc.stringMatching(/^\d{6}$/) }),
});

/** The adapter's verdict on a notification carrying `items`, for an account holding `keys`. */
function adapterAccepts(items: readonly Item[], keys: readonly [string, string?]): boolean {
  const account: GatewayAccount<AdyenCredentials> = {
    ...testAccount,
    credentials: {
      ...testAccount.credentials,
      hmacKey: keys[0],
      previousHmacKey: keys[1],
    },
  };
  const verdict = adyen.verifyNotification(account, rawNotification(items));
  assert.notEqual(verdict.kind, 'unparseable', JSON.stringify(verdict));
  return verdict.kind === 'verified';
}

/** One byte of a signed field changed (or a field removed), as an attacker would. */
const tamper = fc.record({
  field: fc.constantFrom(
    'pspReference',
    'originalReference',
    'merchantReference',
    'value',
    'currency',
    'eventCode',
    'success',
  ),
  salt: fc.string({ minLength: 1, maxLength: 3 }),
});

function tampered(signed: Item, how: { field: string; salt: string }): Item {
  const copy: Item = { ...signed, amount: { ...signed.amount } };
  switch (how.field) {
    case 'value':
      copy.amount.value = signed.amount.value + 1;
      break;
    case 'currency':
      copy.amount.currency = signed.amount.currency === 'EUR' ? 'USD' : 'EUR';
      break;
    case 'success':
      copy.success = signed.success === 'true' ? 'false' : 'true';
      break;
    case 'eventCode':
      copy.eventCode = signed.eventCode === 'REFUND' ? 'CAPTURE' : 'REFUND';
      break;
    default:
      copy[how.field] = `${String(signed[how.field])}${how.salt}`;
  }
  return copy;
}

describe('adyen oracle: @adyen/api-library hmacValidator', () => {
  it('the published vector, through the library and the adapter', () => {
    const vector = {
      pspReference: 'pspReference',
      originalReference: 'originalReference',
      merchantAccountCode: 'merchantAccount',
      merchantReference: 'reference',
      amount: { value: 1000, currency: 'EUR' },
      eventCode: 'REPORT_AVAILABLE',
      success: 'true',
      additionalData: { hmacSignature: 'ZNBPtI+oDyyRrLyD1XirkKnQgIAlFc07Vj27TeHsDRE=' },
    };
    assert.equal(official.validateHMAC(vector as never, PUBLISHED_KEY), true);
    assert.equal(official.calculateHmac(vector as never, PUBLISHED_KEY), vector.additionalData.hmacSignature);
    assert.equal(
      isAdyenSignatureValid([PUBLISHED_KEY], adyenSigningString(vector), vector.additionalData.hmacSignature),
      true,
    );
  });

  it('the signing string equals the library’s for random items', () => {
    fc.assert(
      fc.property(item, (it) => {
        assert.equal(adyenSigningString(it), official.getDataToSign(it as never));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('valid, tampered and wrong-key notifications: the same verdict as the library', () => {
    fc.assert(
      fc.property(
        item,
        hexKey,
        hexKey,
        fc.constantFrom('valid', 'tampered', 'wrong-key', 'unsigned'),
        tamper,
        (base, key, otherKey, kind, how) => {
          fc.pre(key.toLowerCase() !== otherKey.toLowerCase());
          let signed = sign(base, kind === 'wrong-key' ? otherKey : key);
          if (kind === 'tampered') signed = tampered(signed, how);
          if (kind === 'unsigned') signed = { ...signed, additionalData: { authCode: '000000' } };
          // Through JSON, as a handler gets it.
          const received = JSON.parse(JSON.stringify(signed)) as Item;
          const expected = officialAccepts(received, key);
          assert.equal(adapterAccepts([received], [key]), expected, `${kind}: ${JSON.stringify(received)}`);
          assert.equal(expected, kind === 'valid');
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('altered signatures (a character changed, padding dropped, appended text): the same verdict as the library', () => {
    fc.assert(
      fc.property(
        item,
        hexKey,
        fc.nat({ max: 43 }),
        fc.constantFrom(...'ABCabc012+/=._- '.split('')),
        fc.constantFrom('replace', 'drop-padding', 'append'),
        (base, key, position, char, kind) => {
          const signed = sign(base, key);
          const signature = signed.additionalData.hmacSignature as string;
          const altered =
            kind === 'replace'
              ? signature.slice(0, position) + char + signature.slice(position + 1)
              : kind === 'drop-padding'
                ? signature.replace(/=+$/, '')
                : signature + char;
          const received = {
            ...signed,
            additionalData: { ...signed.additionalData, hmacSignature: altered },
          };
          assert.equal(
            adapterAccepts([received], [key]),
            officialAccepts(received, key),
            `${kind} ${altered}`,
          );
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('rotation: two keys configured, signed with either or neither, accepted iff the library accepts under one', () => {
    fc.assert(
      fc.property(
        item,
        hexKey,
        hexKey,
        hexKey,
        fc.nat({ max: 2 }),
        (base, current, previous, stranger, which) => {
          const signer = [current, previous, stranger][which] as string;
          const signed = sign(base, signer);
          const expected = officialAccepts(signed, current) || officialAccepts(signed, previous);
          assert.equal(adapterAccepts([signed], [current, previous]), expected);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('batches: accepted iff the library accepts every item', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(item, fc.boolean()), { minLength: 1, maxLength: 5 }),
        hexKey,
        hexKey,
        (entries, key, otherKey) => {
          fc.pre(key.toLowerCase() !== otherKey.toLowerCase());
          const items = entries.map(([it, good]) => sign(it, good ? key : otherKey));
          const expected = items.every((it) => officialAccepts(it, key));
          assert.equal(adapterAccepts(items, [key]), expected);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
