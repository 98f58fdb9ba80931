/**
 * N quittance instances on one database, in this process: each its own store (its own pg Pool or
 * SQLite connection), its own engine and its own HTTP server on 127.0.0.1. Only the database is
 * shared, as with instances behind a load balancer. In one process rather than N child processes
 * because a scenario runs 100 rounds: starting processes (tsx, ~3 s each) would dominate, while what
 * races is the database work, and that is just as concurrent from three pools in one process.
 *
 * The account `shop` is a Lyra one; its REST status API is answered by `lyraRest` (no network).
 */
import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import { resolveConfig } from '../../src/config/load.js';
import { money } from '../../src/core/index.js';
import { type Engine, startEngine } from '../../src/engine/engine.js';
import { restOrder, restSuccess, restTransaction } from '../../src/gateways/lyra/fixtures/rest.js';
import { createApp } from '../../src/http/app.js';
import { listen, type RunningServer } from '../../src/http/server.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createStore } from '../../src/store/db.js';
import { findPayment } from '../../src/store/repos/payments.js';
import { ALGORITHM, SHOP, SITE_ID, TEST_KEY } from '../e2e/harness.js';

export const REST_URL = 'https://api.lyra.test/api-payment/V4/';
export const REST_PASSWORD = 'testpassword_CLUSTER0123456789abcdef';

export interface Instance {
  readonly url: string;
  readonly engine: Engine;
  readonly apiKey: string;
}

export interface Cluster {
  readonly instances: readonly Instance[];
  /** What the Lyra status API says of a payment: its transaction's uuid and detailed status. */
  readonly lyra: Map<string, { uuid: string; detailedStatus: string }>;
  close(): Promise<void>;
}

export async function startCluster(databaseUrl: string, count: number): Promise<Cluster> {
  const apiKey = `cluster_${randomBytes(12).toString('hex')}`;
  const lyra = new Map<string, { uuid: string; detailedStatus: string }>();
  const started: Array<{ server: RunningServer; close: () => Promise<void>; instance?: Instance }> = [];
  const instances = await Promise.all(
    Array.from({ length: count }, async () => {
      const store = createStore(databaseUrl);
      let app: Hono | undefined;
      const server = await listen(
        (request, env) => (app ? app.fetch(request, env) : new Response('starting', { status: 503 })),
        '127.0.0.1',
        0,
      );
      started.push({ server, close: () => store.close() });
      const config = resolveConfig(
        {
          database: databaseUrl,
          apiKeys: [apiKey],
          logLevel: 'silent',
          accounts: [
            {
              id: 'shop',
              gateway: 'lyra',
              mode: 'test',
              credentials: {
                siteId: SITE_ID,
                key: TEST_KEY,
                algorithm: ALGORITHM,
                restPassword: REST_PASSWORD,
                restUrl: REST_URL,
              },
              shop: {
                ...SHOP,
                webhookUrl: 'https://shop.example/webhooks',
                webhookSecret: `whsec_${randomBytes(24).toString('base64')}`,
              },
            },
          ],
        },
        {},
      );
      // The engines start at once: on PostgreSQL the migrations' advisory lock is exercised too.
      const engine: Engine = await startEngine({
        store,
        config,
        logger: silentLogger(),
        publicUrl: server.url,
        fetch: (input, init) => lyraRest(engine, lyra, input, init),
      });
      app = createApp(engine);
      return { url: server.url, engine, apiKey };
    }),
  );
  return {
    instances,
    lyra,
    async close() {
      for (const s of started) await s.server.close();
      for (const s of started) await s.close();
    },
  };
}

/** Lyra's REST API V4 for the payments in `known`: Transaction/Get and Order/Get. */
async function lyraRest(
  engine: Engine,
  known: Map<string, { uuid: string; detailedStatus: string }>,
  input: string | URL | Request,
  init?: RequestInit,
): Promise<Response> {
  const url = String(input);
  const body = JSON.parse(String(init?.body ?? '{}')) as { uuid?: string; orderId?: string };
  for (const [paymentId, transaction] of known) {
    const payment = await findPayment(engine.store.db, paymentId);
    if (!payment) continue;
    const request = {
      paymentId,
      orderRef: payment.orderRef,
      merchantRef: payment.merchantRef,
      amount: money(payment.amount.value, payment.amount.currency),
      now: payment.createdAt,
      urls: { notify: '', return: '', wait: '' },
    };
    const answer = restTransaction(request, transaction.detailedStatus, { uuid: transaction.uuid });
    if (url.endsWith('Transaction/Get') && body.uuid === transaction.uuid) {
      return Response.json(restSuccess('Transaction/Get', answer));
    }
    if (url.endsWith('Order/Get') && body.orderId === payment.orderRef) {
      return Response.json(restOrder(payment.orderRef, [answer]));
    }
  }
  return new Response('not found', { status: 404 });
}
