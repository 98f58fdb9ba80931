import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSimClock } from './clock.js';
import { startMerchantServer } from './merchant.js';
import { afterDelays, createNotifier, type DeliveryJob, type DeliveryRecord } from './notifier.js';

const record = (): DeliveryRecord => ({ n: 1, delivered: false, gaveUp: false, attempts: [] });

function job(url: string, overrides: Partial<DeliveryJob> = {}): DeliveryJob {
  return {
    record: record(),
    url,
    firstAt: 0,
    payload: (index) => ({ body: `try=${index}`, faultTags: index === 0 ? [] : ['retry'] }),
    dropped: () => false,
    duplicate: false,
    retry: true,
    ...overrides,
  };
}

describe('simulator notifier: the common delivery loop', { concurrency: true }, () => {
  it('retries on the policy until success, with per-attempt payloads and headers, then stops', async (t) => {
    const seen: string[] = [];
    const merchant = await startMerchantServer((req, body) => {
      seen.push(`${req.headers['x-attempt']}:${req.headers['x-tags']}:${body.toString()}`);
      return { status: seen.length < 3 ? 500 : 200 };
    });
    t.after(() => merchant.close());
    const clock = createSimClock(0.001, 30_000);
    const notifier = createNotifier({
      clock,
      retries: true,
      isSuccess: (s) => s === 200,
      retryAt: afterDelays([10_000, 10_000, 10_000], clock),
      headers: (_n, index, tags) => ({ 'x-attempt': String(index + 1), 'x-tags': tags.join('+') }),
    });
    const j = job(merchant.url);
    await notifier.deliver(j);
    await notifier.idle();
    assert.deepEqual(seen, ['1::try=0', '2:retry:try=1', '3:retry:try=2']);
    assert.deepEqual([j.record.delivered, j.record.gaveUp], [true, false]);
    assert.deepEqual(
      j.record.attempts.map((a) => a.status),
      [500, 500, 200],
    );
    const [a0, a1] = j.record.attempts;
    assert.ok(a0 && a1 && a1.at - a0.at >= 10, 'the retry waits its scaled delay');
    notifier.close();
  });

  it('gives up past the policy, never retries a forgery, and sends a duplicate tagged once delivered', async (t) => {
    const merchant = await startMerchantServer((req) => ({
      status: String(req.headers['x-tags']).includes('ok') ? 200 : 503,
    }));
    t.after(() => merchant.close());
    const clock = createSimClock(0.001, 30_000);
    const notifier = createNotifier({
      clock,
      retries: true,
      isSuccess: (s) => s === 200,
      retryAt: afterDelays([1_000], clock),
      headers: (_n, _index, tags) => ({ 'x-tags': tags.join('+') }),
    });
    const failing = job(merchant.url, { payload: () => ({ body: '', faultTags: [] }) });
    const forged = job(merchant.url, { retry: false, payload: () => ({ body: '', faultTags: ['forged'] }) });
    const copied = job(merchant.url, { duplicate: true, payload: () => ({ body: '', faultTags: ['ok'] }) });
    const dropped = job(merchant.url, {
      dropped: (i) => i === 0,
      payload: () => ({ body: '', faultTags: ['ok'] }),
    });
    await Promise.all([failing, forged, copied, dropped].map((j) => notifier.deliver(j)));
    await notifier.idle();
    assert.deepEqual([failing.record.attempts.length, failing.record.gaveUp], [2, true]);
    assert.deepEqual([forged.record.attempts.length, forged.record.gaveUp], [1, true]);
    assert.deepEqual(
      copied.record.attempts.map((a) => [a.status, a.duplicate ?? false]),
      [
        [200, false],
        [200, true],
      ],
    );
    assert.deepEqual(
      dropped.record.attempts.map((a) => a.error ?? a.status),
      ['dropped in transit (fault)', 200],
    );
    notifier.close();
  });

  it('records nothing after close and lets idle() resolve', async () => {
    const clock = createSimClock(1, 30_000);
    const notifier = createNotifier({
      clock,
      retries: true,
      isSuccess: () => true,
      retryAt: () => undefined,
      headers: () => ({}),
    });
    const j = job('http://127.0.0.1:9', { firstAt: clock.now() + 60_000 });
    const first = notifier.deliver(j);
    notifier.close();
    await first;
    await notifier.idle();
    assert.deepEqual(j.record.attempts, []);
  });
});
