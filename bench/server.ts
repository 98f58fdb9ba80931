/**
 * The server side of `npm run bench`, run in its own process (forked by bench/ingest.ts) so that the
 * load generator and the server do not share one event loop.
 *
 * Modes (one JSON argument, see `ServerOptions`):
 * - `baseline`: a bare node:http server that reads the body and answers 200 "OK";
 * - `quittance`: quittance itself on a database URL, a SQLite file or PostgreSQL (createStore +
 *   startEngine + createApp + listen), with one Lyra account and `payments` payments created through
 *   the engine before it says ready (0 for the second and third instances on one PostgreSQL database);
 *   with `mollie`, also a Mollie account and its payments, created at the Mollie simulator (see
 *   createMolliePayments).
 *
 * IPC: the child sends `{ type: 'ready', url, payments, molliePayments, pragmas }`; the parent may then send `{ type: 'cpu' }`
 * (answered with the process CPU time so far) and finally `{ type: 'stop' }` (answered with
 * `{ type: 'stopped' }` once the server and the store are closed; then the process exits).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { resolveConfig } from '../src/config/load.js';
import { createPayment } from '../src/engine/checkout.js';
import { type Engine, startEngine } from '../src/engine/engine.js';
import { createApp } from '../src/http/app.js';
import { listen } from '../src/http/server.js';
import { silentLogger } from '../src/observability/logger.js';
import { startMollieSimulator } from '../src/simulator/mollie/server.js';
import type { MollieSimulator } from '../src/simulator/mollie/types.js';
import { createStore } from '../src/store/db.js';

export type ServerOptions =
  | { readonly mode: 'baseline' }
  | {
      readonly mode: 'quittance';
      /** `sqlite:<file>` or `postgres://…`, as `serve --db` takes it. */
      readonly database: string;
      readonly accountId: string;
      readonly siteId: string;
      readonly key: string;
      readonly payments: number;
      /** A second account, Mollie in test mode, and how many payments to create for it. */
      readonly mollie?: { readonly accountId: string; readonly payments: number } | undefined;
    };

