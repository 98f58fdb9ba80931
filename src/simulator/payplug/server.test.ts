import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import type { Fault } from '../faults.js';
import { payAsCustomer } from './customer.js';
import { startPayplugSimulator } from './server.js';

const KEY = 'sk_test_simulatorkey0001';

interface Received {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
}

/** A simulator at a tiny time scale and a merchant that records notifications and answers `status`. */
async function harness(t: TestContext, status: () => number = () => 200) {
  const received: Received[] = [];
  const merchant = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST') {
        received.push({
          path: req.url ?? '',
          headers: req.headers,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        });
      }
      res.writeHead(req.method === 'POST' ? status() : 302, { location: '/shop-page' });
      res.end('OK');
    });
  });
  await new Promise<void>((resolve) => merchant.listen(0, '127.0.0.1', resolve));
  const shop = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}`;
  const sim = await startPayplugSimulator({ secretKeys: [KEY], timeScale: 0.00001, seed: 7 });
  t.after(async () => {
    await sim.close();
    merchant.closeAllConnections();
    await new Promise((resolve) => merchant.close(resolve));
  });
  const api = (method: string, path: string, body?: unknown, key = KEY) =>
    fetch(`${sim.apiBase}/v1/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        'payplug-version': '2019-08-06',
        'content-type': 'application/json',
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await api('POST', 'payments', {
      amount: 3300,
      currency: 'EUR',
      hosted_payment: { return_url: `${shop}/return`, cancel_url: `${shop}/return?cancelled=1` },
      notification_url: `${shop}/notify`,
      metadata: { quittance_payment_id: 'pay_ours1', order_ref: 'ORDER-1' },
      ...overrides,
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const pay = async (scenario: 'paid' | 'refused' | 'cancelled', faults: Fault[] = []) => {
    const created = await create();
    const url = (created.json.hosted_payment as { payment_url: string }).payment_url;
    const result = await payAsCustomer({ checkout: { method: 'GET', url }, scenario, faults });
    await sim.idle();
    return { id: String(created.json.id), result };
  };
  return { sim, api, create, pay, received };
}

describe('payplug simulator', { timeout: 30_000, concurrency: true }, () => {
  it('creates payments behind the Bearer key and answers them back; 401 / 400 / 404 as JSON errors', async (t) => {
    const { api, create, sim } = await harness(t);
    const created = await create();
    assert.equal(created.status, 201);
    assert.match(String(created.json.id), /^pay_[0-9a-f]{22}$/);
    assert.equal(created.json.object, 'payment');
    assert.equal(created.json.is_paid, false);
    assert.equal(created.json.is_live, false);
    assert.match(String((created.json.hosted_payment as { payment_url: string }).payment_url), /\/pay\/pay_/);
    const fetched = await api('GET', `payments/${created.json.id}`);
    assert.deepEqual(await fetched.json(), created.json);

    const denied = await api('GET', `payments/${created.json.id}`, undefined, 'sk_test_other');
    assert.equal(denied.status, 401);
    assert.deepEqual(await denied.json(), {
      object: 'error',
      message: 'Unauthorized. Please check your credentials.',
    });
    const unknown = await api('GET', 'payments/pay_unknown');
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { object: string }).object, 'error');

    const invalid = await create({ amount: 12.5, currency: 'USD', notification_url: 'ftp://x' });
    assert.equal(invalid.status, 400);
    assert.deepEqual(Object.keys(invalid.json.details as object).sort(), [
      'amount',
      'currency',
      'notification_url',
    ]);
    assert.ok(sim.apiCalls().every((c) => c.version === '2019-08-06'));
  });

  it('paid: one JSON notification with the paid payment object, the customer back at return_url', async (t) => {
    const { pay, received, api } = await harness(t);
    const { id, result } = await pay('paid');
    assert.equal(result.returnStatus, 302);
    assert.match(result.returnUrl, /\/return$/);
    assert.equal(received.length, 1);
    const [notice] = received;
    assert.equal(notice?.path, '/notify');
    assert.equal(notice?.headers['content-type'], 'application/json');
    assert.equal(notice?.headers['x-simulator-fault'], undefined);
    assert.equal(notice?.body.id, id);
    assert.equal(notice?.body.is_paid, true);
    assert.deepEqual(notice?.body.metadata, { quittance_payment_id: 'pay_ours1', order_ref: 'ORDER-1' });
    const truth = (await (await api('GET', `payments/${id}`)).json()) as Record<string, unknown>;
    assert.equal(truth.is_paid, true);
    assert.equal(truth.failure, null);
    assert.deepEqual(truth.notification, {
      url: (truth.notification as { url: string }).url,
      response_code: 200,
    });
  });

  it('refused and cancelled: failure card_declined / aborted; a cancelled customer goes to cancel_url', async (t) => {
    const { pay, received } = await harness(t);
    const refused = await pay('refused');
    assert.deepEqual(received.find((r) => r.body.id === refused.id)?.body.failure, {
      code: 'card_declined',
      message: 'The card was declined.',
    });
    const cancelled = await pay('cancelled');
    assert.equal(
      (received.find((r) => r.body.id === cancelled.id)?.body.failure as { code?: string } | undefined)?.code,
      'aborted',
    );
    assert.match(cancelled.result.returnUrl, /cancelled=1/);
  });

  it('drop: the first attempt is lost, a retry delivers; drop-all: every retry lost, then it gives up', async (t) => {
    const { pay, received, sim } = await harness(t);
    const dropped = await pay('paid', [{ kind: 'drop' }]);
    assert.equal(received.filter((r) => r.body.id === dropped.id).length, 1);
    const record = sim.payment(dropped.id)?.notifications[0];
    assert.deepEqual(
      record?.attempts.map((a) => a.status ?? a.error),
      ['dropped in transit (fault)', 200],
    );
    const lost = await pay('paid', [{ kind: 'drop-all' }]);
    assert.equal(received.filter((r) => r.body.id === lost.id).length, 0);
    const gaveUp = sim.payment(lost.id)?.notifications[0];
    assert.equal(gaveUp?.attempts.length, 6, 'one attempt and five retries');
    assert.equal(gaveUp?.gaveUp, true);
  });

  it('retries a merchant that answers 500 until it answers 200', async (t) => {
    let n = 0;
    const { pay, sim } = await harness(t, () => (++n <= 2 ? 500 : 200));
    const { id } = await pay('paid');
    assert.deepEqual(
      sim.payment(id)?.notifications[0]?.attempts.map((a) => a.status),
      [500, 500, 200],
    );
  });

  it('duplicate: the delivered notification comes twice', async (t) => {
    const { pay, received } = await harness(t);
    const { id } = await pay('paid', [{ kind: 'duplicate' }]);
    const copies = received.filter((r) => r.body.id === id);
    assert.equal(copies.length, 2);
    assert.equal(copies[1]?.headers['x-simulator-fault'], 'duplicate');
  });

  it('bad-signature: an extra forged notice (header forged) claims the opposite or names an unknown payment', async (t) => {
    const { pay, received, api } = await harness(t);
    const kinds = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const scenario = i % 2 === 0 ? 'paid' : 'refused';
      const { id } = await pay(scenario, [{ kind: 'bad-signature' }]);
      const forged = received.filter(
        (r) =>
          r.headers['x-simulator-fault'] === 'forged' && (r.body.metadata as { order_ref: string }).order_ref,
      );
      const last = forged.at(-1);
      assert.ok(last);
      if (last.body.id === id) {
        kinds.add('opposite');
        assert.equal(last.body.is_paid, scenario !== 'paid');
      } else {
        kinds.add('unknown');
        assert.equal((await api('GET', `payments/${last.body.id}`)).status, 404);
      }
    }
    assert.equal(received.filter((r) => r.headers['x-simulator-fault'] === 'forged').length, 8);
    assert.deepEqual([...kinds].sort(), ['opposite', 'unknown'], 'seed 7 draws both kinds');
  });

  it('wrong-amount: PayPlug settles amount + 1, and the fetched payment says so', async (t) => {
    const { pay, received, api, sim } = await harness(t);
    const { id } = await pay('paid', [{ kind: 'wrong-amount' }]);
    assert.equal(received.find((r) => r.body.id === id)?.body.amount, 3301);
    assert.equal(((await (await api('GET', `payments/${id}`)).json()) as { amount: number }).amount, 3301);
    assert.equal(sim.payment(id)?.orderAmount, 3300);
  });

  it('refuses reorder (one notification per payment) and a second action', async (t) => {
    const { create } = await harness(t);
    const created = await create();
    const url = (created.json.hosted_payment as { payment_url: string }).payment_url;
    await assert.rejects(
      payAsCustomer({ checkout: { method: 'GET', url }, scenario: 'paid', faults: [{ kind: 'reorder' }] }),
      /reorder/,
    );
    await payAsCustomer({ checkout: { method: 'GET', url }, scenario: 'paid', followReturn: false });
    await assert.rejects(
      payAsCustomer({ checkout: { method: 'GET', url }, scenario: 'paid' }),
      /already over/,
    );
  });
});
