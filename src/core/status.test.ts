import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PaymentStatus } from './status.js';
import {
  FAILURE_STATUSES,
  isFailure,
  isFinal,
  isPaid,
  isPaymentStatus,
  PAYMENT_STATUSES,
  SUCCESS_PATH,
  successRank,
} from './status.js';

// Written out independently: [status, failure, final, paid, rank on the success path].
const FACTS: ReadonlyArray<readonly [PaymentStatus, boolean, boolean, boolean, number]> = [
  ['created', false, false, false, 0],
  ['pending', false, false, false, 1],
  ['authorized', false, true, true, 2],
  ['captured', false, true, true, 3],
  ['partially_refunded', false, true, true, 4],
  ['refunded', false, true, true, 5],
  ['refused', true, true, false, -1],
  ['cancelled', true, true, false, -1],
  ['expired', true, true, false, -1],
  ['error', true, true, false, -1],
];

describe('statuses', () => {
  it('lists ten statuses: the success path then the failures', () => {
    assert.deepEqual(
      [...PAYMENT_STATUSES],
      FACTS.map(([s]) => s),
    );
    assert.deepEqual([...PAYMENT_STATUSES], [...SUCCESS_PATH, ...FAILURE_STATUSES]);
    assert.equal(new Set(PAYMENT_STATUSES).size, 10);
  });

  it('classifies every status', () => {
    for (const [status, failure, final, paid, rank] of FACTS) {
      assert.equal(isFailure(status), failure, `isFailure(${status})`);
      assert.equal(isFinal(status), final, `isFinal(${status})`);
      assert.equal(isPaid(status), paid, `isPaid(${status})`);
      assert.equal(successRank(status), rank, `successRank(${status})`);
    }
  });

  it('recognises status strings', () => {
    for (const s of PAYMENT_STATUSES) assert.equal(isPaymentStatus(s), true, s);
    for (const s of ['', 'paid', 'CAPTURED', 'Authorized', 'refunded ', 'toString']) {
      assert.equal(isPaymentStatus(s), false, s);
    }
  });
});
