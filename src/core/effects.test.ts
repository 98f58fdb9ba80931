import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EVENT_TYPES, effectsOfMove } from './effects.js';
import type { PaymentStatus } from './status.js';

const ID = 'pay_01test';

function types(from: PaymentStatus, to: PaymentStatus): string[] {
  return effectsOfMove(ID, from, to).map((e) => e.type);
}

describe('effectsOfMove()', () => {
  it('knows five event types', () => {
    assert.deepEqual(
      [...EVENT_TYPES],
      ['payment.authorized', 'payment.captured', 'payment.refunded', 'payment.failed', 'payment.conflict'],
    );
  });

  it('emits one milestone per step along the success path', () => {
    assert.deepEqual(types('created', 'pending'), []);
    assert.deepEqual(types('pending', 'authorized'), ['payment.authorized']);
    assert.deepEqual(types('authorized', 'captured'), ['payment.captured']);
    assert.deepEqual(types('captured', 'partially_refunded'), []);
    assert.deepEqual(types('partially_refunded', 'refunded'), ['payment.refunded']);
    assert.deepEqual(types('captured', 'refunded'), ['payment.refunded']);
  });

  it('emits every milestone passed over, in order, when a step is skipped', () => {
    assert.deepEqual(types('created', 'captured'), ['payment.authorized', 'payment.captured']);
    assert.deepEqual(types('pending', 'refunded'), [
      'payment.authorized',
      'payment.captured',
      'payment.refunded',
    ]);
    assert.deepEqual(types('created', 'partially_refunded'), ['payment.authorized', 'payment.captured']);
  });

  it('emits payment.failed for any failure', () => {
    for (const to of ['refused', 'cancelled', 'expired', 'error'] as const) {
      assert.deepEqual(types('pending', to), ['payment.failed'], to);
      assert.deepEqual(types('authorized', to), ['payment.failed'], to);
    }
  });

  it('keys each effect by payment and type, so the store keeps one job per milestone', () => {
    assert.deepEqual(effectsOfMove(ID, 'created', 'captured'), [
      { type: 'payment.authorized', key: `${ID}:payment.authorized`, paymentId: ID },
      { type: 'payment.captured', key: `${ID}:payment.captured`, paymentId: ID },
    ]);
    assert.deepEqual(effectsOfMove(ID, 'created', 'expired'), [
      { type: 'payment.failed', key: `${ID}:payment.failed`, paymentId: ID },
    ]);
  });

  it('gives the same effects for a jump as for the steps it skips', () => {
    const steps = [
      ...effectsOfMove(ID, 'created', 'pending'),
      ...effectsOfMove(ID, 'pending', 'authorized'),
      ...effectsOfMove(ID, 'authorized', 'captured'),
      ...effectsOfMove(ID, 'captured', 'partially_refunded'),
      ...effectsOfMove(ID, 'partially_refunded', 'refunded'),
    ];
    assert.deepEqual(effectsOfMove(ID, 'created', 'refunded'), steps);
  });
});
