import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeForm } from '../../gateways/_shared/form-codec.js';
import { startLyraSimulator } from './server.js';
import {
  checkoutFields,
  SHA1_SHOP,
  SHOP,
  signCheckout,
  startMerchant,
  type TestMerchant,
} from './testkit.js';
import type { LyraSimulator } from './types.js';

describe('lyra simulator: checkout form', { timeout: 20_000 }, () => {
  let sim: LyraSimulator;
  let merchant: TestMerchant;
  before(async () => {
    merchant = await startMerchant();
    sim = await startLyraSimulator({ shops: [SHOP, SHA1_SHOP], timeScale: 0.0005, seed: 1 });
  });
  after(async () => {
    await sim.close();
    await merchant.close();
  });

  const post = (fields: Record<string, string>, accept = 'text/html') =>
    fetch(sim.paymentUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept },
      body: encodeForm(fields),
    });

  it('shows a hosted page whose form posts a txn token to /vads-payment/pay', async () => {
    const res = await post(checkoutFields(SHOP, merchant));
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<form method="POST" action="\/vads-payment\/pay">/);
    const txn = /name="txn" value="([^"]+)"/.exec(html)?.[1];
    assert.ok(txn);
    assert.ok(sim.transactions().some((t) => t.txn === txn && t.scenario === null && t.finalStatus === null));
    for (const scenario of ['paid', 'refused', 'cancelled', 'authorised-only']) {
      assert.ok(html.includes(`name="scenario" value="${scenario}"`), scenario);
    }
  });

  it('answers JSON { txn } when asked, and accepts SHA-1 shops', async () => {
    const fields = checkoutFields(SHA1_SHOP, merchant, { vads_amount: '990' });
    const res = await post(fields, 'application/json');
    assert.equal(res.status, 200);
    const { txn } = (await res.json()) as { txn: string };
    const tx = sim.transactions().find((t) => t.txn === txn);
    assert.equal(tx?.siteId, SHA1_SHOP.siteId);
    assert.equal(tx?.orderAmount, 990);
    assert.equal(tx?.transId, fields.vads_trans_id);
    assert.equal(tx?.notifyUrl, merchant.ipnUrl);
    assert.match(tx?.uuid ?? '', /^[0-9a-f]{32}$/);
  });

  it('rejects a bad signature with 400 and a page naming the problem', async () => {
    const fields = { ...checkoutFields(SHOP, merchant), vads_amount: '1' };
    const res = await post(fields);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /signature/i);
    const json = await post({ ...checkoutFields(SHOP, merchant), signature: 'nope' }, 'application/json');
    assert.equal(json.status, 400);
    assert.equal(((await json.json()) as { error: { code: string } }).error.code, 'bad-signature');
  });

  it('rejects an unknown shop, a missing required field and a bad value', async () => {
    const unknown = await post(checkoutFields({ ...SHOP, siteId: '99999999' }, merchant));
    assert.equal(unknown.status, 400);
    assert.match(await unknown.text(), /99999999/);

    const { vads_ctx_mode: _, ...rest } = checkoutFields(SHOP, merchant);
    const withoutCtx = await post(signCheckout(SHOP, rest), 'application/json');
    assert.equal(withoutCtx.status, 400);
    assert.deepEqual(
      ((await withoutCtx.json()) as { error: { field: string } }).error.field,
      'vads_ctx_mode',
    );

    const badUrl = await post(checkoutFields(SHOP, merchant, { vads_url_check: 'ftp://x' }));
    assert.equal(badUrl.status, 400);
    assert.match(await badUrl.text(), /vads_url_check/);
  });

  it('rejects a trans id already used that UTC day, case-insensitively, with an error-30 page', async () => {
    const first = await post(checkoutFields(SHOP, merchant, { vads_trans_id: 'ab12cd' }));
    assert.equal(first.status, 200);
    const again = await post(
      checkoutFields(SHOP, merchant, { vads_trans_id: 'AB12CD', vads_trans_date: '20260105235959' }),
    );
    assert.equal(again.status, 400);
    const page = await again.text();
    assert.match(page, /error 30/i);
    assert.match(page, /vads_trans_id/);
    const nextDay = await post(
      checkoutFields(SHOP, merchant, { vads_trans_id: 'ab12cd', vads_trans_date: '20260106000001' }),
    );
    assert.equal(nextDay.status, 200);
    const otherShop = await post(checkoutFields(SHA1_SHOP, merchant, { vads_trans_id: 'ab12cd' }));
    assert.equal(otherShop.status, 200);
  });
});
