import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { delayOf, dropsAttempt, FaultError, parseFaults } from './faults.js';

describe('simulator fault list', () => {
  it('parses JSON faults and refuses unknown kinds or a delay without ms', () => {
    assert.deepEqual(parseFaults([{ kind: 'drop' }, { kind: 'delay', ms: 5, extra: 1 }]), [
      { kind: 'drop' },
      { kind: 'delay', ms: 5 },
    ]);
    assert.deepEqual(parseFaults(undefined), []);
    assert.throws(() => parseFaults([{ kind: 'boom' }]), FaultError);
    assert.throws(() => parseFaults([{ kind: 'delay', ms: -1 }]), FaultError);
    assert.throws(() => parseFaults({ kind: 'drop' }), FaultError);
  });

  it('drops the first attempt only for drop, every attempt for drop-all', () => {
    assert.deepEqual(
      [0, 1, 2].map((i) => dropsAttempt([{ kind: 'drop' }], i)),
      [true, false, false],
    );
    assert.deepEqual(
      [0, 1, 2].map((i) => dropsAttempt([{ kind: 'drop-all' }], i)),
      [true, true, true],
    );
    assert.equal(dropsAttempt([{ kind: 'duplicate' }], 0), false);
  });
});

describe('simulator fault delay', () => {
  it('adds up every delay', () => {
    assert.equal(delayOf([{ kind: 'delay', ms: 5 }, { kind: 'drop' }, { kind: 'delay', ms: 7 }]), 12);
  });
});
