import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { monotonicIds } from './ids.js';

describe('monotonicIds', () => {
  it('sorts ids made in the same millisecond in creation order', () => {
    const ids = monotonicIds(() => 1_700_000_000_000);
    const made = Array.from({ length: 50 }, () => ids('signal'));
    assert.deepEqual([...made].sort(), made);
    assert.equal(new Set(made).size, 50);
  });

  it('never makes a payment id from the previous one', () => {
    const ids = monotonicIds(() => 1_700_000_000_000);
    const a = ids('payment');
    const b = ids('payment');
    // Same time part; the random parts must differ in more than the last character.
    assert.equal(a.slice(0, 14), b.slice(0, 14));
    assert.notEqual(a.slice(14, -2), b.slice(14, -2));
  });
});
