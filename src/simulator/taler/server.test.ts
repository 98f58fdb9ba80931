import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { closeServer, listen } from '../_shared/listen.js';
import { parsePayUri, render, startTalerSimulator } from './server.js';
import type { TalerSimulator } from './types.js';

const TOKEN = 'secret-token:sim-test-token';

describe('taler merchant backend simulator', () => {
  let sim: TalerSimulator;
  const received: { body: string; headers: Record<string, unknown> }[] = [];
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ body, headers: { ...req.headers } });
      res.writeHead(200).end('ok');
    });
  });
  let hookUrl = '';

  before(async () => {
    sim = await startTalerSimulator({ tokens: [TOKEN], currency: 'KUDOS', timeScale: 0.0001, seed: 7 });
    hookUrl = await listen(hook);
    sim.configureQuittanceWebhooks(`${hookUrl}/notify/acc`);
  });
  after(async () => {
    await sim.close();
    await closeServer(hook);
  });

  const api = (path: string, init: RequestInit = {}, token = TOKEN) =>
    fetch(`${sim.backendUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
  const create = (id: string, extra: Record<string, unknown> = {}, session?: string) =>
    api('private/orders', {
      method: 'POST',
      body: JSON.stringify({
        order: {
          amount: 'KUDOS:12.5',
          summary: 'x',
          order_id: id,
          fulfillment_url: 'https://shop.example/a',
          ...extra,
        },
        ...(session && { session_id: session }),
      }),
    });
  const wallet = (body: Record<string, unknown>) =>
    fetch(`${sim.url}/wallet/pay`, { method: 'POST', body: JSON.stringify(body) });
  const status = async (id: string, query = '') =>
    (await api(`private/orders/${id}${query}`)).json() as Promise<Record<string, unknown>>;

  it('refuses a wrong token with 401 and a foreign currency with 400; 409 for an existing id', async () => {
    assert.equal(
      (await api('private/orders', { method: 'POST', body: '{}' }, 'secret-token:nope')).status,
      401,
    );
    const eur = await api('private/orders', {
      method: 'POST',
      body: JSON.stringify({ order: { amount: 'EUR:1', summary: 'x', fulfillment_url: 'https://s/' } }),
    });
    assert.equal(eur.status, 400);
    assert.equal((await create('o-dup')).status, 200);
    assert.equal((await create('o-dup')).status, 409);
  });

  it('creates an unpaid order with a pay URI; the wallet pays; paid with the contract; a pay webhook goes out', async () => {
    const created = await create('o-1', {}, 'sess-1');
    assert.deepEqual(Object.keys((await created.json()) as object), ['order_id', 'token']);
    const unpaid = await status('o-1');
    assert.equal(unpaid.order_status, 'unpaid');
    const uri = String(unpaid.taler_pay_uri);
    assert.equal(parsePayUri(uri)?.orderId, 'o-1');
    assert.equal(parsePayUri(uri)?.sessionId, 'sess-1');
    const paid = await wallet({ talerPayUri: uri, scenario: 'paid', faults: [] });
    assert.equal(paid.status, 200);
    const after = await status('o-1');
    assert.equal(after.order_status, 'paid');
    assert.equal((after.contract_terms as Record<string, unknown>).amount, 'KUDOS:12.5');
    await sim.idle();
    assert.ok(received.some((r) => r.body === '{"event_type":"pay","order_id":"o-1"}'));
  });

  it('long-polls: timeout_ms holds the answer until the wallet pays', async () => {
    await create('o-poll');
    const uri = String((await status('o-poll')).taler_pay_uri);
    const held = status('o-poll', '?timeout_ms=30000');
    let answered = false;
    void held.then(() => {
      answered = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(answered, false, 'still held');
    await wallet({ talerPayUri: uri, scenario: 'paid' });
    assert.equal((await held).order_status, 'paid');
    const timedOut = await status('o-1', '?timeout_ms=1');
    assert.equal(timedOut.order_status, 'paid');
  });

  it('repurchase detection: same fulfillment URL paid in this session; refunded only with allow_refunded_for_repurchase', async () => {
    await create('o-rep', {}, 'sess-1');
    const same = await status('o-rep', '?session_id=sess-1');
    assert.equal(same.already_paid_order_id, 'o-1');
    assert.equal(same.already_paid_fulfillment_url, 'https://shop.example/a');
    const other = await status('o-rep', '?session_id=sess-2');
    assert.equal(other.already_paid_order_id, undefined);
    const refunded = await api('private/orders/o-1/refund', {
      method: 'POST',
      body: JSON.stringify({ refund: 'KUDOS:12.5', reason: 'r' }),
    });
    assert.equal(refunded.status, 200);
    assert.equal((await status('o-rep', '?session_id=sess-1')).already_paid_order_id, undefined);
    assert.equal(
      (await status('o-rep', '?session_id=sess-1&allow_refunded_for_repurchase=YES')).already_paid_order_id,
      'o-1',
    );
  });

  it('refunds are a running total: 403 unpaid, 409 above the amount, refund webhook sent', async () => {
    assert.equal(
      (
        await api('private/orders/o-rep/refund', {
          method: 'POST',
          body: JSON.stringify({ refund: 'KUDOS:1', reason: 'r' }),
        })
      ).status,
      403,
    );
    assert.equal(
      (
        await api('private/orders/o-poll/refund', {
          method: 'POST',
          body: JSON.stringify({ refund: 'KUDOS:13', reason: 'r' }),
        })
      ).status,
      409,
    );
    const part = await api('private/orders/o-poll/refund', {
      method: 'POST',
      body: JSON.stringify({ refund: 'KUDOS:2', reason: 'first' }),
    });
    assert.equal(part.status, 200);
    const order = await status('o-poll');
    assert.equal(order.refunded, true);
    assert.equal(order.refund_amount, 'KUDOS:2');
    await sim.idle();
    assert.ok(received.some((r) => r.body.includes('"event_type":"refund","order_id":"o-poll"')));
  });

  it('forges webhooks with x-simulator-fault: forged; a cancelled order is never paid', async () => {
    await create('o-forged');
    const uri = String((await status('o-forged')).taler_pay_uri);
    const acted = await wallet({
      talerPayUri: uri,
      scenario: 'cancelled',
      faults: [{ kind: 'bad-signature' }],
    });
    assert.equal(acted.status, 200);
    await sim.idle();
    const forged = received.filter((r) => String(r.headers['x-simulator-fault'] ?? '').includes('forged'));
    assert.ok(forged.length >= 1);
    assert.equal((await status('o-forged')).order_status, 'unpaid');
    const refused = await wallet({ talerPayUri: uri, scenario: 'refused' });
    assert.equal(refused.status, 400);
    const wrong = await wallet({ orderId: 'o-forged', scenario: 'paid', faults: [{ kind: 'wrong-amount' }] });
    assert.equal(wrong.status, 400);
  });

  it('renders Mustache variables, escaped or raw', () => {
    assert.equal(render('{"a":"{{x}}","b":"{{{x}}}"}', { x: 'a&b' }), '{"a":"a&#38;b","b":"a&b"}');
  });
});
