import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeFields, ipnFields } from './fixtures/ipns.js';
import { grossOf, isProblem, readIpn } from './ipn.js';

const CREME = 'Crème brûlée — 2×';

describe('readIpn', () => {
  it('decodes a UTF-8 IPN', () => {
    const ipn = readIpn(encodeFields(ipnFields({ item_name: CREME })));
    assert.ok(!isProblem(ipn));
    assert.equal(ipn.charset, 'utf-8');
    assert.equal(ipn.fields.item_name, CREME);
    assert.equal(ipn.fields.first_name, 'Zoë');
  });

  it('decodes a windows-1252 IPN from its raw bytes (— is %97, × is %D7)', () => {
    const body = Buffer.from('charset=windows-1252&item_name=Cr%E8me+br%FBl%E9e+%97+2%D7&txn_id=X', 'latin1');
    const ipn = readIpn(body);
    assert.ok(!isProblem(ipn));
    assert.equal(ipn.fields.item_name, CREME);
  });

  it('takes windows-1252 when the IPN names no charset', () => {
    const ipn = readIpn(Buffer.from('item_name=%97&txn_id=X', 'latin1'));
    assert.ok(!isProblem(ipn));
    assert.equal(ipn.charset, 'windows-1252');
    assert.equal(ipn.fields.item_name, '—');
  });

  it('refuses a charset it cannot decode, with a hint, as INVALID_FIELD', () => {
    const ipn = readIpn(Buffer.from('charset=UTF-7&txn_id=X'));
    assert.ok(isProblem(ipn));
    assert.equal(ipn.code, 'INVALID_FIELD');
    assert.match(ipn.reason, /UTF-7.*UTF-8/);
    const odd = readIpn(Buffer.from('charset=%3Cscript%3E&txn_id=X'));
    assert.ok(isProblem(odd) && odd.code === 'INVALID_FIELD');
  });

  it('refuses bytes that are not valid in the named charset, a bad escape, a repeated name, two charsets, nothing', () => {
    for (const body of [
      'charset=utf-8&item_name=%C3',
      'charset=utf-8&item_name=%G1',
      'txn_id=A&txn_id=B',
      'charset=utf-8&charset=windows-1252',
      '',
    ]) {
      const ipn = readIpn(Buffer.from(body, 'latin1'));
      assert.ok(isProblem(ipn), body);
      assert.equal(ipn.code, 'MALFORMED_BODY', body);
    }
  });
});

describe('grossOf', () => {
  it('reads the gross in minor units, negative for refunds, and refuses what is not an amount', () => {
    assert.deepEqual(grossOf('12.50', 'EUR'), { value: 1250, negative: false });
    assert.deepEqual(grossOf('-5.00', 'EUR'), { value: 500, negative: true });
    assert.deepEqual(grossOf('1200', 'JPY'), { value: 1200, negative: false });
    assert.equal(grossOf('12.5.0', 'EUR'), undefined);
    assert.equal(grossOf('1.005', 'EUR'), undefined);
  });
});

describe('readIpn: the charset field itself', () => {
  it('finds it even with its name percent-escaped (the oracle found this)', () => {
    const ipn = readIpn(Buffer.from('%63harset=windows-1252&item_name=%97', 'latin1'));
    assert.ok(!isProblem(ipn));
    assert.equal(ipn.charset, 'windows-1252');
    assert.equal(ipn.fields.item_name, '—');
  });
});
