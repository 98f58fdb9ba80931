import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MIN_TIMEOUT_MS } from '../_shared/clock.js';
import { createClock, RETRY_DELAYS_MS } from './clock.js';
import { payAsCustomer } from './customer.js';
import { isSipsSuccess } from './notifier.js';
import { harness, TIME_SCALE, validSeal } from './testkit.js';

describe('sips simulator: clock', () => {
  it('scales durations and the 30 s answer timeout, with a 2 s floor', () => {
    assert.equal(createClock(1).timeoutMs, 30_000);
    assert.equal(createClock(0.001).timeoutMs, MIN_TIMEOUT_MS);
    assert.equal(createClock(0.5).scaled(60_000), 30_000);
    assert.throws(() => createClock(0), RangeError);
  });
});

describe('sips simulator: automatic response delivery', { timeout: 30_000, concurrency: true }, () => {
  it('counts only 2xx as delivered', () => {
    for (const s of [200, 201, 204, 299]) assert.equal(isSipsSuccess(s), true, String(s));
    for (const s of [100, 301, 302, 400, 404, 500, 503]) assert.equal(isSipsSuccess(s), false, String(s));
  });

  it('retries a 500 after 1 minute (scaled), the same sealed form, then stops once delivered', async (t) => {
    const { sim, merchant, checkout } = await harness(t, {
      answer: (_, i) => (i === 0 ? { status: 500, body: 'boom' } : { status: 200 }),
    });
    await payAsCustomer({ checkout: checkout(), scenario: 'refused', followReturn: false });
    await sim.idle();
    const [first, second] = merchant.notices();
    assert.equal(merchant.notices().length, 2);
    assert.deepEqual([first?.attempt, second?.attempt, second?.response], [1, 2, 1]);
    assert.equal(second?.form.Data, first?.form.Data);
    assert.ok(second && validSeal(second.form));
    const response = sim.transactions()[0]?.responses[0];
    assert.deepEqual(
      response?.attempts.map((a) => [a.status, a.bodyStart]),
      [
        [500, 'boom'],
        [200, ''],
      ],
    );
    assert.equal(response?.delivered, true);
    const [a0, a1] = response?.attempts ?? [];
    assert.ok(a0 && a1 && a1.at - a0.at >= (RETRY_DELAYS_MS[0] ?? 0) * TIME_SCALE, 'the retry waits');
  });

  it('gives up after 3 retries (4 attempts), a redirect counting as a failure', async (t) => {
    const { sim, merchant, checkout } = await harness(t, { answer: () => ({ status: 302 }) });
    await payAsCustomer({ checkout: checkout(), scenario: 'paid', followReturn: false });
    await sim.idle();
    const response = sim.transactions()[0]?.responses[0];
    assert.equal(response?.attempts.length, RETRY_DELAYS_MS.length + 1);
    assert.deepEqual([response?.delivered, response?.gaveUp], [false, true]);
    assert.deepEqual(
      merchant.notices().map((r) => r.attempt),
      [1, 2, 3, 4],
    );
  });

  it('makes a single attempt when retries are off', async (t) => {
    const { sim, merchant, checkout } = await harness(t, { retries: false, answer: () => ({ status: 503 }) });
    await payAsCustomer({ checkout: checkout(), scenario: 'paid', followReturn: false });
    await sim.idle();
    assert.equal(merchant.notices().length, 1);
    assert.equal(sim.transactions()[0]?.responses[0]?.gaveUp, true);
  });

  it('close() stops pending retries and resolves; nothing is recorded after it', async (t) => {
    const { sim, merchant, checkout } = await harness(t, { answer: () => ({ status: 500 }) });
    await payAsCustomer({ checkout: checkout(), scenario: 'refused', followReturn: false });
    while (merchant.notices().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await sim.close();
    await sim.idle();
    const response = sim.transactions()[0]?.responses[0];
    assert.ok((response?.attempts.length ?? 0) <= 1);
    assert.equal(response?.delivered, false);
  });
});
