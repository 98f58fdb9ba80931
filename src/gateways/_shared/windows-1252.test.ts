import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeWindows1252, windows1252Byte } from './windows-1252.js';

describe('windows-1252', () => {
  it('reads 0x80–0x9F as the WHATWG table says, not as C1 controls', () => {
    assert.equal(decodeWindows1252(Uint8Array.of(0x80, 0x97, 0x9c, 0x81, 0xe8, 0x41)), '€—œ\u0081èA');
  });

  it('encodes back every character it decodes, and nothing else', () => {
    for (let b = 0; b < 256; b++) assert.equal(windows1252Byte(decodeWindows1252(Uint8Array.of(b))), b);
    assert.equal(windows1252Byte('—'), 0x97);
    assert.equal(windows1252Byte('ť'), undefined);
  });
});
