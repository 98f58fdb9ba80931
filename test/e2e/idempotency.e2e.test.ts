import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Quittance, startQuittance } from './harness.js';

const body = { account: 'shop', orderRef: 'IDEM-1', amount: { value: 1250, currency: 'EUR' } };

async function post(q: Quittance, key: string | undefined, payload: unknown = body) {
  const headers: Record<string, string> = {
    authorization: `Bearer ${q.apiKey}`,
    'content-type': 'application/json',
  };
  if (key !== undefined) headers['idempotency-key'] = key;
  const response = await fetch(`${q.url}/api/payments`, {
    method: 'POST',
    headers,
    body: JSON.stringify(payload),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('POST /api/payments with Idempotency-Key', () => {
  let q: Quittance;
  before(async () => {
    q = await startQuittance();
  });
  after(() => q.close());

  it('answers a retry with the same payment (200) instead of creating another', async () => {
    const first = await post(q, 'order-IDEM-1');
    const again = await post(q, 'order-IDEM-1');
    assert.equal(first.status, 201);
    assert.equal(again.status, 200);
    assert.equal(again.json.id, first.json.id);
    assert.deepEqual(again.json.checkout, first.json.checkout);
  });

  it('creates one payment when the same key races', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => post(q, 'race-1', { ...body, orderRef: 'RACE-1' })),
    );
    assert.equal(new Set(answers.map((a) => a.json.id)).size, 1);
    assert.equal(answers.filter((a) => a.status === 201).length, 1);
  });

  it('refuses the same key for another order or amount: 409 DUPLICATE_ORDER', async () => {
    await post(q, 'k-2', { ...body, orderRef: 'IDEM-2' });
    const other = await post(q, 'k-2', {
      ...body,
      orderRef: 'IDEM-2',
      amount: { value: 1, currency: 'EUR' },
    });
    assert.equal(other.status, 409);
    assert.equal((other.json.error as { code: string }).code, 'DUPLICATE_ORDER');
  });

  it('without a key, every request creates a payment', async () => {
    const a = await post(q, undefined, { ...body, orderRef: 'NOKEY' });
    const b = await post(q, undefined, { ...body, orderRef: 'NOKEY' });
    assert.notEqual(a.json.id, b.json.id);
  });

  it('refuses a malformed key', async () => {
    const r = await post(q, 'has space');
    assert.equal(r.status, 400);
    assert.equal((r.json.error as { code: string }).code, 'VALIDATION_FAILED');
  });
});
