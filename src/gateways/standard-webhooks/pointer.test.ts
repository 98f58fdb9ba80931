import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { valueAt, withValueAt } from './pointer.js';

const DOC = { data: { object: { status: 'paid', 'a/b': 1, 'm~n': 2, list: ['x', 'y'] } }, '': 'empty' };

describe('standard-webhooks valueAt', () => {
  it('follows JSON pointers (RFC 6901, escapes included) and dotted paths', () => {
    assert.equal(valueAt(DOC, '/data/object/status'), 'paid');
    assert.equal(valueAt(DOC, 'data.object.status'), 'paid');
    assert.equal(valueAt(DOC, '/data/object/a~1b'), 1);
    assert.equal(valueAt(DOC, '/data/object/m~0n'), 2);
    assert.equal(valueAt(DOC, '/data/object/list/1'), 'y');
    assert.equal(valueAt(DOC, 'data.object.list.0'), 'x');
    assert.equal(valueAt(DOC, '/'), 'empty');
  });

  it('answers undefined for missing steps, bad indexes and inherited properties', () => {
    assert.equal(valueAt(DOC, '/data/missing/status'), undefined);
    assert.equal(valueAt(DOC, '/data/object/list/01'), undefined);
    assert.equal(valueAt(DOC, '/data/object/list/-'), undefined);
    assert.equal(valueAt(DOC, '/data/__proto__'), undefined);
    assert.equal(valueAt(DOC, 'data.constructor'), undefined);
    assert.equal(valueAt('text', '/length'), undefined);
  });
});

describe('standard-webhooks withValueAt', () => {
  it('lays a value where valueAt reads it, creating objects on the way and keeping the rest', () => {
    let doc: unknown = { type: 'x', data: { id: 'a' } };
    doc = withValueAt(doc, '/data/reference', 'ref-1');
    doc = withValueAt(doc, 'data.amount', 1250);
    doc = withValueAt(doc, '/meta/a~1b/c~0d', true);
    assert.deepEqual(doc, {
      type: 'x',
      data: { id: 'a', reference: 'ref-1', amount: 1250 },
      meta: { 'a/b': { 'c~d': true } },
    });
    assert.equal(valueAt(doc, '/meta/a~1b/c~0d'), true);
  });

  it('never writes through __proto__ into Object.prototype', () => {
    const doc = withValueAt({}, '/__proto__/polluted', 'yes');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(valueAt(doc, '/__proto__/polluted'), 'yes');
  });
});
