import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import type { DeferredCheck } from '../../src/gateways/gateway.js';
import { io, RECEIVER, rawIpn, stubPostback, testAccount } from '../../src/gateways/paypal/fixtures/ipns.js';
import {
  checkIpn,
  fetchPaypalBack,
  POSTBACK_PREFIX,
  postbackBody,
  readIpn,
  verifyPaypalNotification,
} from '../../src/gateways/paypal/index.js';
import { type MerchantServer, startMerchantServer } from '../../src/simulator/_shared/merchant.js';
import {
  type PaypalSimulator,
  payAsCustomer,
  SIM_ACCOUNT,
  startPaypalSimulator,
} from '../../src/simulator/paypal/index.js';

/**
 * PayPal publishes no Node library, so the independent party is an independent ENCODER: iconv-lite (devDependency,
 * its own charset tables) encodes random IPN fields in random charsets PayPal documents, a percent-escaper written
 * here escapes the bytes (randomly over-escaping, lower or upper hex, + or %20 for spaces), and we check that:
 * 1. readIpn decodes every field back to the original text;
 * 2. the postback body we send is `cmd=_notify-validate&` followed by the exact original bytes;
 * 3. the simulator's postback answers INVALID once any byte of a genuine IPN is changed (VERIFIED untouched), and our
 *    fetch-back then says not-found.
 *
 * Second opinion not used: the npm package `paypal-ipn` 3.0.0 (lib/paypal-ipn.js) takes the already-parsed fields,
 * re-serialises them with querystring.stringify (UTF-8 only, `cmd` appended LAST instead of first) and posts to the
 * hard-coded https hosts www.paypal.com / www.sandbox.paypal.com: it does not send the received bytes back, so it
 * cannot judge a byte-exact postback (and it cannot be pointed at a simulator).
 */
const NUM_RUNS = Number(process.env.PAYPAL_ORACLE_RUNS ?? 1000);

/**
 * Charsets in PayPal's list that both iconv-lite and our decoder read; spelled as PayPal does, sometimes in another
 * case (the field is compared without case). Not Big5 nor EUC-KR: quittance refuses them (src/gateways/paypal/charset.ts says why).
 */
const CHARSETS = [
  'UTF-8',
  'windows-1252',
  'ISO-8859-1',
  'windows-1250',
  'windows-1251',
  'windows-1253',
  'windows-874',
  'ISO-8859-2',
  'ISO-8859-5',
  'ISO-8859-7',
  'ISO-8859-15',
  'KOI8-R',
  'US-ASCII',
  'Shift_JIS',
  'EUC-JP',
  'gbk',
] as const;

const NAMES = [
  'item_name',
  'first_name',
  'last_name',
  'address_street',
  'address_city',
  'address_name',
  'memo',
  'option_selection1',
  'transaction_subject',
  'payer_business_name',
] as const;

/** Text made of what PayPal's buyers type: ASCII, accents, signs, Cyrillic, Greek, Thai, CJK, emoji. */
const textArb = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...'abcXYZ 019-_.&=+%?#/'.split('')),
    fc.constantFrom(...'éèêëàâçîïôûüÿœæ€—–×…‘’“”™Šž'.split('')),
    fc.constantFrom(...'Приветαβγδกขคあいうアイウ漢字한국繁體'.split('')),
    fc.constantFrom('😀', '\u0085', '\u00a0'),
    fc.string({ unit: 'binary', maxLength: 1 }),
  ),
  maxLength: 40,
});

/** What iconv-lite can write in `charset`: the text if it survives a round trip, else undefined. */
function encodable(text: string, charset: string): Buffer | undefined {
  const bytes = iconv.encode(text, charset);
  return iconv.decode(bytes, charset) === text ? bytes : undefined;
}

/** Percent-escapes bytes as a form does, choosing how at random where the form allows a choice. */
function percentEscape(bytes: Buffer, choices: () => number): string {
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    const pick = choices();
    if (b === 0x20) out += pick % 2 === 0 ? '+' : '%20';
    else if (/[A-Za-z0-9\-_.*]/.test(c) && pick % 3 !== 0) out += c;
    else {
      const hex = b.toString(16).padStart(2, '0');
      out += `%${pick % 5 === 0 ? hex : hex.toUpperCase()}`;
    }
  }
  return out;
}

interface Case {
  readonly charset: string;
  readonly fields: readonly (readonly [string, string])[];
  readonly body: Buffer;
}

/** Random fields in a random order, encoded in a random charset by iconv-lite; `extra` fields are added first. */
function caseArb(extra: Readonly<Record<string, string>> = {}): fc.Arbitrary<Case> {
  return fc
    .record({
      charset: fc.constantFrom(...CHARSETS),
      lower: fc.boolean(),
      values: fc.array(fc.tuple(fc.constantFrom(...NAMES), textArb), { maxLength: 8 }),
      order: fc.array(fc.nat(), { minLength: 32, maxLength: 32 }),
      choices: fc.array(fc.nat(), { minLength: 64, maxLength: 64 }),
    })
    .map(({ charset: spelled, lower, values, order, choices }) => {
      const charset = lower ? spelled.toLowerCase() : spelled;
      const unique = new Map<string, string>(Object.entries(extra));
      for (const [name, value] of values) if (encodable(value, spelled)) unique.set(name, value);
      unique.set('charset', charset);
      const fields = [...unique.entries()]
        .map((entry, i) => ({ entry, key: order[i % order.length] ?? 0 }))
        .sort((a, b) => a.key - b.key)
        .map(({ entry }) => entry);
      let n = 0;
      const next = () => choices[n++ % choices.length] ?? 0;
      const body = fields
        .map(
          ([name, value]) =>
            `${percentEscape(Buffer.from(name, 'ascii'), next)}=${percentEscape(encodable(value, spelled) ?? Buffer.alloc(0), next)}`,
        )
        .join('&');
      return { charset, fields, body: Buffer.from(body, 'latin1') };
    });
}

