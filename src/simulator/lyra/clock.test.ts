import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createClock, MIN_TIMEOUT_MS } from './clock.js';
import { createRandom } from './random.js';

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

  it('sleeps until the instant, never less, and stops early on abort', async () => {
    const clock = createClock(1);
    const target = clock.now() + 20;
    assert.equal(await clock.sleepUntil(target, new AbortController().signal), true);
    assert.ok(clock.now() >= target);
    const stop = new AbortController();
    const sleeping = clock.sleepUntil(clock.now() + 60_000, stop.signal);
    stop.abort();
    assert.equal(await sleeping, false);
  });
});

describe('lyra simulator: seeded randomness', () => {
  it('repeats with the same seed and keeps uuids unique and 32 lower-case hex', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    assert.deepEqual([a.uuid(), a.hex(10), a.digits(6)], [b.uuid(), b.hex(10), b.digits(6)]);
    const uuids = Array.from({ length: 2000 }, () => a.uuid());
    assert.equal(new Set(uuids).size, uuids.length);
    assert.ok(uuids.every((u) => /^[0-9a-f]{32}$/.test(u)));
    assert.notEqual(createRandom(1).uuid(), createRandom(2).uuid());
  });
});
