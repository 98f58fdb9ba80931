import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MIN_TIMEOUT_MS } from '../_shared/clock.js';
import { createClock } from './clock.js';

describe('lyra simulator: clock', () => {
  it("scales Lyra's 15-minute slot and 35 s timeout, with a 2 s floor on the timeout", () => {
    assert.deepEqual([createClock(1).slotMs, createClock(1).timeoutMs], [900_000, 35_000]);
    assert.deepEqual([createClock(0.001).slotMs, createClock(0.001).timeoutMs], [900, MIN_TIMEOUT_MS]);
    assert.equal(createClock(0.1).timeoutMs, 3_500);
    assert.throws(() => createClock(0), RangeError);
  });

  it('finds the first slot boundary strictly after an instant, counting from the start', () => {
    const clock = createClock(0.001);
    assert.deepEqual([0, 1, 899.5, 900, 2000].map(clock.nextSlotAfter), [900, 900, 900, 1800, 2700]);
  });
});
