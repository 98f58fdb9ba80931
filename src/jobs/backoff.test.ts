import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_BACKOFF, parseDuration, parseSchedule, retryDelay } from './backoff.js';

describe('retryDelay', () => {
  const backoff = { schedule: [5_000, 300_000, 1_800_000], jitter: 0.2 };
  it('follows the schedule, the last step repeating', () => {
    assert.equal(retryDelay(backoff, 1, 0.5), 5_000);
    assert.equal(retryDelay(backoff, 2, 0.5), 300_000);
    assert.equal(retryDelay(backoff, 3, 0.5), 1_800_000);
    assert.equal(retryDelay(backoff, 9, 0.5), 1_800_000);
    assert.equal(retryDelay(backoff, 0, 0.5), 5_000);
  });
  it('stays within ±jitter of the step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (n, r) => {
          const step = DEFAULT_BACKOFF.schedule[Math.min(n, DEFAULT_BACKOFF.schedule.length) - 1] as number;
          const d = retryDelay(DEFAULT_BACKOFF, n, r);
          assert.ok(d >= Math.floor(step * 0.8) && d <= Math.ceil(step * 1.2), `${n}: ${d}`);
        },
      ),
    );
  });
});

describe('durations', () => {
  it('parses units', () => {
    assert.deepEqual(
      parseSchedule('5s, 5m,30m,2h,1d,250ms,1.5h'),
      [5_000, 300_000, 1_800_000, 7_200_000, 86_400_000, 250, 5_400_000],
    );
    assert.equal(parseDuration('90s'), 90_000);
  });
  it('refuses what is not a duration', () => {
    for (const bad of ['', '5', 'm5', '5 minutes', '-5s', '1w'])
      assert.throws(() => parseDuration(bad), RangeError);
  });
});
