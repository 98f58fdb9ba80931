import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { payAsCustomer } from './customer.js';
import { isLyraSuccess } from './notifier.js';
import { harness, TIME_SCALE, validSignature } from './testkit.js';

const SLOT = 15 * 60_000 * TIME_SCALE;
const nextSlot = (at: number) => (Math.floor(at / SLOT) + 1) * SLOT;

describe('lyra simulator: IPN delivery policy', { timeout: 30_000, concurrency: true }, () => {
  it("knows Lyra's success list", () => {
    for (const s of [200, 201, 204, 206, 301, 302, 303, 307, 308])
      assert.equal(isLyraSuccess(s), true, String(s));
    for (const s of [100, 207, 300, 304, 400, 404, 500, 503])
      assert.equal(isLyraSuccess(s), false, String(s));
  });

  it('retries a 500 at the next slot boundary, with src RETRY, re-signed, then stops once delivered', async (t) => {
    const { sim, merchant, checkout } = await harness(t, {
      answer: (_, i) => (i === 0 ? { status: 500, body: 'boom' } : { status: 200, body: 'OK' }),
    });
    await payAsCustomer({ checkout: checkout(), scenario: 'refused', followReturn: false });
    await sim.idle();
    const [first, second] = merchant.ipns();
    assert.equal(merchant.ipns().length, 2);
    assert.deepEqual([first?.fields.vads_url_check_src, second?.fields.vads_url_check_src], ['PAY', 'RETRY']);
    assert.deepEqual([first?.attempt, second?.attempt, second?.ipn], [1, 2, 1]);
    assert.ok(second && validSignature(second.fields));
    const ipn = sim.transactions()[0]?.ipns[0];
    assert.deepEqual(
      ipn?.attempts.map((a) => [a.status, a.bodyStart]),
      [
        [500, 'boom'],
        [200, 'OK'],
      ],
    );
    assert.equal(ipn?.delivered, true);
    const [a0, a1] = ipn?.attempts ?? [];
    assert.ok(a0 && a1 && a1.at >= nextSlot(a0.at), 'the retry waits for the slot boundary');
  });

  it('counts a 302 as delivered and does not follow it', async (t) => {
    const { sim, merchant, checkout } = await harness(t, {
      answer: () => ({ status: 302, headers: { location: '/moved' } }),
    });
    await payAsCustomer({ checkout: checkout(), scenario: 'refused', followReturn: false });
    await sim.idle();
    const ipn = sim.transactions()[0]?.ipns[0];
    assert.equal(ipn?.delivered, true);
    assert.deepEqual(
      ipn?.attempts.map((a) => a.status),
      [302],
    );
    assert.ok(!merchant.received.some((r) => r.path === '/moved'));
  });

  it('counts an answer slower than the scaled timeout (2 s floor) as a failure', async (t) => {
    let release!: () => void;
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    t.after(() => release());
    const { sim, checkout } = await harness(t, {
      answer: (_, i) => (i === 0 ? { status: 200, hold: slow } : { status: 200, body: 'OK' }),
    });
    await payAsCustomer({ checkout: checkout(), scenario: 'refused', followReturn: false });
    await sim.idle();
    const ipn = sim.transactions()[0]?.ipns[0];
    assert.match(ipn?.attempts[0]?.error ?? '', /timeout after 2000 ms/);
    assert.equal(ipn?.attempts[0]?.status, undefined);
    assert.ok((ipn?.attempts[0]?.latencyMs ?? 0) >= 1500);
    assert.equal(ipn?.attempts[1]?.status, 200);
    assert.equal(ipn?.delivered, true);
  });

  it('gives up after maxRetries retries (Lyra: 4), then marks the IPN failed', async (t) => {
    const { sim, merchant, checkout } = await harness(t, { answer: () => ({ status: 503 }) });
    await payAsCustomer({ checkout: checkout(), scenario: 'refused', followReturn: false });
    await sim.idle();
    const ipn = sim.transactions()[0]?.ipns[0];
    assert.equal(ipn?.attempts.length, 5);
    assert.deepEqual([ipn?.delivered, ipn?.gaveUp], [false, true]);
    assert.deepEqual(
      merchant.ipns().map((r) => r.attempt),
      [1, 2, 3, 4, 5],
    );
    const ats = ipn?.attempts.map((a) => a.at) ?? [];
    for (let i = 1; i < ats.length; i++) assert.ok((ats[i] ?? 0) >= nextSlot(ats[i - 1] ?? 0));
  });

  it('honours a smaller maxRetries, and records network errors as failures', async (t) => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/ipn`;
    await new Promise((resolve) => closed.close(resolve));
    const { sim, checkout } = await harness(t, { maxRetries: 1 });
    await payAsCustomer({
      checkout: checkout({ vads_url_check: deadUrl }),
      scenario: 'refused',
      followReturn: false,
    });
    await sim.idle();
    const ipn = sim.transactions()[0]?.ipns[0];
    assert.deepEqual(
      ipn?.attempts.map((a) => a.error),
      ['ECONNREFUSED', 'ECONNREFUSED'],
    );
    assert.equal(ipn?.gaveUp, true);
  });

  it('makes a single attempt when automatic retry is off', async (t) => {
    const { sim, merchant, checkout } = await harness(t, { retries: false, answer: () => ({ status: 404 }) });
    await payAsCustomer({ checkout: checkout(), scenario: 'paid', followReturn: false });
    await sim.idle();
    const tx = sim.transactions()[0];
    assert.deepEqual(
      tx?.ipns.map((i) => [i.attempts.length, i.attempts[0]?.status, i.gaveUp]),
      [
        [1, 404, true],
        [1, 404, true],
      ],
    );
    assert.equal(merchant.ipns().length, 2);
  });
});
