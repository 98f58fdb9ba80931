import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ErrorCode } from '../../core/index.js';
import { money } from '../../core/index.js';
import { encodeForm } from '../_shared/form-codec.js';
import type { GatewayAccount, RawRequest, Verdict } from '../gateway.js';
import type { LyraCredentials } from './credentials.js';
import {
  checkoutRequest,
  formPost,
  notificationFields,
  signFields,
  testAccount,
  transUuid,
  withCredentials,
} from './fixtures/notification.js';
import { lyra } from './index.js';
import { LYRA_STATUS_MAP } from './map.js';
import { lyraSignature } from './signature.js';

const KEY = testAccount.credentials.key;
const request = checkoutRequest();
const valid = notificationFields(testAccount, request, 'CAPTURED');

function verify(raw: RawRequest, account: GatewayAccount<LyraCredentials> = testAccount): Verdict {
  return lyra.verifyNotification(account, raw);
}

/** Signed again after the change, so only the change itself can be complained about. */
function resigned(change: (fields: Record<string, string>) => void): RawRequest {
  const fields = { ...valid };
  change(fields);
  return formPost(signFields(testAccount, fields));
}

function without(fields: Readonly<Record<string, string>>, name: string): Record<string, string> {
  const { [name]: _, ...rest } = fields;
  return rest;
}

function assertRefused(
  verdict: Verdict,
  kind: 'rejected' | 'unparseable',
  code: ErrorCode,
  reason?: RegExp,
): void {
  assert.equal(verdict.kind, kind, JSON.stringify(verdict));
  assert.equal(verdict.code, code, verdict.reason);
  if (reason) assert.match(verdict.reason, reason);
  assert.ok(!verdict.reason.includes(KEY), 'the reason never shows the key');
}

describe('Lyra notification: what a valid one yields', () => {
  for (const [word, status] of Object.entries(LYRA_STATUS_MAP)) {
    it(`${word} → one ${status} signal`, () => {
      const verdict = verify(formPost(notificationFields(testAccount, request, word)));
      assert.equal(verdict.kind, 'verified');
      assert.deepEqual(verdict.kind === 'verified' && verdict.signals, [
        {
          source: 'notification',
          status,
          amount: money(1250, 'EUR'),
          gatewayRef: transUuid(request),
          gatewayStatus: word,
          lookup: { merchantRef: request.merchantRef, gatewayRef: transUuid(request) },
          facts: {
            vads_url_check_src: 'PAY',
            vads_result: word === 'REFUSED' ? '05' : '00',
            vads_auth_result: word === 'REFUSED' ? '05' : '00',
            ...(word !== 'REFUSED' && { vads_auth_number: '3fb0de' }),
            vads_order_id: 'ORDER-1042',
            vads_operation_type: 'DEBIT',
            vads_trans_status: word,
          },
        },
      ]);
    });
  }

  it('leaves an unknown status pending with a note for review', () => {
    const verdict = verify(formPost(notificationFields(testAccount, request, 'TELEPORTED')));
    assert.ok(verdict.kind === 'verified');
    const [signal] = verdict.signals;
    assert.equal(signal?.status, 'pending');
    assert.equal(signal?.gatewayStatus, 'TELEPORTED');
    assert.match(signal?.note ?? '', /TELEPORTED.*does not know.*review/);
  });

  it('reads the amount in the currency the number names', () => {
    const yen = notificationFields(
      testAccount,
      checkoutRequest({ amount: money(1500, 'JPY') }),
      'AUTHORISED',
    );
    const verdict = verify(formPost(yen));
    assert.ok(verdict.kind === 'verified');
    assert.deepEqual(verdict.signals[0]?.amount, money(1500, 'JPY'));
  });

  it('has no gateway reference when Lyra sends no transaction uuid (no transaction was created)', () => {
    const verdict = verify(
      formPost(notificationFields(testAccount, request, 'ABANDONED', { vads_trans_uuid: '' })),
    );
    assert.ok(verdict.kind === 'verified');
    assert.equal(verdict.signals[0]?.gatewayRef, undefined);
    assert.deepEqual(verdict.signals[0]?.lookup, { merchantRef: request.merchantRef });
  });

  it('acknowledges a refund (CREDIT) without turning its amount into a payment signal', () => {
    const refund = notificationFields(testAccount, request, 'CAPTURED', {
      vads_operation_type: 'CREDIT',
      vads_amount: '300',
    });
    assert.deepEqual(verify(formPost(refund)), { kind: 'verified', signals: [] });
  });

  it('accepts the content type in any case, with parameters', () => {
    assert.equal(
      verify(formPost(valid, 'Application/X-WWW-Form-URLEncoded ; charset=utf-8')).kind,
      'verified',
    );
  });

  it('cannot see a field renamed in place: Lyra signs the values in name order, not the names', () => {
    // A known limit of the scheme, kept visible: vads_order_id → vads_order_ie keeps every value in its place, so
    // the signature still holds; the renamed field is simply not read.
    const renamed = encodeForm(valid).replace('vads_order_id=', 'vads_order_ie=');
    const verdict = verify(formPost(renamed));
    assert.ok(verdict.kind === 'verified');
    assert.equal(verdict.signals[0]?.facts?.vads_order_id, undefined);
    assert.equal(verdict.signals[0]?.lookup.merchantRef, request.merchantRef);
  });

  it('verifies a live notification with the PRODUCTION context', () => {
    const live = { ...testAccount, mode: 'live' as const };
    assert.equal(verify(formPost(notificationFields(live, request, 'CAPTURED')), live).kind, 'verified');
  });
});

