import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { colorEnabled, createStyle, toneOf, visibleLength } from './style.js';
import { renderTable } from './table.js';

describe('colorEnabled', () => {
  it('colours a terminal only', () => {
    assert.equal(colorEnabled({}, true), true);
    assert.equal(colorEnabled({}, false), false);
    assert.equal(colorEnabled({ TERM: 'dumb' }, true), false);
    assert.equal(colorEnabled({ CI: 'true' }, false), false);
  });

  it('NO_COLOR (not empty) always wins; FORCE_COLOR colours a pipe unless 0 or false', () => {
    assert.equal(colorEnabled({ NO_COLOR: '1' }, true), false);
    assert.equal(colorEnabled({ NO_COLOR: '1', FORCE_COLOR: '1' }, true), false);
    assert.equal(colorEnabled({ NO_COLOR: '' }, true), true);
    assert.equal(colorEnabled({ FORCE_COLOR: '1' }, false), true);
    assert.equal(colorEnabled({ FORCE_COLOR: '' }, false), true);
    assert.equal(colorEnabled({ FORCE_COLOR: '0' }, true), false);
    assert.equal(colorEnabled({ FORCE_COLOR: 'false' }, true), false);
  });
});

describe('style', () => {
  it('paints statuses by meaning when enabled', () => {
    const on = createStyle(true);
    assert.equal(on.tint('captured'), '\u001b[32mcaptured\u001b[39m');
    assert.equal(on.tint('rejected'), '\u001b[31mrejected\u001b[39m');
    assert.equal(on.tint('needs review'), '\u001b[33mneeds review\u001b[39m');
    assert.equal(on.tint('something-else'), 'something-else');
    assert.equal(toneOf('failed'), 'bad');
    assert.equal(toneOf('toString'), undefined);
  });

  it('writes plain text when disabled', () => {
    const off = createStyle(false);
    for (const word of ['captured', 'rejected', 'needs review', 'pending']) {
      assert.equal(off.tint(word), word);
    }
    assert.equal(off.bold('x'), 'x');
  });
});

describe('renderTable with colours', () => {
  it('lines up coloured cells exactly as plain ones (property)', () => {
    const on = createStyle(true);
    const word = fc.constantFrom('captured', 'refused', 'pending', 'verified', 'x', 'needs review', '');
    const cell = fc.oneof(word, fc.nat({ max: 100_000 }));
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { maxLength: 6 }), (rows) => {
        const plain = renderTable(rows, ['a', 'b', 'c']);
        const coloured = renderTable(
          rows.map((r) => r.map((c) => (typeof c === 'string' ? on.tint(c) : c))),
          ['a', 'b', 'c'],
        );
        // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI codes
        assert.equal(coloured.replace(/\u001b\[[0-9;]*m/g, ''), plain);
      }),
    );
  });

  it('counts visible characters only', () => {
    assert.equal(visibleLength(createStyle(true).tint('captured')), 'captured'.length);
  });
});
