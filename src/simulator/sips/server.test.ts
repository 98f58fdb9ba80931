import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeForm } from '../../gateways/_shared/form-codec.js';
import { payAsCustomer } from './customer.js';
import { dataOf, harness, SHOP, validSeal } from './testkit.js';

describe('sips simulator: payment flows', { timeout: 30_000, concurrency: true }, () => {
  it('paid: responseCode 00 AUTHOR_CAPTURE in the manual response and one automatic response, both sealed', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    const form = checkout({ data: { transactionReference: 'paid1', orderId: 'order-paid' } });
    const result = await payAsCustomer({ checkout: form, scenario: 'paid' });
    assert.equal(result.returnStatus, 200);
    const back = merchant.received.find((r) => r.path === '/return');
    assert.ok(back && validSeal(back.form));
    assert.deepEqual({ ...back.form }, result.returnPayload.fields);
    assert.equal(result.returnPayload.returnUrl, merchant.returnUrl);
    assert.deepEqual(Object.keys(back.form), ['Data', 'Encode', 'Seal', 'InterfaceVersion']);
    assert.equal(back.form.InterfaceVersion, 'HP_2.24');
    assert.equal(back.form.Encode, '');

    await sim.idle();
    const notices = merchant.notices();
    assert.equal(notices.length, 1);
    const [notice] = notices;
    assert.ok(notice && validSeal(notice.form));
    assert.equal(notice.form.Data, back.form.Data, 'manual and automatic responses carry the same Data');
    assert.match(notice.headers['content-type'] ?? '', /^application\/x-www-form-urlencoded/);
    assert.equal(notice.headers['user-agent'], 'sips-simulator');
    assert.equal(notice.fault, null);
    const data = notice.data;
    assert.equal(data.responseCode, '00');
    assert.equal(data.acquirerResponseCode, '00');
    assert.equal(data.captureMode, 'AUTHOR_CAPTURE');
    assert.equal(data.captureDay, '0');
    assert.equal(data.merchantId, SHOP.merchantId);
    assert.equal(data.keyVersion, '1');
    assert.equal(data.transactionReference, 'paid1');
    assert.equal(data.orderId, 'order-paid');
    assert.equal(data.amount, '1524');
    assert.equal(data.currencyCode, '978');
    assert.match(data.authorisationId ?? '', /^\d{6}$/);
    assert.match(data.transactionDateTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    assert.equal(data.maskedPan, '4100##########00');
    assert.equal(data.customerMobilePhone, 'null');

    const [tx] = sim.transactions();
    assert.ok(tx);
    assert.deepEqual(
      [tx.txn, tx.scenario, tx.outcome, tx.settledAmount, tx.orderAmount],
      [result.txn, 'paid', 'ACCEPTED', 1524, 1524],
    );
    assert.deepEqual(
      tx.responses.map((r) => [r.n, r.responseCode, r.forged, r.delivered, r.gaveUp, r.attempts.length]),
      [[1, '00', false, true, false, 1]],
    );
    assert.deepEqual(sim.transaction(result.txn), tx);
  });

  it('refused: 05 with a card but no authorisationId', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    await payAsCustomer({ checkout: checkout(), scenario: 'refused', followReturn: false });
    await sim.idle();
    const [notice] = merchant.notices();
    assert.deepEqual(
      [notice?.data.responseCode, notice?.data.acquirerResponseCode, notice?.data.authorisationId],
      ['05', '05', undefined],
    );
    assert.equal(notice?.data.paymentMeanBrand, 'VISA');
    assert.equal(sim.transactions()[0]?.outcome, 'REFUSED');
  });

  it('cancelled: 17 without card data', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    await payAsCustomer({ checkout: checkout(), scenario: 'cancelled', followReturn: false });
    await sim.idle();
    const data = merchant.notices()[0]?.data ?? {};
    assert.equal(data.responseCode, '17');
    for (const name of ['acquirerResponseCode', 'authorisationId', 'maskedPan', 'paymentMeanBrand']) {
      assert.equal(data[name], undefined, name);
    }
    assert.equal(sim.transactions()[0]?.outcome, 'CANCELLED');
  });

  it('authorised-only: 00 with captureMode VALIDATION', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    await payAsCustomer({ checkout: checkout(), scenario: 'authorised-only', followReturn: false });
    await sim.idle();
    assert.deepEqual(
      merchant.notices().map((n) => [n.data.responseCode, n.data.captureMode]),
      [['00', 'VALIDATION']],
    );
    assert.ok(!merchant.received.some((r) => r.path === '/return'), 'followReturn: false');
    assert.equal(sim.transactions()[0]?.outcome, 'ACCEPTED_TO_VALIDATE');
  });

  it('seals the responses with the legacy SHA-256 and encodes Data as the request did', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    await payAsCustomer({
      checkout: checkout({ algorithm: 'SHA-256', encode: true, data: { captureMode: 'IMMEDIATE' } }),
      scenario: 'paid',
      followReturn: false,
    });
    await sim.idle();
    const [notice] = merchant.notices();
    assert.ok(notice);
    assert.equal(notice.form.Encode, 'base64');
    assert.ok(validSeal(notice.form, 'SHA-256'));
    assert.ok(!validSeal(notice.form, 'HMAC-SHA-256'));
    assert.deepEqual([notice.data.responseCode, notice.data.captureMode], ['00', 'IMMEDIATE']);
  });

  it('sends no automatic response when the form names no automaticResponseUrl', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    const result = await payAsCustomer({
      checkout: checkout({ data: { automaticResponseUrl: undefined } }),
      scenario: 'paid',
    });
    await sim.idle();
    assert.equal(result.returnStatus, 200);
    assert.equal(merchant.notices().length, 0);
    assert.deepEqual(sim.transactions()[0]?.responses, []);
  });

  it('refuses a bad paymentInit with 400: an HTML error page naming the responseCode, or JSON', async (t) => {
    const { sim, checkout } = await harness(t);
    const { url, fields } = checkout({ seal: '0'.repeat(64) });
    const page = await fetch(url, { method: 'POST', body: new URLSearchParams(fields) });
    assert.equal(page.status, 400);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await page.text(), /responseCode 34/);
    const json = await fetch(url, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: new URLSearchParams(checkout({ data: { merchantId: '123' } }).fields),
    });
    assert.equal(json.status, 400);
    const { error } = (await json.json()) as { error: { responseCode: string; field: string } };
    assert.deepEqual([error.responseCode, error.field], ['03', 'merchantId']);
    const again = checkout({ data: { transactionReference: 'twice1' } });
    await payAsCustomer({ checkout: again, scenario: 'refused', followReturn: false });
    const reused = await fetch(again.url, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: new URLSearchParams(again.fields),
    });
    assert.equal(((await reused.json()) as { error: { responseCode: string } }).error.responseCode, '94');
    assert.equal(sim.transactions().length, 1);
    assert.equal((await fetch(`${sim.url}/paypage/paymentInit`)).status, 405);
    assert.equal((await fetch(`${sim.url}/nowhere`, { method: 'POST' })).status, 404);
  });

  it('serves the HTML flow: Paypage, urlencoded /pay with fault checkboxes, auto-submitting return', async (t) => {
    const { sim, merchant, checkout } = await harness(t);
    const { url, fields } = checkout();
    const page = await fetch(url, { method: 'POST', body: new URLSearchParams(fields) });
    const html = await page.text();
    assert.match(html, /action="\/paypage\/pay"/);
    const txn = /name="txn" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const paid = await fetch(`${sim.apiBase}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encodeForm([
        { name: 'txn', value: txn },
        { name: 'fault', value: 'duplicate' },
        { name: 'scenario', value: 'refused' },
      ]),
    });
    assert.equal(paid.status, 200);
    const back = await paid.text();
    assert.ok(back.includes(`action="${merchant.returnUrl}"`));
    assert.match(back, /name="Seal" value="[0-9a-f]{64}"/);
    assert.match(back, /\.submit\(\)/);
    await sim.idle();
    assert.deepEqual(sim.transactions()[0]?.faults, [{ kind: 'duplicate' }]);
    assert.equal(merchant.notices().length, 2);
    assert.equal(dataOf(merchant.notices()[0]?.form ?? {}).responseCode, '05');
  });

  it('answers /pay errors: unknown txn 404, bad scenario or fault 400, a second action 409', async (t) => {
    const { sim, checkout } = await harness(t);
    const pay = (body: unknown) =>
      fetch(`${sim.apiBase}/pay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    assert.equal((await pay({ txn: 'nope', scenario: 'paid' })).status, 404);
    const { txn } = await payAsCustomer({ checkout: checkout(), scenario: 'refused', followReturn: false });
    assert.equal((await pay({ txn, scenario: 'paid' })).status, 409);
    const other = await fetch(checkout().url, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: new URLSearchParams(checkout().fields),
    });
    const { txn: fresh } = (await other.json()) as { txn: string };
    assert.equal((await pay({ txn: fresh, scenario: 'stolen' })).status, 400);
    assert.equal((await pay({ txn: fresh, scenario: 'paid', faults: [{ kind: 'meteor' }] })).status, 400);
    assert.equal(sim.transaction(fresh)?.scenario, null);
  });
});
