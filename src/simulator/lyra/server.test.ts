import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeForm } from '../../gateways/_shared/form-codec.js';
import { payAsCustomer } from './customer.js';
import { harness, validSignature } from './testkit.js';

describe('lyra simulator: payment flows', { timeout: 30_000, concurrency: true }, () => {
  it('paid: return AUTHORISED, then IPN AUTHORISED (PAY) and IPN CAPTURED (BATCH), all validly signed', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    const result = await payAsCustomer({
      checkout: checkout({ vads_order_id: 'order-paid' }),
      scenario: 'paid',
    });
    assert.equal(result.returnStatus, 302);
    assert.equal(result.location, '/thanks');
    const back = merchant.received.find((r) => r.path === '/return');
    assert.ok(back && validSignature(back.fields));
    assert.equal(back.fields.vads_trans_status, 'AUTHORISED');
    assert.equal(back.fields.vads_url_check_src, undefined);
    assert.deepEqual({ ...back.fields }, result.returnPayload.fields);
    assert.equal(result.returnPayload.method, 'POST');

    await sim.idle();
    const ipns = merchant.ipns();
    assert.deepEqual(
      ipns.map((r) => [r.fields.vads_trans_status, r.fields.vads_url_check_src, r.ipn]),
      [
        ['AUTHORISED', 'PAY', 1],
        ['CAPTURED', 'BATCH', 2],
      ],
    );
    const [tx] = sim.transactions();
    assert.ok(tx);
    for (const ipn of ipns) {
      assert.ok(validSignature(ipn.fields), 'signature');
      assert.equal(ipn.headers['user-agent'], 'lyra-simulator');
      assert.equal(ipn.fields.vads_trans_uuid, tx.uuid);
      assert.equal(ipn.fields.vads_order_id, 'order-paid');
      assert.equal(ipn.fields.vads_effective_amount, '1524');
      assert.equal(ipn.fields.vads_effective_currency, '978');
      assert.equal(ipn.fields.vads_operation_type, 'DEBIT');
      assert.equal(ipn.fields.vads_result, '00');
      assert.match(ipn.fields.vads_auth_number ?? '', /^\d{6}$/);
      assert.match(ipn.fields.vads_hash ?? '', /^[0-9a-f]+$/);
    }
    assert.equal(tx.txn, result.txn);
    assert.equal(tx.scenario, 'paid');
    assert.equal(tx.finalStatus, 'CAPTURED');
    assert.equal(tx.settledAmount, 1524);
    assert.deepEqual(
      tx.ipns.map((i) => [i.n, i.status, i.delivered, i.gaveUp, i.attempts.length, i.attempts[0]?.status]),
      [
        [1, 'AUTHORISED', true, false, 1, 200],
        [2, 'CAPTURED', true, false, 1, 200],
      ],
    );
    assert.equal(tx.ipns[0]?.attempts[0]?.bodyStart, 'OK');
  });

  it('refused: one IPN REFUSED with vads_result 05 and no auth number', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    const result = await payAsCustomer({ checkout: checkout(), scenario: 'refused' });
    assert.equal(result.returnPayload.fields.vads_trans_status, 'REFUSED');
    await sim.idle();
    const [ipn] = merchant.ipns();
    assert.equal(merchant.ipns().length, 1);
    assert.ok(ipn && validSignature(ipn.fields));
    assert.equal(ipn.fields.vads_trans_status, 'REFUSED');
    assert.equal(ipn.fields.vads_result, '05');
    assert.equal(ipn.fields.vads_auth_number, undefined);
    assert.equal(sim.transactions()[0]?.finalStatus, 'REFUSED');
  });

  it('cancelled: ABANDONED with vads_result 17, the shopper sent to vads_url_cancel when given', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    const cancelUrl = `${merchant.url}/cancelled`;
    const result = await payAsCustomer({
      checkout: checkout({ vads_url_cancel: cancelUrl }),
      scenario: 'cancelled',
    });
    assert.equal(result.returnPayload.returnUrl, cancelUrl);
    assert.ok(merchant.received.some((r) => r.path === '/cancelled'));
    await sim.idle();
    assert.deepEqual(
      merchant.ipns().map((r) => [r.fields.vads_trans_status, r.fields.vads_result]),
      [['ABANDONED', '17']],
    );
    assert.equal(sim.transactions()[0]?.finalStatus, 'ABANDONED');
  });

  it('authorised-only: AUTHORISED_TO_VALIDATE and no capture', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    await payAsCustomer({ checkout: checkout(), scenario: 'authorised-only', followReturn: false });
    await sim.idle();
    assert.deepEqual(
      merchant.ipns().map((r) => r.fields.vads_trans_status),
      ['AUTHORISED_TO_VALIDATE'],
    );
    assert.ok(!merchant.received.some((r) => r.path === '/return'), 'followReturn: false');
    assert.equal(sim.transactions()[0]?.finalStatus, 'AUTHORISED_TO_VALIDATE');
  });

  it('serves the HTML flow: hosted page, urlencoded /pay with fault checkboxes, auto-submitting return', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    const { url, fields } = checkout();
    const page = await fetch(url, { method: 'POST', body: new URLSearchParams(fields) });
    const txn = /name="txn" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const paid = await fetch(`${sim.url}/vads-payment/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encodeForm([
        { name: 'txn', value: txn },
        { name: 'fault', value: 'duplicate' },
        { name: 'scenario', value: 'refused' },
      ]),
    });
    assert.equal(paid.status, 200);
    const html = await paid.text();
    assert.ok(html.includes(`action="${merchant.returnUrl}"`));
    assert.match(html, /name="vads_trans_status" value="REFUSED"/);
    assert.match(html, /\.submit\(\)/);
    await sim.idle();
    assert.deepEqual(sim.transactions()[0]?.faults, [{ kind: 'duplicate' }]);
    assert.equal(merchant.ipns().length, 2);
  });

  it('answers /pay errors: unknown txn 404, bad scenario or fault 400, a second action 409', async (t) => {
    const { sim, checkout } = await harness(t);
    const pay = (body: unknown) =>
      fetch(`${sim.url}/vads-payment/pay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    assert.equal((await pay({ txn: 'nope', scenario: 'paid' })).status, 404);
    const { txn } = await payAsCustomer({ checkout: checkout(), scenario: 'refused', followReturn: false });
    assert.equal((await pay({ txn, scenario: 'paid' })).status, 409);
    const other = await fetch(sim.paymentUrl, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: new URLSearchParams(checkout().fields),
    });
    const { txn: fresh } = (await other.json()) as { txn: string };
    assert.equal((await pay({ txn: fresh, scenario: 'stolen' })).status, 400);
    assert.equal((await pay({ txn: fresh, scenario: 'paid', faults: [{ kind: 'meteor' }] })).status, 400);
    assert.equal((await pay({ txn: fresh, scenario: 'paid', faults: [{ kind: 'delay' }] })).status, 400);
    assert.equal(sim.transactions().find((tx) => tx.txn === fresh)?.scenario, null);
  });

  it('idle() resolves at once with nothing to do, and only after a held delivery is answered', async (t) => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { sim, merchant, checkout } = await harness(t, { answer: () => ({ status: 200, hold: held }) });
    await sim.idle();
    await payAsCustomer({ checkout: checkout(), scenario: 'refused', followReturn: false });
    let idle = false;
    const idled = sim.idle().then(() => {
      idle = true;
    });
    await merchant.waitForIpns(1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(idle, false, 'a delivery is in flight');
    assert.equal(sim.transactions()[0]?.ipns[0]?.attempts.length, 0);
    release();
    await idled;
    assert.equal(sim.transactions()[0]?.ipns[0]?.delivered, true);
  });

  it('close() stops pending retries and resolves; nothing is recorded after it', async (t) => {
    const { sim, merchant, checkout } = await harness(t, { answer: () => ({ status: 500 }) });
    await payAsCustomer({ checkout: checkout(), scenario: 'refused', followReturn: false });
    await merchant.waitForIpns(1);
    await sim.close();
    await sim.idle();
    const ipn = sim.transactions()[0]?.ipns[0];
    assert.ok((ipn?.attempts.length ?? 0) <= 1);
    assert.deepEqual([ipn?.delivered, merchant.ipns().length], [false, 1]);
  });
});
