import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSimClock, MIN_TIMEOUT_MS } from './clock.js';

describe('simulator clock', () => {
  it('scales the answer deadline with a 2 s floor, and durations by timeScale', () => {
    assert.equal(createSimClock(1, 35_000).timeoutMs, 35_000);
    assert.equal(createSimClock(0.001, 35_000).timeoutMs, MIN_TIMEOUT_MS);
    assert.equal(createSimClock(0.1, 35_000).timeoutMs, 3_500);
    assert.equal(createSimClock(0.001, 30_000).scaled(60_000), 60);
    assert.throws(() => createSimClock(0, 30_000), RangeError);
    assert.throws(() => createSimClock(Number.NaN, 30_000), RangeError);
  });

  it('sleeps until the instant, never less, and stops early on abort', async () => {
    const clock = createSimClock(1, 30_000);
    const target = clock.now() + 20;
    assert.equal(await clock.sleepUntil(target, new AbortController().signal), true);
    assert.ok(clock.now() >= target);
    const stop = new AbortController();
    const sleeping = clock.sleepUntil(clock.now() + 60_000, stop.signal);
    stop.abort();
    assert.equal(await sleeping, false);
  });

  it('sleeps for a duration, and answers false at once when already aborted', async () => {
    const clock = createSimClock(1, 30_000);
    const before = clock.now();
    assert.equal(await clock.sleep(15, new AbortController().signal), true);
    assert.ok(clock.now() - before >= 15);
    assert.equal(await clock.sleep(60_000, AbortSignal.abort()), false);
  });
});
