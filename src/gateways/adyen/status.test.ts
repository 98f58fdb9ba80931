import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { money } from '../../core/index.js';
import type { StatusQuery } from '../gateway.js';
import { testAccount, withCredentials } from './fixtures.js';
import { adyen } from './index.js';
import { fetchAdyenStatus, mapLinkStatus } from './status.js';

const NOW = new Date('2026-03-14T23:30:00Z');
const query = (gatewayRef: string | null): StatusQuery => ({
  paymentId: 'pay_01jq4m2k7n8p9r0s1t2v3w4x5y',
  orderRef: 'ORDER-1042',
  merchantRef: 'pay_01jq4m2k7n8p9r0s1t2v3w4x5y',
  gatewayRef,
  amount: money(1250, 'EUR'),
  createdAt: new Date('2026-03-14T23:05:09Z'),
});

function answering(status: number, body: unknown, seen: Request[] = []): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    seen.push(new Request(input, init));
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

const io = (fetch: typeof globalThis.fetch, signal = new AbortController().signal) => ({
  fetch,
  signal,
  now: NOW,
});

describe('adyen fetchStatus (through the payment link)', () => {
  it('maps the link statuses', () => {
    assert.equal(mapLinkStatus('completed', 'auto'), 'captured');
    assert.equal(mapLinkStatus('completed', 'manual'), 'authorized');
    assert.equal(mapLinkStatus('paymentPending', 'auto'), 'pending');
    assert.equal(mapLinkStatus('expired', 'auto'), 'expired');
    assert.equal(mapLinkStatus('active', 'auto'), null);
  });

  it('asks GET /paymentLinks/{id} with the API key and answers a poll signal without gatewayRef', async () => {
    const seen: Request[] = [];
    const fetch = answering(
      200,
      { id: 'PL61C53A8B97E6915A', status: 'completed', amount: { value: 1250, currency: 'EUR' } },
      seen,
    );
    const answer = await fetchAdyenStatus(testAccount, query('PL61C53A8B97E6915A'), io(fetch));
    assert.ok(answer.kind === 'found', JSON.stringify(answer));
    assert.equal(seen[0]?.url, 'https://checkout-test.adyen.com/v72/paymentLinks/PL61C53A8B97E6915A');
    assert.equal(seen[0]?.headers.get('x-api-key'), testAccount.credentials.apiKey);
    const [signal] = answer.signals;
    assert.equal(signal?.source, 'poll');
    assert.equal(signal?.status, 'captured');
    assert.equal(signal?.gatewayRef, undefined);
    assert.deepEqual(signal?.amount, money(1250, 'EUR'));
    assert.equal(signal?.lookup.paymentId, 'pay_01jq4m2k7n8p9r0s1t2v3w4x5y');
  });

  it('an active link is found with nothing decided', async () => {
    const answer = await fetchAdyenStatus(
      testAccount,
      query('PL61C53A8B97E6915A'),
      io(answering(200, { status: 'active' })),
    );
    assert.deepEqual(answer, { kind: 'found', signals: [] });
  });

  it('unknown link, bad key, outage, timeout, and no link id at all', async () => {
    const ask = (ref: string | null, fetch: typeof globalThis.fetch, signal?: AbortSignal) =>
      fetchAdyenStatus(withCredentials(testAccount, {}), query(ref), io(fetch, signal));
    assert.equal(
      (await ask('PL61C53A8B97E6915A', answering(422, { errorCode: '14_0024' }))).kind,
      'not-found',
    );
    const refused = await ask('PL61C53A8B97E6915A', answering(401, {}));
    assert.ok(refused.kind === 'failed' && !refused.retryable);
    const down = await ask('PL61C53A8B97E6915A', (() =>
      Promise.reject(new TypeError('fetch failed'))) as typeof fetch);
    assert.ok(down.kind === 'failed' && down.retryable);
    const controller = new AbortController();
    controller.abort();
    const late = await ask(
      'PL61C53A8B97E6915A',
      ((_: unknown, init?: RequestInit) => Promise.reject(init?.signal?.reason)) as typeof fetch,
      controller.signal,
    );
    assert.ok(late.kind === 'failed' && late.retryable && late.reason.includes('in time'));
    const noLink = await ask('QFQTPCQ8HXSKGK82', answering(200, {}));
    assert.ok(noLink.kind === 'failed' && !noLink.retryable);
    for (const answer of [refused, down, late, noLink]) {
      assert.ok(answer.kind === 'failed' && !answer.reason.includes(testAccount.credentials.apiKey));
    }
  });

  it('is the adapter fetchStatus', () => {
    assert.equal(adyen.fetchStatus, fetchAdyenStatus);
  });
});
