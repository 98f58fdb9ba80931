import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import type { Fault } from '../faults.js';
import { payAsCustomer } from './customer.js';
import { startMollieSimulator } from './server.js';
import type { MollieScenario } from './types.js';

const KEY = 'test_simulatorkey00000000000000000';

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A simulator at a tiny time scale and a merchant that records webhooks and answers `status`. */
async function harness(t: TestContext, status: () => number = () => 200) {
  const received: Received[] = [];
  const merchant = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST')
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(req.method === 'POST' ? status() : 302, { location: '/shop-page' });
      res.end();
    });
  });
  await new Promise<void>((resolve) => merchant.listen(0, '127.0.0.1', resolve));
  const shop = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}`;
  const sim = await startMollieSimulator({ apiKeys: [KEY], timeScale: 0.00001, seed: 7 });
  t.after(async () => {
    await sim.close();
    merchant.closeAllConnections();
    await new Promise((resolve) => merchant.close(resolve));
  });
  const api = (
    method: string,
    path: string,
    body?: unknown,
    key = KEY,
    headers: Record<string, string> = {},
  ) =>
    fetch(`${sim.apiBase}/v2/${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const create = async (overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    const res = await api(
      'POST',
      'payments',
      {
        amount: { currency: 'EUR', value: '33.00' },
        description: 'Order 1',
        redirectUrl: `${shop}/return`,
        webhookUrl: `${shop}/notify`,
        metadata: { quittance_payment_id: 'pay_ours1' },
        ...overrides,
      },
      KEY,
      headers,
    );
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const pay = async (scenario: MollieScenario, faults: Fault[] = []) => {
    const created = await create();
    const url = (created.json._links as { checkout: { href: string } }).checkout.href;
    const result = await payAsCustomer({ checkout: { method: 'GET', url }, scenario, faults });
    await sim.idle();
    return { id: String(created.json.id), result };
  };
  return { sim, api, create, pay, received };
}

describe('mollie simulator', { timeout: 30_000, concurrency: true }, () => {
  it('creates payments behind the Bearer key and answers them back; 401 / 404 / 422 as Mollie error bodies', async (t) => {
    const { api, create } = await harness(t);
    const created = await create();
    assert.equal(created.status, 201);
    assert.match(String(created.json.id), /^tr_[0-9a-f]{10}$/);
    assert.equal(created.json.resource, 'payment');
    assert.equal(created.json.status, 'open');
    assert.equal(created.json.mode, 'test');
    assert.deepEqual(created.json.amount, { currency: 'EUR', value: '33.00' });
    const fetched = await api('GET', `payments/${created.json.id}`);
    assert.deepEqual(await fetched.json(), created.json);

    const denied = await api('GET', `payments/${created.json.id}`, undefined, 'test_other');
    assert.equal(denied.status, 401);
    assert.equal(((await denied.json()) as { title: string }).title, 'Unauthorized Request');
    const unknown = await api('GET', 'payments/tr_unknown');
    assert.equal(unknown.status, 404);
    assert.match(
      ((await unknown.json()) as { detail: string }).detail,
      /No payment exists with token tr_unknown/,
    );
    for (const [overrides, field] of [
      [{ amount: { currency: 'EUR', value: '33' } }, 'amount.value'],
      [{ amount: { currency: 'JPY', value: '33.00' } }, 'amount.value'],
      [{ description: '' }, 'description'],
      [{ redirectUrl: 'ftp://x' }, 'redirectUrl'],
      [{ webhookUrl: 'nope' }, 'webhookUrl'],
    ] as const) {
      const invalid = await create(overrides);
      assert.equal(invalid.status, 422, field);
      assert.equal(invalid.json.field, field);
    }
  });

  it('the same Idempotency-Key gives the first payment back', async (t) => {
    const { create, sim } = await harness(t);
    const first = await create({}, { 'idempotency-key': 'k1' });
    const again = await create({}, { 'idempotency-key': 'k1' });
    const other = await create({}, { 'idempotency-key': 'k2' });
    assert.equal(again.json.id, first.json.id);
    assert.notEqual(other.json.id, first.json.id);
    assert.equal(sim.payments().length, 2);
  });

  it('paid: one webhook id=tr_… as a form, the customer back at redirectUrl, the payment paid', async (t) => {
    const { pay, received, api } = await harness(t);
    const { id, result } = await pay('paid');
    assert.equal(result.returnStatus, 302);
    assert.match(result.returnUrl, /\/return$/);
    assert.equal(received.length, 1);
    assert.equal(received[0]?.body, `id=${id}`);
    assert.equal(received[0]?.headers['content-type'], 'application/x-www-form-urlencoded');
    const truth = (await (await api('GET', `payments/${id}`)).json()) as Record<string, unknown>;
    assert.equal(truth.status, 'paid');
    assert.ok(typeof truth.paidAt === 'string');
    assert.deepEqual(truth.amountRefunded, { currency: 'EUR', value: '0.00' });
    assert.equal((truth._links as Record<string, unknown>).checkout, undefined);
  });

  it('retries a failed webhook, and gives up after the schedule', async (t) => {
    let calls = 0;
    const { pay, sim } = await harness(t, () => (++calls < 3 ? 500 : 200));
    const { id } = await pay('failed');
    const [notification] = sim.payment(id)?.notifications ?? [];
    assert.equal(notification?.delivered, true);
    assert.deepEqual(
      notification?.attempts.map((a) => a.status),
      [500, 500, 200],
    );
    const down = await harness(t, () => 503);
    const gaveUp = await down.pay('canceled');
    const record = down.sim.payment(gaveUp.id)?.notifications[0];
    assert.equal(record?.gaveUp, true);
    assert.equal(record?.attempts.length, 10, 'one attempt and nine retries');
  });

  it('bad-signature: an extra webhook names an id this merchant cannot see (unknown, or another merchant’s)', async (t) => {
    const { pay, received, api } = await harness(t);
    for (let i = 0; i < 6; i++) await pay('paid', [{ kind: 'bad-signature' }]);
    const forged = received.filter((r) => String(r.headers['x-simulator-fault']).includes('forged'));
    assert.equal(forged.length, 6);
    for (const webhook of forged) {
      const id = webhook.body.replace('id=', '');
      assert.match(id, /^tr_/);
      assert.equal((await api('GET', `payments/${id}`)).status, 404);
    }
  });

  it('refunds: 201 with the refund, amountRefunded moves, the webhook is called again; 422 past what is left', async (t) => {
    const { pay, api, received, create, sim } = await harness(t);
    const { id } = await pay('paid');
    const refund = (value: string, key?: string) =>
      api(
        'POST',
        `payments/${id}/refunds`,
        { amount: { currency: 'EUR', value } },
        KEY,
        key ? { 'idempotency-key': key } : {},
      );
    const first = await refund('10.00', 'r1');
    assert.equal(first.status, 201);
    const body = (await first.json()) as Record<string, unknown>;
    assert.equal(body.resource, 'refund');
    assert.equal(body.paymentId, id);
    assert.deepEqual(
      (await (await refund('10.00', 'r1')).json()) as unknown,
      body,
      'the same key, the same refund',
    );
    await sim.idle();
    assert.deepEqual(
      received.map((r) => r.body),
      [`id=${id}`, `id=${id}`],
    );
    const truth = (await (await api('GET', `payments/${id}`)).json()) as Record<string, unknown>;
    assert.deepEqual(truth.amountRefunded, { currency: 'EUR', value: '10.00' });
    assert.deepEqual(truth.amountRemaining, { currency: 'EUR', value: '23.00' });
    const tooMuch = await refund('23.01');
    assert.equal(tooMuch.status, 422);
    assert.match(((await tooMuch.json()) as { detail: string }).detail, /amount remaining/);
    const open = await create();
    const notPaid = await api('POST', `payments/${open.json.id}/refunds`, {
      amount: { currency: 'EUR', value: '1.00' },
    });
    assert.equal(notPaid.status, 422);
    assert.equal(
      (await api('POST', 'payments/tr_unknown/refunds', { amount: { currency: 'EUR', value: '1.00' } }))
        .status,
      404,
    );
  });

  it('wrong-amount: the paid payment shows the order amount + 1 cent; reorder is refused', async (t) => {
    const { pay, api, create } = await harness(t);
    const { id } = await pay('paid', [{ kind: 'wrong-amount' }]);
    const truth = (await (await api('GET', `payments/${id}`)).json()) as Record<string, unknown>;
    assert.deepEqual(truth.amount, { currency: 'EUR', value: '33.01' });
    const created = await create();
    const url = (created.json._links as { checkout: { href: string } }).checkout.href;
    await assert.rejects(
      payAsCustomer({ checkout: { method: 'GET', url }, scenario: 'paid', faults: [{ kind: 'reorder' }] }),
      /reorder/,
    );
  });
});
