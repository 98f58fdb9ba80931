import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { money } from '../../core/index.js';
import {
  BACKEND,
  io,
  json,
  OUR_ID,
  paidOrder,
  statusQuery,
  stubFetch,
  talerError,
  testAccount,
  unpaidOrder,
} from './fixtures/orders.js';
import { refundTag, refundTalerOrder } from './refund.js';

const request = (value: number, refundId = 'ref_1') => ({
  amount: money(value, 'EUR'),
  reason: 'customer asked',
  refundId,
});

/** A backend whose order is `before` until a refund is posted, `after` then. */
function backend(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  refundAnswer = () => json(200, { taler_refund_uri: 'taler://refund/x/', h_contract: 'H' }),
) {
  let refunded = false;
  return stubFetch((call) => {
    if (call.method === 'POST') {
      const answer = refundAnswer();
      if (answer.status === 200) refunded = true;
      return answer;
    }
    return json(200, refunded ? after : before);
  });
}

describe('taler refund', () => {
  it('posts the new refund TOTAL with the tagged reason, then reads the new state', async () => {
    const stub = backend(
      paidOrder({ refunded: true, refund_amount: 'EUR:2' }),
      paidOrder({ refunded: true, refund_amount: 'EUR:5', refund_pending: true }),
    );
    const answer = await refundTalerOrder(testAccount, statusQuery(), request(300), io(stub.fetch));
    const post = stub.calls.find((c) => c.method === 'POST');
    assert.equal(post?.url, `${BACKEND}private/orders/${OUR_ID}/refund`);
    assert.deepEqual(JSON.parse(post?.body ?? ''), {
      refund: 'EUR:5',
      reason: `customer asked ${refundTag('ref_1')}`,
    });
    assert.ok(answer.kind === 'accepted');
    assert.equal(answer.signals[0]?.status, 'partially_refunded');
    assert.equal(answer.signals[0]?.source, 'poll');
    assert.match(answer.detail ?? '', /taler:\/\/refund/);
  });

  it('a refund of everything left gives refunded', async () => {
    const stub = backend(paidOrder(), paidOrder({ refunded: true, refund_amount: 'EUR:12.5' }));
    const answer = await refundTalerOrder(testAccount, statusQuery(), request(1250), io(stub.fetch));
    assert.ok(answer.kind === 'accepted' && answer.signals[0]?.status === 'refunded');
  });

  it('a retried refund already in refund_details is not posted again', async () => {
    const granted = paidOrder({
      refunded: true,
      refund_amount: 'EUR:3',
      refund_details: [
        {
          reason: `customer asked ${refundTag('ref_1')}`,
          pending: true,
          amount: 'EUR:3',
          timestamp: { t_s: 1 },
        },
      ],
    });
    const stub = backend(granted, granted);
    const answer = await refundTalerOrder(testAccount, statusQuery(), request(300), io(stub.fetch));
    assert.ok(answer.kind === 'accepted' && /already granted/.test(answer.detail ?? ''));
    assert.equal(stub.calls.filter((c) => c.method === 'POST').length, 0);
  });

  it('refuses before posting: unpaid order, other currency, more than what is left', async () => {
    const unpaid = backend(unpaidOrder(), unpaidOrder());
    const a = await refundTalerOrder(testAccount, statusQuery(), request(100), io(unpaid.fetch));
    assert.ok(a.kind === 'refused' && /not paid/.test(a.reason));
    const paid = backend(paidOrder({ refunded: true, refund_amount: 'EUR:12' }), paidOrder());
    const b = await refundTalerOrder(testAccount, statusQuery(), request(100), io(paid.fetch));
    assert.ok(b.kind === 'refused' && /exceed/.test(b.reason));
    const c = await refundTalerOrder(
      testAccount,
      statusQuery(),
      { ...request(100), amount: money(100, 'CHF') },
      io(paid.fetch),
    );
    assert.ok(c.kind === 'refused' && c.code === 'INVALID_CURRENCY');
    assert.equal([...unpaid.calls, ...paid.calls].filter((x) => x.method === 'POST').length, 0);
  });

  for (const [status, words] of [
    [403, /deadline/],
    [409, /exceed/],
    [410, /too late/],
    [451, /legal/],
  ] as const) {
    it(`the backend's ${status} is a refusal with a clear reason`, async () => {
      const stub = backend(paidOrder(), paidOrder(), () => talerError(status, 2000, 'no'));
      const answer = await refundTalerOrder(testAccount, statusQuery(), request(100), io(stub.fetch));
      assert.ok(answer.kind === 'refused' && words.test(answer.reason), JSON.stringify(answer));
    });
  }

  it('401 fails for good; 5xx and the network fail retryably', async () => {
    const refused = backend(paidOrder(), paidOrder(), () => talerError(401, 2000, 'no'));
    const a = await refundTalerOrder(testAccount, statusQuery(), request(100), io(refused.fetch));
    assert.ok(a.kind === 'failed' && !a.retryable);
    const busy = backend(paidOrder(), paidOrder(), () => talerError(502, 2000, 'no'));
    const b = await refundTalerOrder(testAccount, statusQuery(), request(100), io(busy.fetch));
    assert.ok(b.kind === 'failed' && b.retryable);
    const unknown = stubFetch(() => talerError(404, 2000, 'unknown'));
    const c = await refundTalerOrder(testAccount, statusQuery(), request(100), io(unknown.fetch));
    assert.ok(c.kind === 'refused' && c.code === 'UNKNOWN_AT_GATEWAY');
  });
});
