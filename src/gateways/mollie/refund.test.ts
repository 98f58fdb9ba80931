import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { money } from '../../core/index.js';
import type { StatusQuery } from '../gateway.js';
import { io, json, OUR_ID, stubFetch, TR_ID, testAccount } from './fixtures/payments.js';
import { refundMolliePayment } from './refund.js';

const query: StatusQuery = {
  paymentId: OUR_ID,
  orderRef: 'ORDER-42',
  merchantRef: OUR_ID,
  gatewayRef: TR_ID,
  amount: money(3300, 'EUR'),
  createdAt: new Date('2026-05-04T10:20:00Z'),
};
const request = { amount: money(1000, 'EUR'), reason: 'customer asked', refundId: 'ref_1' };

describe('Mollie refund: POST /v2/payments/{id}/refunds', () => {
  it('posts the amount with an Idempotency-Key from our refund id; 201 is accepted', async () => {
    const stub = stubFetch(() => json(201, { resource: 'refund', id: 're_4qqhO89gsT', status: 'queued' }));
    const answer = await refundMolliePayment(testAccount, query, request, io(stub.fetch));
    assert.equal(answer.kind, 'accepted');
    assert.equal(stub.calls[0]?.url, `https://mollie.test/v2/payments/${TR_ID}/refunds`);
    assert.equal(stub.calls[0]?.headers['idempotency-key'], 'quittance-refund-ref_1');
    assert.deepEqual(JSON.parse(stub.calls[0]?.body ?? '{}'), {
      amount: { currency: 'EUR', value: '10.00' },
      description: 'customer asked',
      metadata: { quittance_refund_id: 'ref_1' },
    });
  });

  it('refuses 422 and 404 with Mollie’s words; 5xx is retryable', async () => {
    const refused = await refundMolliePayment(
      testAccount,
      query,
      request,
      io(
        stubFetch(() =>
          json(422, {
            status: 422,
            title: 'Unprocessable Entity',
            detail: 'The amount is higher than the amount remaining',
          }),
        ).fetch,
      ),
    );
    assert.ok(refused.kind === 'refused');
    assert.equal(refused.code, 'VALIDATION_FAILED');
    assert.match(refused.reason, /higher than the amount remaining/);
    const unknown = await refundMolliePayment(
      testAccount,
      query,
      request,
      io(stubFetch(() => json(404, {})).fetch),
    );
    assert.ok(unknown.kind === 'refused' && unknown.code === 'UNKNOWN_AT_GATEWAY');
    const busy = await refundMolliePayment(
      testAccount,
      query,
      request,
      io(stubFetch(() => json(503, {})).fetch),
    );
    assert.ok(busy.kind === 'failed' && busy.retryable);
    const none = await refundMolliePayment(
      testAccount,
      { ...query, gatewayRef: null },
      request,
      io(stubFetch(() => json(201, {})).fetch),
    );
    assert.ok(none.kind === 'refused' && none.code === 'UNKNOWN_AT_GATEWAY');
  });
});
