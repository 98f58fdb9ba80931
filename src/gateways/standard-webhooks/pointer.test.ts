import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { valueAt } from './pointer.js';

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
