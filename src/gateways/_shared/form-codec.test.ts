import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeForm, encodeForm, FormDecodeError, formToRecord, repeatedNames } from './form-codec.js';

describe('form codec', () => {
  it('keeps order and repeated names', () => {
    const pairs = decodeForm('b=2&a=1&b=3');
    assert.deepEqual(pairs, [
      { name: 'b', value: '2' },
      { name: 'a', value: '1' },
      { name: 'b', value: '3' },
    ]);
    assert.deepEqual(repeatedNames(pairs), ['b']);
    assert.equal(formToRecord(pairs).b, '3');
  });

  it('decodes plus as space and percent-escapes as UTF-8 by default', () => {
    assert.deepEqual(decodeForm(Buffer.from('x=caf%C3%A9+cr%C3%A8me&y=')), [
      { name: 'x', value: 'café crème' },
      { name: 'y', value: '' },
    ]);
  });

  it('decodes in the charset it is told', () => {
    assert.equal(decodeForm('x=caf%E9', 'windows-1252')[0]?.value, 'café');
  });

  it('refuses bad escapes and bytes invalid in the charset', () => {
    assert.throws(() => decodeForm('x=%zz'), FormDecodeError);
    assert.throws(() => decodeForm('x=%E9'), FormDecodeError);
  });

  it('round-trips any pairs', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ name: fc.string({ minLength: 1 }), value: fc.string() })), (pairs) => {
        const wellFormed = pairs
          .filter((p) => isWellFormed(p.name) && isWellFormed(p.value))
          .map(({ name, value }) => ({ name, value }));
        assert.deepEqual(decodeForm(Buffer.from(encodeForm(wellFormed))), wellFormed);
      }),
    );
  });
});

function isWellFormed(s: string): boolean {
  return !/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));
}