describe('Lyra notification: what is refused', () => {
  const cases: ReadonlyArray<
    readonly [string, () => Verdict, 'rejected' | 'unparseable', ErrorCode, RegExp]
  > = [
    [
      'a JSON body',
      () => verify(formPost('{}', 'application/json')),
      'unparseable',
      'UNSUPPORTED_MEDIA_TYPE',
      /application\/json/,
    ],
    [
      'no content type',
      () => verify({ ...formPost(valid), headers: {} }),
      'unparseable',
      'UNSUPPORTED_MEDIA_TYPE',
      /without a content type/,
    ],
    [
      'a bad percent-escape',
      () => verify(formPost(`${encodeForm(valid)}&x=%G1`)),
      'unparseable',
      'MALFORMED_BODY',
      /percent-escape/,
    ],
    [
      'bytes that are not UTF-8',
      () => verify(formPost(`${encodeForm(valid)}&x=%E9t%E9`)),
      'unparseable',
      'MALFORMED_BODY',
      /UTF-8/,
    ],
    [
      'a repeated field',
      () => verify(formPost(`${encodeForm(valid)}&vads_amount=1`)),
      'unparseable',
      'MALFORMED_BODY',
      /repeats the field vads_amount/,
    ],
    [
      'no signature',
      () => verify(formPost(without(valid, 'signature'))),
      'rejected',
      'SIGNATURE_MISSING',
      /no signature/,
    ],
    ['an empty body', () => verify(formPost('')), 'rejected', 'SIGNATURE_MISSING', /no signature/],
    [
      'another shop',
      () =>
        verify(
          resigned((f) => {
            f.vads_site_id = '87654321';
          }),
        ),
      'rejected',
      'SITE_MISMATCH',
      /87654321.*12345678/,
    ],
    [
      'no shop',
      () =>
        verify(
          resigned((f) => {
            delete f.vads_site_id;
          }),
        ),
      'rejected',
      'SITE_MISMATCH',
      /names no shop/,
    ],
    [
      'a PRODUCTION notification on a test account',
      () =>
        verify(
          resigned((f) => {
            f.vads_ctx_mode = 'PRODUCTION';
          }),
        ),
      'rejected',
      'MODE_MISMATCH',
      /PRODUCTION.*test mode/,
    ],
    [
      'a TEST notification on a live account',
      () => verify(formPost(valid), { ...testAccount, mode: 'live' }),
      'rejected',
      'MODE_MISMATCH',
      /TEST.*live/,
    ],
    [
      'no context mode',
      () =>
        verify(
          resigned((f) => {
            delete f.vads_ctx_mode;
          }),
        ),
      'rejected',
      'MODE_MISMATCH',
      /does not say its environment/,
    ],
    [
      'another key',
      () =>
        verify(
          formPost(
            notificationFields(withCredentials(testAccount, { key: 'not the key' }), request, 'CAPTURED'),
          ),
        ),
      'rejected',
      'SIGNATURE_MISMATCH',
      /TEST key/,
    ],
    [
      'a changed amount',
      () => verify(formPost({ ...valid, vads_amount: '1' })),
      'rejected',
      'SIGNATURE_MISMATCH',
      /altered or forged/,
    ],
    [
      'a SHA-1 signature on an HMAC-SHA-256 account',
      () =>
        verify(
          formPost(
            notificationFields(withCredentials(testAccount, { algorithm: 'sha1' }), request, 'CAPTURED'),
          ),
        ),
      'rejected',
      'SIGNATURE_MISMATCH',
      /looks like SHA-1.*expects HMAC-SHA-256/,
    ],
    [
      'an HMAC-SHA-256 signature on a SHA-1 account',
      () => verify(formPost(valid), withCredentials(testAccount, { algorithm: 'sha1' })),
      'rejected',
      'SIGNATURE_MISMATCH',
      /looks like HMAC-SHA-256.*expects SHA-1/,
    ],
    [
      'an empty amount',
      () =>
        verify(
          resigned((f) => {
            f.vads_amount = '';
          }),
        ),
      'unparseable',
      'MISSING_FIELD',
      /vads_amount/,
    ],
    [
      'a decimal amount',
      () =>
        verify(
          resigned((f) => {
            f.vads_amount = '12.50';
          }),
        ),
      'unparseable',
      'INVALID_FIELD',
      /vads_amount "12\.50"/,
    ],
    [
      'a negative amount',
      () =>
        verify(
          resigned((f) => {
            f.vads_amount = '-1';
          }),
        ),
      'unparseable',
      'INVALID_FIELD',
      /vads_amount/,
    ],
    [
      'an exponent amount',
      () =>
        verify(
          resigned((f) => {
            f.vads_amount = '1e3';
          }),
        ),
      'unparseable',
      'INVALID_FIELD',
      /vads_amount/,
    ],
    [
      'an unknown currency number',
      () =>
        verify(
          resigned((f) => {
            f.vads_currency = '999';
          }),
        ),
      'unparseable',
      'INVALID_FIELD',
      /vads_currency "999"/,
    ],
    [
      'an alphabetic currency',
      () =>
        verify(
          resigned((f) => {
            f.vads_currency = 'EUR';
          }),
        ),
      'unparseable',
      'INVALID_FIELD',
      /vads_currency/,
    ],
    [
      'a malformed transaction date',
      () =>
        verify(
          resigned((f) => {
            f.vads_trans_date = '2026-03-14';
          }),
        ),
      'unparseable',
      'INVALID_FIELD',
      /vads_trans_date/,
    ],
  ];
  for (const [label, run, kind, code, reason] of cases) {
    it(`${label} → ${kind} ${code}`, () => assertRefused(run(), kind, code, reason));
  }

  for (const name of [
    'vads_trans_status',
    'vads_amount',
    'vads_currency',
    'vads_trans_id',
    'vads_trans_date',
  ]) {
    it(`no ${name} → unparseable MISSING_FIELD naming it`, () => {
      assertRefused(
        verify(
          resigned((f) => {
            delete f[name];
          }),
        ),
        'unparseable',
        'MISSING_FIELD',
        new RegExp(`no ${name} field`),
      );
    });
  }

  it('reports a bad signature before any complaint about the signed content', () => {
    assertRefused(verify(formPost(without(valid, 'vads_amount'))), 'rejected', 'SIGNATURE_MISMATCH');
    assertRefused(verify(formPost({ ...valid, vads_currency: '999' })), 'rejected', 'SIGNATURE_MISMATCH');
    assertRefused(verify(formPost({ ...valid, vads_trans_date: 'soon' })), 'rejected', 'SIGNATURE_MISMATCH');
  });

  it('never shows the key or the expected signature in a reason', () => {
    const forged = { ...valid, vads_amount: '1' };
    const expected = lyraSignature(forged, KEY, 'hmac-sha-256');
    const verdict = verify(formPost(forged));
    assert.ok(verdict.kind === 'rejected');
    assert.ok(!verdict.reason.includes(expected));
    assert.ok(!verdict.reason.includes(KEY));
    for (const [, run] of cases) {
      const other = run();
      assert.ok(other.kind === 'verified' || !other.reason.includes(KEY));
    }
  });

  it('accepts the other algorithm only while alsoAcceptAlgorithm is set', () => {
    const sha1Signed = formPost(
      notificationFields(withCredentials(testAccount, { algorithm: 'sha1' }), request, 'CAPTURED'),
    );
    assert.equal(verify(sha1Signed).kind, 'rejected');
    assert.equal(
      verify(sha1Signed, withCredentials(testAccount, { alsoAcceptAlgorithm: 'sha1' })).kind,
      'verified',
    );
    assert.equal(
      verify(formPost(valid), withCredentials(testAccount, { alsoAcceptAlgorithm: 'sha1' })).kind,
      'verified',
    );
  });
});

