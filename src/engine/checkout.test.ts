import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../config/load.js';
import { silentLogger } from '../observability/logger.js';
import { createStore } from '../store/db.js';
import { findPayment } from '../store/repos/payments.js';
import { signalsOfPayment } from '../store/repos/signals.js';
import { createPayment } from './checkout.js';
import { type Engine, startEngine } from './engine.js';

/** A PaymentInit servlet answering from a queue of canned answers. */
function fakeServlet(
  answers: string[],
): Promise<{ server: Server; base: string; bodies: string[]; answers: string[] }> {
  const bodies: string[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    bodies.push(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(200, { 'content-type': 'text/plain' }).end(answers.shift() ?? '!ERROR!no more answers');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cg/servlet/`,
        bodies,
        answers,
      }),
    ),
  );
}

describe('checkout with a server-to-server start (Triveneto PaymentInit)', () => {
  let engine: Engine;
  let servlet: Awaited<ReturnType<typeof fakeServlet>>;
  before(async () => {
    servlet = await fakeServlet([
      '8001234567890123:https://pay.example/hpp/Pay.jsp',
      '!ERROR!IPY0001-Invalid terminal',
    ]);
    engine = await startEngine({
      store: createStore('sqlite::memory:'),
      config: resolveConfig({
        accounts: [
          {
            id: 'tv',
            gateway: 'triveneto',
            mode: 'test',
            credentials: {
              id: '89025555',
              password: 'pw-secret',
              secret: 'a-long-enough-secret',
              environment: 'test',
              apiBase: servlet.base,
            },
            shop: {
              successUrl: 'https://s.example/ok',
              failureUrl: 'https://s.example/ko',
              pendingUrl: 'https://s.example/w',
            },
          },
        ],
      }),
      logger: silentLogger(),
      publicUrl: 'http://127.0.0.1:1',
    });
  });
  after(async () => {
    await engine?.store.close();
    servlet.server.closeAllConnections();
    servlet.server.close();
  });

  it('stores the payment first, then the PaymentID as gateway reference and the redirect as checkout', async () => {
    const { payment, checkout } = await createPayment(engine, {
      account: 'tv',
      orderRef: 'TV-1',
      amount: { value: 1250, currency: 'EUR' },
    });
    assert.equal(checkout.method, 'GET');
    assert.equal(checkout.url, 'https://pay.example/hpp/Pay.jsp?PaymentID=8001234567890123');
    assert.equal(payment.gatewayRef, '8001234567890123');
    assert.deepEqual((await findPayment(engine.store.db, payment.id))?.checkout, checkout);
    const sent = new URLSearchParams(servlet.bodies[0]);
    assert.equal(sent.get('amt'), '12.50');
    assert.equal(sent.get('udf1'), payment.id);
    assert.equal(sent.get('responseURL'), 'http://127.0.0.1:1/notify/tv');
  });

  it('a refused PaymentInit settles the payment `error` and gives the caller the gateway error', async () => {
    await assert.rejects(
      createPayment(engine, { account: 'tv', orderRef: 'TV-2', amount: { value: 100, currency: 'EUR' } }),
      (e: Error & { code?: string }) => e.code === 'VALIDATION_FAILED' && /Invalid terminal/.test(e.message),
    );
    const row = await engine.store.db
      .selectFrom('payments')
      .selectAll()
      .where('order_ref', '=', 'TV-2')
      .executeTakeFirstOrThrow();
    assert.equal(row.status, 'error');
    const [signal] = await signalsOfPayment(engine.store.db, row.id);
    assert.equal(signal?.source, 'poll');
    assert.match(signal?.reason ?? '', /payment start refused/);
    assert.ok(!JSON.stringify(signal).includes('pw-secret'), 'the password never reaches the journal');
  });

  it('the same Idempotency-Key after a refused start answers the error again, not a dead checkout', async () => {
    servlet.answers.push('!ERROR!IPY0001-Invalid terminal');
    const input = {
      account: 'tv',
      orderRef: 'TV-3',
      amount: { value: 300, currency: 'EUR' },
      idempotencyKey: 'key-tv-3',
    };
    await assert.rejects(createPayment(engine, input), /Invalid terminal/);
    const calls = servlet.bodies.length;
    await assert.rejects(
      createPayment(engine, input),
      (e: Error & { code?: string }) =>
        e.code === 'GATEWAY_UNAVAILABLE' && /new Idempotency-Key/.test(e.message),
    );
    assert.equal(servlet.bodies.length, calls, 'a refused start is not sent again under the same key');
  });

  it('the same Idempotency-Key after an unfinished start starts the payment now', async () => {
    const row = await engine.store.db
      .selectFrom('payments')
      .selectAll()
      .where('order_ref', '=', 'TV-1')
      .executeTakeFirstOrThrow();
    // A process that died during PaymentInit leaves the placeholder checkout on a `created` payment.
    await engine.store.db
      .updateTable('payments')
      .set({
        checkout_json: JSON.stringify({ method: 'GET', url: 'about:blank', fields: {} }),
        idempotency_key: 'key-tv-1',
      })
      .where('id', '=', row.id)
      .execute();
    servlet.answers.push('8009999999999999:https://pay.example/hpp/Pay.jsp');
    const again = await createPayment(engine, {
      account: 'tv',
      orderRef: 'TV-1',
      amount: { value: 1250, currency: 'EUR' },
      idempotencyKey: 'key-tv-1',
    });
    assert.equal(again.replayed, true);
    assert.equal(again.payment.id, row.id);
    assert.equal(again.checkout.url, 'https://pay.example/hpp/Pay.jsp?PaymentID=8009999999999999');
    assert.equal(new URLSearchParams(servlet.bodies.at(-1)).get('udf1'), row.id);
  });
});
