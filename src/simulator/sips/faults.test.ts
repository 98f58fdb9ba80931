import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { payAsCustomer } from './customer.js';
import { harness, type Received, validSeal } from './testkit.js';

/** Forgeries race retries on their own timers: compare by response number, then attempt. */
const ordered = (rs: Received[]) =>
  [...rs].sort((a, b) => (a.response ?? 0) - (b.response ?? 0) || (a.attempt ?? 0) - (b.attempt ?? 0));

describe('sips simulator: injected faults', { timeout: 30_000, concurrency: true }, () => {
  it('drop: the first attempt is lost, the retry delivers it', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    await payAsCustomer({
      checkout: checkout(),
      scenario: 'paid',
      faults: [{ kind: 'drop' }],
      followReturn: false,
    });
    await sim.idle();
    assert.deepEqual(
      merchant.notices().map((r) => [r.response, r.attempt]),
      [[1, 2]],
    );
    const response = sim.transactions()[0]?.responses[0];
    assert.deepEqual(
      response?.attempts.map((a) => a.error ?? a.status),
      ['dropped in transit (fault)', 200],
    );
  });

  it('drop-all: nothing ever arrives; the manual response still carries the outcome', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    const result = await payAsCustomer({
      checkout: checkout(),
      scenario: 'paid',
      faults: [{ kind: 'drop-all' }],
    });
    await sim.idle();
    assert.equal(merchant.notices().length, 0);
    assert.ok(validSeal(result.returnPayload.fields));
    const response = sim.transactions()[0]?.responses[0];
    assert.deepEqual([response?.delivered, response?.gaveUp, response?.attempts.length], [false, true, 4]);
  });

  it('delay: the first attempt waits the (unscaled) delay', async (t) => {
    const { sim, checkout } = await harness(t);
    const before = performance.now();
    await payAsCustomer({
      checkout: checkout(),
      scenario: 'refused',
      faults: [{ kind: 'delay', ms: 60 }],
      followReturn: false,
    });
    await sim.idle();
    assert.ok(performance.now() - before >= 60);
    assert.equal(sim.transactions()[0]?.responses[0]?.delivered, true);
  });

  it('duplicate: the delivered response is sent once more, identical, tagged duplicate', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    await payAsCustomer({
      checkout: checkout(),
      scenario: 'paid',
      faults: [{ kind: 'duplicate' }],
      followReturn: false,
    });
    await sim.idle();
    const [a, b] = merchant.notices();
    assert.equal(merchant.notices().length, 2);
    assert.equal(a?.body.toString(), b?.body.toString());
    assert.deepEqual([a?.fault, b?.fault], [null, 'duplicate']);
    assert.deepEqual(
      sim.transactions()[0]?.responses[0]?.attempts.map((x) => x.duplicate ?? false),
      [false, true],
    );
  });

  it('bad-signature: an extra response claims the opposite outcome, wrongly sealed, tagged forged, never retried', async (t) => {
    const { sim, merchant, checkout } = await harness(t, {
      answer: (req) => (req.fault?.includes('forged') ? { status: 400 } : { status: 200 }),
    });
    await payAsCustomer({
      checkout: checkout(),
      scenario: 'paid',
      faults: [{ kind: 'bad-signature' }],
      followReturn: false,
    });
    await payAsCustomer({
      checkout: checkout(),
      scenario: 'refused',
      faults: [{ kind: 'bad-signature' }],
      followReturn: false,
    });
    await sim.idle();
    const byRef = (ref: string) =>
      ordered(merchant.notices().filter((r) => r.data.transactionReference === ref));
    const [paid, refused] = sim.transactions();
    for (const [tx, genuine, claim] of [
      [paid, '00', '05'],
      [refused, '05', '00'],
    ] as const) {
      const [real, forged] = byRef(tx?.transactionReference ?? '');
      assert.deepEqual([real?.data.responseCode, real?.fault], [genuine, null]);
      assert.ok(real && validSeal(real.form));
      assert.deepEqual([forged?.data.responseCode, forged?.fault], [claim, 'forged']);
      assert.ok(forged && !validSeal(forged.form), 'the forgery does not carry a valid seal');
      assert.deepEqual(
        tx?.responses.map((r) => [r.n, r.forged, r.attempts.length, r.gaveUp]),
        [
          [1, false, 1, false],
          [2, true, 1, true],
        ],
      );
    }
    assert.equal(sim.transactions()[0]?.outcome, 'ACCEPTED', 'a forgery changes nothing at the platform');
  });

  it('wrong-amount: amount + 1 in every genuine response, correctly sealed and tagged; forgeries tagged both', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    const result = await payAsCustomer({
      checkout: checkout(),
      scenario: 'paid',
      faults: [{ kind: 'wrong-amount' }, { kind: 'bad-signature' }],
      followReturn: false,
    });
    await sim.idle();
    const [real, forged] = ordered(merchant.notices());
    assert.deepEqual([real?.data.amount, real?.fault], ['1525', 'wrong-amount']);
    assert.ok(real && validSeal(real.form));
    assert.equal(forged?.fault, 'forged,wrong-amount');
    assert.match(result.returnPayload.fields.Data ?? '', /\|amount=1525\|/);
    const [tx] = sim.transactions();
    assert.deepEqual([tx?.orderAmount, tx?.settledAmount], [1524, 1525]);
  });

  it('reorder: recorded, changes nothing (Sips sends one automatic response per payment)', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    await payAsCustomer({
      checkout: checkout(),
      scenario: 'paid',
      faults: [{ kind: 'reorder' }],
      followReturn: false,
    });
    await sim.idle();
    assert.equal(merchant.notices().length, 1);
    assert.deepEqual(sim.transactions()[0]?.faults, [{ kind: 'reorder' }]);
  });
});
