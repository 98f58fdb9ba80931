import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notificationBody } from './notification.js';
import { notifyUrlOf, startAdyenSimulator } from './server.js';
import type { SimLink } from './types.js';

const KEY = 'DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00';

describe('adyen simulator', () => {
  it('derives the webhook URL from quittance return URL', () => {
    assert.equal(notifyUrlOf('http://127.0.0.1:4000/return/shop/pay_1'), 'http://127.0.0.1:4000/notify/shop');
    assert.equal(notifyUrlOf('https://q.example/base/return/a/p'), 'https://q.example/base/notify/a');
    assert.throws(() => notifyUrlOf('https://shop.example/thanks'));
  });

  it('signs the published vector fields as Adyen does', () => {
    const link = {
      merchantAccount: 'merchantAccount',
      reference: 'reference',
      amount: { value: 1000, currency: 'EUR' },
      id: 'PL1',
    } as SimLink;
    const body = JSON.parse(
      notificationBody(
        link,
        {
          eventCode: 'REPORT_AVAILABLE',
          success: true,
          pspReference: 'pspReference',
          originalReference: 'originalReference',
          amountValue: 1000,
        },
        KEY,
      ),
    );
    const item = body.notificationItems[0].NotificationRequestItem;
    assert.equal(item.additionalData.hmacSignature, 'ZNBPtI+oDyyRrLyD1XirkKnQgIAlFc07Vj27TeHsDRE=');
    assert.equal(body.live, 'false');
  });

  it('creates links only with a known API key and the merchant account, and answers GET about them', async () => {
    const sim = await startAdyenSimulator({
      apiKeys: ['k1'],
      hmacKey: KEY,
      merchantAccount: 'M',
      timeScale: 0.001,
    });
    try {
      const create = (key: string, body: unknown) =>
        fetch(`${sim.apiBase}/paymentLinks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key },
          body: JSON.stringify(body),
        });
      const good = {
        reference: 'pay_1',
        merchantAccount: 'M',
        amount: { value: 1250, currency: 'EUR' },
        returnUrl: 'http://127.0.0.1:1/return/shop/pay_1',
      };
      assert.equal((await create('wrong', good)).status, 401);
      assert.equal((await create('k1', { ...good, merchantAccount: 'Other' })).status, 403);
      assert.equal((await create('k1', { ...good, amount: { value: 1.5, currency: 'EUR' } })).status, 422);
      const created = await create('k1', good);
      assert.equal(created.status, 201);
      const link = (await created.json()) as { id: string; url: string; status: string };
      assert.equal(link.status, 'active');
      assert.equal(sim.link(link.id)?.webhookUrl, 'http://127.0.0.1:1/notify/shop');
      const got = await fetch(`${sim.apiBase}/paymentLinks/${link.id}`, { headers: { 'x-api-key': 'k1' } });
      assert.equal(((await got.json()) as { status: string }).status, 'active');
      const unknown = await fetch(`${sim.apiBase}/paymentLinks/PL0000`, { headers: { 'x-api-key': 'k1' } });
      assert.equal(unknown.status, 422);
    } finally {
      await sim.close();
    }
  });
});
