import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OUR_ID, testAccount, webhook } from './fixtures/orders.js';
import { verifyTalerWebhook } from './webhook.js';

describe('taler webhooks', () => {
  it('a pay webhook is a deferred check claiming captured', () => {
    const check = verifyTalerWebhook(testAccount, webhook({ event_type: 'pay', order_id: OUR_ID }));
    assert.deepEqual(check, {
      kind: 'deferred',
      resource: OUR_ID,
      claimed: 'captured',
      lookup: { merchantRef: OUR_ID, gatewayRef: OUR_ID },
    });
  });

  it('a refund webhook is deferred and claims nothing', () => {
    const check = verifyTalerWebhook(
      testAccount,
      webhook({ event_type: 'refund', order_id: OUR_ID, refund_amount: 'EUR:1' }),
    );
    assert.equal(check.kind, 'deferred');
    assert.ok(check.kind === 'deferred' && check.claimed === undefined && check.resource === OUR_ID);
  });

  it('is unparseable when not JSON, not an object, or without a usable event or order id', () => {
    for (const [raw, code] of [
      ['not json', 'MALFORMED_BODY'],
      ['[1]', 'MALFORMED_BODY'],
      ['{"order_id":"a"}', 'MISSING_FIELD'],
      ['{"event_type":"inventory_added","order_id":"a"}', 'INVALID_FIELD'],
      ['{"event_type":"pay"}', 'MISSING_FIELD'],
      ['{"event_type":"pay","order_id":""}', 'MISSING_FIELD'],
      ['{"event_type":"pay","order_id":"a/b"}', 'INVALID_FIELD'],
      ['{"event_type":"pay","order_id":7}', 'INVALID_FIELD'],
    ] as const) {
      const check = verifyTalerWebhook(testAccount, webhook(undefined, raw));
      assert.equal(check.kind, 'unparseable', raw);
      assert.ok(check.kind === 'unparseable' && check.code === code && check.reason.length > 0, raw);
    }
    const bytes = { ...webhook({}), body: Uint8Array.from([0xff, 0xfe, 0x7b]) };
    assert.equal(verifyTalerWebhook(testAccount, bytes).kind, 'unparseable');
  });
});