/** A payment created before the run, with the Lyra form fields its customer would post. */
export interface PreparedPayment {
  readonly id: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** A Mollie payment created before the run: ours, and the `tr_…` id Mollie (the simulator) gave it. */
export interface MolliePayment {
  readonly id: string;
  readonly gatewayRef: string;
}

export type ChildMessage =
  | {
      readonly type: 'ready';
      readonly url: string;
      readonly payments: readonly PreparedPayment[];
      readonly molliePayments: readonly MolliePayment[];
      /** As read back from the store's connection (quittance on SQLite only): `journal_mode`, `synchronous`. */
      readonly pragmas: Readonly<Record<string, string>>;
    }
  | { readonly type: 'cpu'; readonly micros: number }
  | { readonly type: 'stopped' };

export type ParentMessage = { readonly type: 'cpu' } | { readonly type: 'stop' };

interface Running {
  readonly url: string;
  readonly payments: readonly PreparedPayment[];
  readonly molliePayments: readonly MolliePayment[];
  readonly pragmas: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

function send(message: ChildMessage): void {
  if (!process.send) throw new Error('bench/server.ts runs as a child of bench/ingest.ts (no IPC channel)');
  process.send(message);
}

async function startBaseline(): Promise<Running> {
  const server = createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': '2' });
      res.end('OK');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    payments: [],
    molliePayments: [],
    pragmas: {},
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

const SHOP = {
  successUrl: 'https://shop.example/order/success',
  failureUrl: 'https://shop.example/order/failure',
  pendingUrl: 'https://shop.example/order/pending',
};

async function startQuittance(options: Extract<ServerOptions, { mode: 'quittance' }>): Promise<Running> {
  const { database } = options;
  const store = createStore(database);
  // Up only while the Mollie payments are created: the bench runs no job worker, so nothing asks it
  // anything afterwards, and closed it costs the measured process nothing.
  const apiKey = `test_${randomBytes(15).toString('hex')}`;
  const simulator = options.mollie ? await startMollieSimulator({ apiKeys: [apiKey], seed: 1 }) : undefined;
  let app: ReturnType<typeof createApp> | undefined;
  const server = await listen(
    (request, env) => {
      if (!app) return new Response('not ready', { status: 503 });
      return app.fetch(request, env);
    },
    '127.0.0.1',
    0,
  );
  const config = resolveConfig(
    {
      database,
      logLevel: 'silent',
      accounts: [
        {
          id: options.accountId,
          gateway: 'lyra',
          mode: 'test',
          credentials: { siteId: options.siteId, key: options.key, algorithm: 'hmac-sha-256' },
          shop: SHOP,
        },
        ...(options.mollie && simulator
          ? [
              {
                id: options.mollie.accountId,
                gateway: 'mollie',
                mode: 'test',
                credentials: { apiKey, apiBase: simulator.apiBase },
                shop: SHOP,
              },
            ]
          : []),
      ],
    },
    {},
  );
  const engine = await startEngine({ store, config, logger: silentLogger(), publicUrl: server.url });
  app = createApp(engine);

  const payments: PreparedPayment[] = [];
  for (let i = 0; i < options.payments; i++) {
    const { payment, checkout } = await createPayment(engine, {
      account: options.accountId,
      orderRef: `BENCH-${String(i + 1).padStart(6, '0')}`,
      amount: { value: 1000 + (i % 9000), currency: 'EUR' },
    });
    payments.push({ id: payment.id, fields: checkout.fields });
  }
  const molliePayments =
    options.mollie && simulator ? await createMolliePayments(engine, options.mollie, simulator) : [];
  const pragma = async (name: 'journal_mode' | 'synchronous') => {
    const { rows } = await sql<Record<string, unknown>>`${sql.raw(`pragma ${name}`)}`.execute(store.db);
    return String(Object.values(rows[0] ?? {})[0]);
  };
  const pragmas: Record<string, string> = {};
  if (database.startsWith('sqlite:')) {
    const synchronous = await pragma('synchronous');
    pragmas.journal_mode = await pragma('journal_mode');
    pragmas.synchronous =
      { '0': 'OFF', '1': 'NORMAL', '2': 'FULL', '3': 'EXTRA' }[synchronous] ?? synchronous;
  }
  return {
    url: server.url,
    payments,
    molliePayments,
    pragmas,
    close: async () => {
      await server.close();
      await store.close();
    },
  };
}

/**
 * Mollie payments the way a shop gets them: createPayment, whose initPayment POSTs /v2/payments to the
 * simulator and stores the `tr_…` id it answers as the gateway reference (rather than rows inserted
 * through the repositories with made-up ids): every webhook of the deferred phase then names a payment
 * that exists both in quittance and at "Mollie", as a real one would. The simulator is closed afterwards.
 */
async function createMolliePayments(
  engine: Engine,
  mollie: { readonly accountId: string; readonly payments: number },
  simulator: MollieSimulator,
): Promise<MolliePayment[]> {
  const created: MolliePayment[] = [];
  try {
    for (let i = 0; i < mollie.payments; i++) {
      const { payment } = await createPayment(engine, {
        account: mollie.accountId,
        orderRef: `BENCH-M-${String(i + 1).padStart(6, '0')}`,
        amount: { value: 1000 + (i % 9000), currency: 'EUR' },
      });
      if (payment.gatewayRef === null) throw new Error(`Mollie payment ${payment.id} has no tr_ id`);
      created.push({ id: payment.id, gatewayRef: payment.gatewayRef });
    }
  } finally {
    await simulator.close();
  }
  return created;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as ServerOptions;
  const running = options.mode === 'baseline' ? await startBaseline() : await startQuittance(options);
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      send({ type: 'cpu', micros: user + system });
    } else if (message.type === 'stop') {
      running.close().then(
        () => {
          send({ type: 'stopped' });
          process.disconnect();
        },
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    }
  });
  send({
    type: 'ready',
    url: running.url,
    payments: running.payments,
    molliePayments: running.molliePayments,
    pragmas: running.pragmas,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
