import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { payAsCustomer } from './customer.js';
import { harness, type Received, TIME_SCALE, validSignature } from './testkit.js';

const SLOT = 15 * 60_000 * TIME_SCALE;
/** Retries and forgeries race other IPNs on their own timers: compare them by IPN number. */
const byIpn = (rs: Received[]) => [...rs].sort((a, b) => (a.ipn ?? 0) - (b.ipn ?? 0));

describe('lyra simulator: injected faults', { timeout: 30_000, concurrency: true }, () => {
  it('drop: the first attempt of each IPN is lost, the retry at the next slot delivers it', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    await payAsCustomer({
      checkout: checkout(),
      scenario: 'paid',
      faults: [{ kind: 'drop' }],
      followReturn: false,
    });
    await sim.idle();
    assert.deepEqual(
      byIpn(merchant.ipns()).map((r) => [
        r.ipn,
        r.attempt,
        r.fields.vads_url_check_src,
        r.fields.vads_trans_status,
      ]),
      [
        [1, 2, 'RETRY', 'AUTHORISED'],
        [2, 2, 'RETRY', 'CAPTURED'],
      ],
    );
    for (const ipn of sim.transactions()[0]?.ipns ?? []) {
      const [lost, retry] = ipn.attempts;
      assert.match(lost?.error ?? '', /dropped/);
      assert.equal(retry?.status, 200);
      assert.ok(lost && retry && retry.at >= (Math.floor(lost.at / SLOT) + 1) * SLOT);
      assert.equal(ipn.delivered, true);
    }
  });

  it('drop-all with retries off: nothing is ever delivered', async (t) => {
    const { sim, merchant, checkout } = await harness(t, { retries: false });
    await payAsCustomer({
      checkout: checkout(),
      scenario: 'paid',
      faults: [{ kind: 'drop-all' }],
      followReturn: false,
    });
    await sim.idle();
    assert.equal(merchant.ipns().length, 0);
    assert.deepEqual(
      sim.transactions()[0]?.ipns.map((i) => [i.delivered, i.gaveUp, i.attempts.length]),
      [
        [false, true, 1],
        [false, true, 1],
      ],
    );
  });

  it('drop-all with retries on: every retry is lost too, until maxRetries', async (t) => {
    const { sim, merchant, checkout } = await harness(t, { maxRetries: 2 });
    await payAsCustomer({
      checkout: checkout(),
      scenario: 'refused',
      faults: [{ kind: 'drop-all' }],
      followReturn: false,
    });
    await sim.idle();
    assert.equal(merchant.ipns().length, 0);
    assert.equal(sim.transactions()[0]?.ipns[0]?.attempts.length, 3);
  });

  it('delay: no IPN leaves before the delay (unscaled ms) has passed', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    const before = performance.now();
    await payAsCustomer({
      checkout: checkout(),
      scenario: 'refused',
      faults: [{ kind: 'delay', ms: 300 }],
      followReturn: false,
    });
    await sim.idle();
    const [ipn] = merchant.ipns();
    assert.ok(ipn && ipn.at - before >= 300, 'arrived after the delay');
    assert.equal(sim.transactions()[0]?.ipns[0]?.attempts.length, 1);
  });

  it('duplicate: each IPN arrives twice, the copy right after the delivery', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    await payAsCustomer({
      checkout: checkout(),
      scenario: 'paid',
      faults: [{ kind: 'duplicate' }],
      followReturn: false,
    });
    await sim.idle();
    const ipns = merchant.ipns();
    assert.deepEqual(
      ipns.map((r) => [r.ipn, r.fault]),
      [
        [1, null],
        [1, 'duplicate'],
        [2, null],
        [2, 'duplicate'],
      ],
    );
    assert.deepEqual({ ...ipns[0]?.fields }, { ...ipns[1]?.fields });
    assert.deepEqual({ ...ipns[2]?.fields }, { ...ipns[3]?.fields });
    const attempts = sim.transactions()[0]?.ipns[0]?.attempts;
    assert.deepEqual(
      attempts?.map((a) => [a.status, a.duplicate]),
      [
        [200, undefined],
        [200, true],
      ],
    );
  });

  it('reorder: the CAPTURED IPN arrives before the AUTHORISED one', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    const result = await payAsCustomer({
      checkout: checkout(),
      scenario: 'paid',
      faults: [{ kind: 'reorder' }],
    });
    assert.equal(result.returnPayload.fields.vads_trans_status, 'AUTHORISED');
    await sim.idle();
    const ipns = merchant.ipns();
    assert.deepEqual(
      ipns.map((r) => [r.ipn, r.fields.vads_trans_status, r.fields.vads_url_check_src]),
      [
        [2, 'CAPTURED', 'BATCH'],
        [1, 'AUTHORISED', 'PAY'],
      ],
    );
    assert.ok(ipns.every((r) => validSignature(r.fields)));
    assert.equal(sim.transactions()[0]?.finalStatus, 'CAPTURED');
  });

  it('bad-signature on a paid order: an extra forged REFUSED, marked, with an invalid signature', async (t) => {
    const { sim, merchant, checkout } = await harness(t, {
      answer: (r) =>
        validSignature(r.fields) ? { status: 200, body: 'OK' } : { status: 400, body: 'bad signature' },
    });
    await payAsCustomer({ checkout: checkout(), scenario: 'paid', faults: [{ kind: 'bad-signature' }] });
    await sim.idle();
    const ipns = merchant.ipns();
    assert.deepEqual(
      byIpn(ipns).map((r) => [r.ipn, r.fields.vads_trans_status, r.fault, validSignature(r.fields)]),
      [
        [1, 'AUTHORISED', null, true],
        [2, 'CAPTURED', null, true],
        [3, 'REFUSED', 'forged', false],
      ],
    );
    assert.equal(ipns[0]?.ipn, 1, 'the forgery follows the genuine IPN #1');
    const forged = sim.transactions()[0]?.ipns.find((i) => i.forged);
    assert.deepEqual(
      [forged?.n, forged?.status, forged?.delivered, forged?.gaveUp, forged?.attempts.length],
      [3, 'REFUSED', false, true, 1],
    );
    assert.equal(sim.transactions()[0]?.finalStatus, 'CAPTURED');
  });

  it('bad-signature on a refused payment: the forgery claims AUTHORISED', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    await payAsCustomer({ checkout: checkout(), scenario: 'refused', faults: [{ kind: 'bad-signature' }] });
    await sim.idle();
    const forged = merchant.ipns().find((r) => r.fault === 'forged');
    assert.equal(forged?.fields.vads_trans_status, 'AUTHORISED');
    assert.equal(forged?.fields.vads_result, '00');
    assert.ok(forged && !validSignature(forged.fields));
    assert.equal(merchant.ipns().length, 2);
  });

  it('wrong-amount: amount + 1 in every IPN and in the return, validly signed', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    const result = await payAsCustomer({
      checkout: checkout({ vads_amount: '2500' }),
      scenario: 'paid',
      faults: [{ kind: 'wrong-amount' }],
    });
    const ret = result.returnPayload.fields;
    assert.deepEqual(
      [ret.vads_amount, ret.vads_effective_amount, validSignature(ret)],
      ['2501', '2501', true],
    );
    await sim.idle();
    const ipns = merchant.ipns();
    assert.equal(ipns.length, 2);
    for (const r of ipns) {
      assert.deepEqual(
        [r.fields.vads_amount, r.fields.vads_effective_amount, r.fault, validSignature(r.fields)],
        ['2501', '2501', 'wrong-amount', true],
      );
    }
    const tx = sim.transactions()[0];
    assert.deepEqual([tx?.orderAmount, tx?.settledAmount], [2500, 2501]);
  });
});