/** The fields a payment IPN needs to be deferred for the test account. */
const PAYMENT_FIELDS = {
  payment_status: 'Completed',
  txn_id: '61E67681CH3238416',
  mc_gross: '12.50',
  mc_currency: 'EUR',
  receiver_email: RECEIVER,
  custom: 'pay_oracle',
  invoice: 'pay_oracle',
  test_ipn: '1',
};

describe('paypal oracle: iconv-lite encodes, we decode and post back', () => {
  it(`decodes every field of random IPNs in random charsets to the original text (${NUM_RUNS} cases)`, () => {
    fc.assert(
      fc.property(caseArb(), ({ charset, fields, body }) => {
        const ipn = readIpn(body);
        assert.ok('fields' in ipn, JSON.stringify(ipn));
        assert.equal(ipn.charset, charset);
        assert.deepEqual({ ...ipn.fields }, Object.fromEntries(fields));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`posts back cmd=_notify-validate& + the exact original bytes, and reads them when VERIFIED (${NUM_RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(caseArb(PAYMENT_FIELDS), async ({ body, fields }) => {
        const check = verifyPaypalNotification(testAccount, rawIpn(body));
        assert.equal(check.kind, 'deferred', JSON.stringify(check));
        const paypal = stubPostback('VERIFIED');
        const answer = await fetchPaypalBack(testAccount, check as DeferredCheck, io(paypal.fetch), {
          body,
          bodyTruncated: false,
        });
        assert.equal(paypal.calls.length, 1);
        assert.ok(paypal.calls[0]?.body.equals(Buffer.concat([Buffer.from('cmd=_notify-validate&'), body])));
        assert.ok(answer.kind === 'found');
        const signal = answer.signals[0];
        assert.equal(signal?.status, 'captured');
        assert.deepEqual(signal?.amount, { value: 1250, currency: 'EUR' });
        assert.equal(signal?.lookup.paymentId, Object.fromEntries(fields).custom);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('paypal oracle: the simulator vouches only for the bytes it sent', () => {
  let simulator: PaypalSimulator;
  let merchant: MerchantServer;
  const genuine: Buffer[] = [];

  before(async () => {
    simulator = await startPaypalSimulator({
      account: SIM_ACCOUNT,
      retries: false,
      timeScale: 0.0001,
      seed: 3,
    });
    merchant = await startMerchantServer((_req, body) => {
      genuine.push(body);
      return {};
    });
    for (let i = 0; i < 16; i++) {
      await payAsCustomer({
        checkout: {
          method: 'POST',
          url: simulator.checkoutUrl,
          fields: {
            cmd: '_xclick',
            business: SIM_ACCOUNT.primaryEmail,
            item_name: `Crème brûlée — ${i}×`,
            amount: `${10 + i}.50`,
            currency_code: 'EUR',
            invoice: `pay_oracle${i}`,
            custom: `pay_oracle${i}`,
            notify_url: `${merchant.url}/notify`,
            return: `${merchant.url}/return`,
            cancel_return: `${merchant.url}/return?cancelled=1`,
          },
        },
        scenario: i % 4 === 0 ? 'refused' : 'paid',
        followReturn: false,
      });
    }
    await simulator.idle();
  });
  after(async () => {
    await simulator.close();
    await merchant.close();
  });

  const account = () => ({
    ...testAccount,
    credentials: { receiverEmail: SIM_ACCOUNT.primaryEmail, verifyUrl: simulator.verifyUrl },
  });

  const askSimulator = async (body: Uint8Array) => {
    const res = await fetch(simulator.verifyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: postbackBody(body),
    });
    return res.text();
  };

  it('has genuine IPNs in both charsets to work on, each VERIFIED untouched', async () => {
    assert.ok(genuine.length >= 16);
    const text = genuine.map((b) => b.toString('latin1'));
    assert.ok(
      text.some((t) => t.includes('charset=windows-1252')) && text.some((t) => t.includes('charset=utf-8')),
    );
    for (const body of genuine) assert.equal(await askSimulator(body), 'VERIFIED');
  });

  it(`answers INVALID once any byte is changed; our fetch-back then says not-found (${NUM_RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), async (which, where, delta) => {
        const original = genuine[which % genuine.length] as Buffer;
        const tampered = Buffer.from(original);
        const at = where % tampered.length;
        tampered[at] = ((tampered[at] ?? 0) + delta) % 256;
        assert.equal(await askSimulator(tampered), 'INVALID');
        const ours = checkIpn(account(), tampered);
        if (ours.kind !== 'ok') return;
        const check = verifyPaypalNotification(account(), rawIpn(tampered)) as DeferredCheck;
        const answer = await fetchPaypalBack(account(), check, io(fetch), {
          body: tampered,
          bodyTruncated: false,
        });
        assert.equal(answer.kind, 'not-found', JSON.stringify(answer));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the postback prefix is the documented one', () => {
    assert.equal(POSTBACK_PREFIX, 'cmd=_notify-validate&');
  });
});