describe('Lyra notification: properties', () => {
  const vadsNames = Object.keys(valid).filter((name) => name.startsWith('vads_'));
  const text = fc.string({ unit: 'grapheme', maxLength: 40 });

  it('never verifies a notification with a vads_ value or the signature changed', () => {
    fc.assert(
      fc.property(fc.constantFrom(...vadsNames, 'signature'), text, (name, value) => {
        fc.pre(value !== valid[name]);
        assert.notEqual(verify(formPost({ ...valid, [name]: value })).kind, 'verified');
      }),
    );
  });

  it('verifies whatever vads_ fields Lyra adds, once signed', () => {
    const extraName = fc
      .stringMatching(/^vads_[a-z0-9_]{1,24}$/)
      .filter((name) => !Object.hasOwn(valid, name));
    const account = fc.record({
      algorithm: fc.constantFrom('hmac-sha-256', 'sha1'),
      key: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
      mode: fc.constantFrom('test', 'live'),
    });
    fc.assert(
      fc.property(
        account,
        fc.constantFrom(...Object.keys(LYRA_STATUS_MAP)),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.constantFrom('EUR', 'JPY', 'KWD', 'CHF'),
        fc.uniqueArray(fc.record({ name: extraName, value: text }), {
          selector: (pair) => pair.name,
          maxLength: 12,
        }),
        ({ algorithm, key, mode }, status, value, currency, extra) => {
          const shop = { ...withCredentials(testAccount, { algorithm, key }), mode };
          const req = checkoutRequest({ amount: money(value, currency) });
          const fields = notificationFields(
            shop,
            req,
            status,
            Object.fromEntries(extra.map((p) => [p.name, p.value])),
          );
          const verdict = verify(formPost(fields), shop);
          assert.equal(verdict.kind, 'verified', JSON.stringify(verdict));
          assert.ok(verdict.kind === 'verified');
          assert.equal(verdict.signals[0]?.status, LYRA_STATUS_MAP[status]);
          assert.deepEqual(verdict.signals[0]?.amount, money(value, currency));
          assert.equal(verdict.signals[0]?.lookup.merchantRef, req.merchantRef);
        },
      ),
    );
  });

  it('ignores fields outside vads_, which are not signed', () => {
    const name = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
      .filter((n) => !n.startsWith('vads_') && n !== 'signature');
    const reference = verify(formPost(valid));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ name, value: text }), { selector: (p) => p.name, minLength: 1 }),
        (extra) => {
          const pairs = [...Object.entries(valid).map(([n, value]) => ({ name: n, value })), ...extra];
          assert.deepEqual(verify(formPost(encodeForm(pairs))), reference);
        },
      ),
    );
  });
});
