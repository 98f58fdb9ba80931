import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipnDecoder, READABLE_CHARSETS } from './charset.js';

describe('paypal charsets', () => {
  it('reads windows-1252 with its 0x80–0x9F signs (— is 0x97, € is 0x80)', () => {
    assert.equal(ipnDecoder('windows-1252')?.decode(Uint8Array.of(0x97, 0x80, 0xe8, 0xd7)), '—€è×');
  });

  it('reads ISO-8859-1 as itself, not as windows-1252 (0x97 is a control character there)', () => {
    assert.equal(ipnDecoder('ISO-8859-1')?.decode(Uint8Array.of(0x97, 0xe8)), '\u0097è');
  });

  it('refuses a byte above 0x7F in US-ASCII, and bad UTF-8', () => {
    assert.throws(() => ipnDecoder('US-ASCII')?.decode(Uint8Array.of(0x41, 0xe8)));
    assert.throws(() => ipnDecoder('UTF-8')?.decode(Uint8Array.of(0xc3)));
  });

  it('reads charsets whatever their case, and knows nothing of unknown or undecodable ones', () => {
    assert.equal(ipnDecoder('Shift_JIS')?.decode(Uint8Array.of(0x82, 0xa0)), 'あ');
    assert.equal(ipnDecoder('x-unknown'), undefined);
    assert.equal(ipnDecoder('UTF-7'), undefined);
    // Node 20 misreads these (the oracle found it): refused rather than decoded wrong.
    assert.equal(ipnDecoder('Big5'), undefined);
    assert.equal(ipnDecoder('EUC-KR'), undefined);
    assert.equal(ipnDecoder('__proto__'), undefined);
    assert.ok(READABLE_CHARSETS.includes('windows-1252') && READABLE_CHARSETS.includes('utf-8'));
  });
});
