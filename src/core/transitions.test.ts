import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PaymentStatus } from './status.js';
import { PAYMENT_STATUSES } from './status.js';
import type { Move } from './transitions.js';
import { move } from './transitions.js';

/*
 * The rules of the comment in transitions.ts, written again as code without looking at the table:
 * - the same status again is a duplicate;
 * - before a final result (created, pending) anything applies, except an earlier step of the
 *   success path, which is stale;
 * - along the success path only forward moves apply, earlier steps arriving late are stale;
 * - an authorization never captured may still be voided or expire;
 * - the non-final steps (created, pending) arriving after a final result are earlier steps: stale;
 * - everything else that disagrees with a final result is a conflict.
 */
const SUCCESS: readonly PaymentStatus[] = [
  'created',
  'pending',
  'authorized',
  'captured',
  'partially_refunded',
  'refunded',
];
const FAILURES: readonly PaymentStatus[] = ['refused', 'cancelled', 'expired', 'error'];
const NOT_YET_FINAL: readonly PaymentStatus[] = ['created', 'pending'];

function expected(from: PaymentStatus, to: PaymentStatus): Move {
  if (from === to) return 'duplicate';
  const fromRank = SUCCESS.indexOf(from);
  const toRank = SUCCESS.indexOf(to);
  if (fromRank >= 0 && toRank >= 0) return toRank > fromRank ? 'apply' : 'stale';
  if (NOT_YET_FINAL.includes(from)) return 'apply'; // a failure before any final result: the first one wins
  if (from === 'authorized' && (to === 'cancelled' || to === 'expired')) return 'apply';
  if (NOT_YET_FINAL.includes(to)) return 'stale';
  return 'conflict';
}

describe('transition table', () => {
  it('has the expected move for all 100 (from, to) pairs', () => {
    const mismatches: string[] = [];
    let pairs = 0;
    for (const from of PAYMENT_STATUSES) {
      for (const to of PAYMENT_STATUSES) {
        pairs++;
        const got = move(from, to);
        const want = expected(from, to);
        if (got !== want) mismatches.push(`${from} → ${to}: table says ${got}, rules say ${want}`);
      }
    }
    assert.equal(pairs, 100);
    assert.deepEqual(mismatches, []);
  });

  it('agrees with the oracle on every row, one row at a time', () => {
    for (const from of PAYMENT_STATUSES) {
      assert.deepEqual(
        PAYMENT_STATUSES.map((to) => move(from, to)),
        PAYMENT_STATUSES.map((to) => expected(from, to)),
        `row ${from}`,
      );
    }
  });

  it('spot-checks the rules in words', () => {
    assert.equal(move('created', 'captured'), 'apply', 'jumping ahead applies');
    assert.equal(move('pending', 'refused'), 'apply', 'the first final result wins');
    assert.equal(move('captured', 'authorized'), 'stale', 'a late authorization is stale');
    assert.equal(move('refunded', 'pending'), 'stale');
    assert.equal(move('authorized', 'cancelled'), 'apply', 'void of an uncaptured authorization');
    assert.equal(move('authorized', 'expired'), 'apply', 'an uncaptured authorization expires');
    assert.equal(move('authorized', 'refused'), 'conflict');
    assert.equal(move('captured', 'cancelled'), 'conflict', 'a captured payment cannot be voided');
    assert.equal(move('refused', 'captured'), 'conflict', 'success after failure');
    assert.equal(move('refused', 'pending'), 'stale');
    assert.equal(move('cancelled', 'expired'), 'conflict', 'one failure does not replace another');
    assert.equal(move('error', 'error'), 'duplicate');
  });

  it('keeps the diagonal as duplicates and nothing else', () => {
    for (const from of PAYMENT_STATUSES) {
      for (const to of PAYMENT_STATUSES) {
        assert.equal(move(from, to) === 'duplicate', from === to, `${from} → ${to}`);
      }
    }
  });

  it('never lets a failure be replaced', () => {
    for (const from of FAILURES) {
      for (const to of PAYMENT_STATUSES) assert.notEqual(move(from, to), 'apply', `${from} → ${to}`);
    }
  });
});
