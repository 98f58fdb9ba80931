import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bucketNotifications } from './health-series.js';

const MINUTE = 60_000;

describe('bucketNotifications', () => {
  it('counts per bucket by verdict, as a per-minute rate, with latency percentiles', () => {
    const since = 1_000_000_000_000;
    const series = bucketNotifications(
      [
        { receivedAt: since + 1_000, processedAt: since + 1_010, verdict: 'verified' },
        { receivedAt: since + 2_000, processedAt: since + 2_050, verdict: 'verified' },
        { receivedAt: since + 3_000, processedAt: null, verdict: 'rejected' },
        { receivedAt: since + 6 * MINUTE, processedAt: since + 6 * MINUTE + 5, verdict: 'rejected' },
        { receivedAt: since - 1, processedAt: since, verdict: 'verified' },
      ],
      { since, until: since + 10 * MINUTE, bucketMs: 5 * MINUTE },
    );
    assert.deepEqual(series.starts, [since, since + 5 * MINUTE]);
    assert.deepEqual(series.counts, [3, 1]);
    assert.deepEqual(series.perMinuteByVerdict, { rejected: [0.2, 0.2], verified: [0.4, 0] });
    assert.deepEqual(series.ackP50Ms, [10, 5]);
    assert.deepEqual(series.ackP99Ms, [50, 5]);
  });

  it('places every notification of the window in exactly one bucket', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.record({ offset: fc.nat(), latency: fc.option(fc.nat({ max: 5000 })) }), {
          maxLength: 200,
        }),
        (minutes, bucketMinutes, points) => {
          const since = 1_700_000_000_000;
          const until = since + minutes * MINUTE;
          const rows = points.map((p) => ({
            receivedAt: since + (p.offset % (minutes * MINUTE)),
            processedAt: p.latency === null ? null : since + (p.offset % (minutes * MINUTE)) + p.latency,
            verdict: p.offset % 2 === 0 ? 'verified' : 'rejected',
          }));
          const s = bucketNotifications(rows, { since, until, bucketMs: bucketMinutes * MINUTE });
          assert.equal(
            s.counts.reduce((a, b) => a + b, 0),
            rows.length,
          );
          assert.equal(s.starts.length, Math.ceil(minutes / bucketMinutes));
          assert.ok(s.ackP50Ms.every((p, i) => p === null || (s.ackP99Ms[i] as number) >= p));
        },
      ),
    );
  });
});
