import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BACKEND,
  claimedOrder,
  io,
  json,
  NOW,
  OUR_ID,
  paidOrder,
  statusQuery,
  stubFetch,
  TOKEN,
  talerError,
  testAccount,
  unpaidOrder,
} from './fixtures/orders.js';
import { fetchTalerBack, fetchTalerStatus, watchTalerStatus } from './status.js';

const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

describe('taler fetchStatus / watchStatus / fetchBack', () => {
  it('fetchStatus GETs the order (with the session when the engine gives one) and maps it as poll signals', async () => {
    const stub = stubFetch(() => json(200, paidOrder()));
    const answer = await fetchTalerStatus(
      testAccount,
      { ...statusQuery(), sessionId: 'sess-1' },
      io(stub.fetch),
    );
    assert.equal(stub.calls[0]?.url, `${BACKEND}private/orders/${OUR_ID}?session_id=sess-1`);
    assert.ok(answer.kind === 'found');
    assert.equal(answer.signals[0]?.status, 'captured');
    assert.equal(answer.signals[0]?.source, 'poll');
    assert.equal(answer.signals[0]?.lookup.paymentId, OUR_ID);
  });

  it('an unpaid order is nothing yet, then expired after the pay deadline (from the answer, else from the account)', async () => {
    const stub = stubFetch(() => json(200, unpaidOrder()));
    const early = await fetchTalerStatus(testAccount, statusQuery(), io(stub.fetch, later(60)));
    assert.deepEqual(early, { kind: 'found', signals: [] });
    const late = await fetchTalerStatus(testAccount, statusQuery(), io(stub.fetch, later(7300)));
    assert.ok(late.kind === 'found' && late.signals[0]?.status === 'expired');
    const short = { ...testAccount, credentials: { ...testAccount.credentials, payDeadlineSeconds: 4 } };
    const bare = stubFetch(() => json(200, unpaidOrder({ pay_deadline: undefined })));
    const expired = await fetchTalerStatus(short, statusQuery(), io(bare.fetch, later(7)));
    assert.ok(expired.kind === 'found' && expired.signals[0]?.status === 'expired');
  });

  it('404 → not-found; 401 → failed, not retryable, token never quoted; 5xx and network → retryable', async () => {
    const missing = await fetchTalerStatus(
      testAccount,
      statusQuery(),
      io(stubFetch(() => talerError(404, 2000, 'no')).fetch),
    );
    assert.equal(missing.kind, 'not-found');
    const refused = await fetchTalerStatus(
      testAccount,
      statusQuery(),
      io(stubFetch(() => talerError(401, 2001, `bad ${TOKEN}`)).fetch),
    );
    assert.ok(refused.kind === 'failed' && !refused.retryable && refused.code === 'UNAUTHORIZED');
    assert.ok(!refused.reason.includes(TOKEN));
    const busy = await fetchTalerStatus(
      testAccount,
      statusQuery(),
      io(stubFetch(() => talerError(503, 1, 'x')).fetch),
    );
    assert.ok(busy.kind === 'failed' && busy.retryable);
    const down = await fetchTalerStatus(
      testAccount,
      statusQuery(),
      io(
        stubFetch(() => {
          throw new TypeError('fetch failed');
        }).fetch,
      ),
    );
    assert.ok(down.kind === 'failed' && down.retryable);
  });

  it('refuses an answer about another order', async () => {
    const answer = await fetchTalerStatus(
      testAccount,
      statusQuery(),
      io(stubFetch(() => json(200, paidOrder({}, 'other'))).fetch),
    );
    assert.ok(answer.kind === 'failed' && /other/.test(answer.reason));
  });

  it('watchStatus long-polls with timeout_ms and io.signal; answers a changed state, nothing for the same', async () => {
    const stub = stubFetch(() => json(200, claimedOrder()));
    const controller = new AbortController();
    const changed = await watchTalerStatus(
      testAccount,
      { ...statusQuery(), knownStatus: 'created', sessionId: 'sess-1' },
      { fetch: stub.fetch, signal: controller.signal, now: later(10), timeoutMs: 25_000 },
    );
    assert.equal(stub.calls[0]?.url, `${BACKEND}private/orders/${OUR_ID}?session_id=sess-1&timeout_ms=25000`);
    assert.equal(stub.calls[0]?.signal, controller.signal);
    assert.ok(changed.kind === 'found' && changed.signals[0]?.status === 'pending');
    const same = await watchTalerStatus(
      testAccount,
      { ...statusQuery(), knownStatus: 'pending' },
      { fetch: stub.fetch, signal: controller.signal, now: later(10), timeoutMs: 25_000 },
    );
    assert.deepEqual(same, { kind: 'found', signals: [] });
    const unpaid = stubFetch(() => json(200, unpaidOrder()));
    const timedOut = await watchTalerStatus(
      testAccount,
      { ...statusQuery(), knownStatus: 'created' },
      { fetch: unpaid.fetch, signal: controller.signal, now: later(10), timeoutMs: 1000 },
    );
    assert.deepEqual(timedOut, { kind: 'found', signals: [] });
  });

  it('fetchBack GETs the order the webhook named and answers notification signals from it', async () => {
    const stub = stubFetch(() => json(200, paidOrder({ refunded: true, refund_amount: 'EUR:12.5' })));
    const answer = await fetchTalerBack(
      testAccount,
      { kind: 'deferred', resource: OUR_ID, lookup: { merchantRef: OUR_ID } },
      io(stub.fetch),
    );
    assert.equal(stub.calls[0]?.url, `${BACKEND}private/orders/${OUR_ID}`);
    assert.ok(answer.kind === 'found');
    assert.equal(answer.signals[0]?.status, 'refunded');
    assert.equal(answer.signals[0]?.source, 'notification');
    assert.deepEqual(answer.signals[0]?.lookup, { merchantRef: OUR_ID, gatewayRef: OUR_ID });
  });
});
