import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { money } from '../../core/index.js';
import { chargeObject, factsOf, intentObject, sessionObject, testAccount } from './fixtures/events.js';
import { fetchStripeStatus } from './status.js';

const request = {
  paymentId: 'pay_status0001',
  orderRef: 'ORDER-9',
  merchantRef: 'pay_status0001',
  amount: money(1250, 'EUR'),
  now: new Date('2026-05-04T10:00:00Z'),
  urls: { notify: 'https://q.example/n', return: 'https://q.example/r', wait: 'https://q.example/w' },
};
const f = factsOf(request);
const query = (gatewayRef: string | null) => ({
  paymentId: request.paymentId,
  orderRef: request.orderRef,
  merchantRef: request.merchantRef,
  gatewayRef,
  amount: request.amount,
  createdAt: request.now,
});

function answering(body: unknown, status = 200) {
  const urls: string[] = [];
  const fetch = (async (url: string) => {
    urls.push(url);
    return Response.json(body, { status });
  }) as unknown as typeof globalThis.fetch;
  return { urls, io: { fetch, signal: new AbortController().signal, now: new Date() } };
}

describe('fetchStripeStatus', () => {
  it('asks about the Checkout Session with its PaymentIntent and charge expanded', async () => {
    const { urls, io } = answering(
      sessionObject(f, { payment_intent: intentObject(f, { latest_charge: chargeObject(f) }) }),
    );
    const answer = await fetchStripeStatus(testAccount, query(f.sessionId), io);
    assert.equal(
      urls[0],
      `https://stripe.test/v1/checkout/sessions/${f.sessionId}?expand%5B%5D=payment_intent.latest_charge`,
    );
    assert.ok(answer.kind === 'found' && answer.signals[0]?.status === 'refunded', JSON.stringify(answer));
    assert.equal(answer.kind === 'found' && answer.signals[0]?.source, 'poll');
  });

  it('asks about the PaymentIntent once an event named it; an open session decides nothing', async () => {
    const intent = answering(intentObject(f, { status: 'requires_capture' }));
    const byIntent = await fetchStripeStatus(testAccount, query(f.intentId), intent.io);
    assert.match(intent.urls[0] ?? '', /\/v1\/payment_intents\/pi_/);
    assert.ok(byIntent.kind === 'found' && byIntent.signals[0]?.status === 'authorized');
    const open = answering(
      sessionObject(f, { status: 'open', payment_status: 'unpaid', payment_intent: null }),
    );
    assert.deepEqual(await fetchStripeStatus(testAccount, query(f.sessionId), open.io), {
      kind: 'found',
      signals: [],
    });
  });

  it('404 is not-found; 401 a failure not worth retrying; an answer about another payment a failure', async () => {
    const missing = answering({ error: { message: 'No such checkout.session' } }, 404);
    assert.equal((await fetchStripeStatus(testAccount, query(f.sessionId), missing.io)).kind, 'not-found');
    const denied = answering({ error: { message: 'Invalid API Key' } }, 401);
    const refused = await fetchStripeStatus(testAccount, query(f.sessionId), denied.io);
    assert.ok(refused.kind === 'failed' && !refused.retryable && refused.code === 'UNAUTHORIZED');
    const other = answering(sessionObject({ ...f, paymentId: 'pay_someone_else' }));
    const mixed = await fetchStripeStatus(testAccount, query(f.sessionId), other.io);
    assert.ok(mixed.kind === 'failed' && !mixed.retryable, JSON.stringify(mixed));
  });
});
