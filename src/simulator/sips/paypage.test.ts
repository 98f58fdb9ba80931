import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeForm, encodeForm } from '../../gateways/_shared/form-codec.js';
import { buildData, parseData } from './data.js';
import { checkPaymentInit, type PaypageResult } from './paypage.js';
import { type FormOptions, paypageForm, SHOP } from './testkit.js';

const merchant = { notifyUrl: 'http://127.0.0.1:1/notify', returnUrl: 'http://127.0.0.1:1/return' };
const shops = new Map([[SHOP.merchantId, SHOP]]);

function check(fields: Record<string, string>, used: ReadonlySet<string> = new Set()): PaypageResult {
  return checkPaymentInit(decodeForm(encodeForm(fields)), shops, used);
}
function refusal(options: FormOptions, used?: ReadonlySet<string>) {
  const result = check(paypageForm(merchant, options), used);
  assert.equal(result.ok, false);
  return result.ok ? undefined : result.rejection;
}

describe('sips simulator: Data codec', () => {
  it('builds key=value|… in the order given and reads it back', () => {
    const data = buildData([
      ['amount', '1234'],
      ['currencyCode', '978'],
      ['normalReturnUrl', 'http://www.normalreturnurl.com'],
    ]);
    assert.equal(data, 'amount=1234|currencyCode=978|normalReturnUrl=http://www.normalreturnurl.com');
    const parsed = parseData('a=1|b=x=y');
    assert.deepEqual(parsed.ok && { ...parsed.fields }, { a: '1', b: 'x=y' });
    assert.equal(parseData('a=1|a=2').ok, false);
    assert.equal(parseData('a=1|oops').ok, false);
    assert.throws(() => buildData([['url', 'a|b']]), RangeError);
  });
});

describe('sips simulator: paymentInit checks', () => {
  it('accepts a form sealed with HMAC-SHA-256, with legacy SHA-256, and with Encode=base64', () => {
    for (const options of [{}, { algorithm: 'SHA-256' as const }, { encode: true }]) {
      const result = check(paypageForm(merchant, { ...options, data: { transactionReference: 'abc1' } }));
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.request.transactionReference, 'abc1');
      assert.equal(result.request.amount, 1524);
      assert.equal(result.request.sealAlgorithm, options.algorithm ?? 'HMAC-SHA-256');
      assert.equal(result.request.encode, options.encode ? 'base64' : '');
      assert.equal(result.request.automaticResponseUrl, merchant.notifyUrl);
      assert.equal(result.request.captureMode, 'AUTHOR_CAPTURE');
    }
  });

  it('treats a missing SealAlgorithm as the legacy SHA-256, as sealCalculationPaypagePost.php does', () => {
    const { SealAlgorithm: _, ...fields } = paypageForm(merchant, { algorithm: 'SHA-256' });
    const result = check(fields);
    assert.ok(result.ok);
    assert.equal(result.request.sealAlgorithm, 'SHA-256');
    const hmac = paypageForm(merchant);
    const { SealAlgorithm: __, ...unnamed } = hmac;
    assert.equal(check(unnamed).ok, false, 'an HMAC seal checked as legacy SHA-256 does not match');
  });

  it('refuses a bad seal, a wrong key, or a seal of another algorithm with 34', () => {
    assert.equal(refusal({ seal: 'f'.repeat(64) })?.responseCode, '34');
    assert.equal(refusal({ key: 'someone-else' })?.responseCode, '34');
    const swapped = paypageForm(merchant, { algorithm: 'SHA-256' });
    assert.equal(check({ ...swapped, SealAlgorithm: 'HMAC-SHA-256' }).ok, false);
    assert.equal(refusal({ seal: '' })?.field, 'Seal');
  });

  it('refuses a wrong keyVersion with 34 and an unknown merchantId with 03', () => {
    assert.deepEqual(
      [refusal({ data: { keyVersion: '2' } })?.responseCode, refusal({ data: { keyVersion: '2' } })?.field],
      ['34', 'keyVersion'],
    );
    const unknown = refusal({ data: { merchantId: '999999999999999' } });
    assert.equal(unknown?.responseCode, '03');
    assert.match(unknown?.message ?? '', /999999999999999/);
  });

  it('refuses malformed forms and Data with 30 (format error)', () => {
    assert.equal(refusal({ interfaceVersion: 'IR_WS_2.19' })?.responseCode, '30');
    const fields = paypageForm(merchant);
    assert.equal(check({ ...fields, Data: '' }).ok, false);
    const garbled = check({ ...fields, Data: 'amount=1|garbage' });
    assert.ok(!garbled.ok && garbled.rejection.responseCode === '30');
    const notBase64 = check({ ...fields, Encode: 'base64', Data: '***' });
    assert.ok(!notBase64.ok && notBase64.rejection.responseCode === '30');
    const twice = checkPaymentInit(
      decodeForm(`${encodeForm(fields)}&Seal=${'0'.repeat(64)}`),
      shops,
      new Set<string>(),
    );
    assert.ok(!twice.ok && twice.rejection.responseCode === '30');
  });

  it('refuses sealed but invalid parameters with 12, naming the field', () => {
    const cases: Array<[Record<string, string | undefined>, string]> = [
      [{ amount: undefined }, 'amount'],
      [{ amount: '12.50' }, 'amount'],
      [{ currencyCode: 'EUR' }, 'currencyCode'],
      [{ currencyCode: '000' }, 'currencyCode'],
      [{ transactionReference: 'has-dash' }, 'transactionReference'],
      [{ normalReturnUrl: 'ftp://x' }, 'normalReturnUrl'],
      [{ automaticResponseUrl: 'not a url' }, 'automaticResponseUrl'],
      [{ captureMode: 'LATER' }, 'captureMode'],
    ];
    for (const [data, field] of cases) {
      const rejection = refusal({ data });
      assert.deepEqual([rejection?.responseCode, rejection?.field], ['12', field], JSON.stringify(data));
    }
  });

  it('refuses a transactionReference already used by the merchant with 94', () => {
    const rejection = refusal(
      { data: { transactionReference: 'used1' } },
      new Set([`${SHOP.merchantId}/used1`]),
    );
    assert.equal(rejection?.responseCode, '94');
  });

  it('keeps an absent automaticResponseUrl empty (no automatic response)', () => {
    const result = check(paypageForm(merchant, { data: { automaticResponseUrl: undefined } }));
    assert.ok(result.ok);
    assert.equal(result.request.automaticResponseUrl, '');
  });
});
