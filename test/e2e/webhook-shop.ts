/**
 * A shop's webhook endpoint on a real socket (127.0.0.1, port 0) whose answers each test scripts,
 * and an engine + worker over in-memory SQLite whose account delivers to it. Used by
 * src/engine/deliver.test.ts, src/engine/replay.test.ts and the CLI tests.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveConfig } from '../../src/config/load.js';
import { EFFECT_TASK } from '../../src/engine/apply-signal.js';
import { createPayment } from '../../src/engine/checkout.js';
import { type Engine, startEngine } from '../../src/engine/engine.js';
import { settleByOperator } from '../../src/engine/operator.js';
import { startEngineWorker } from '../../src/engine/runtime.js';
import { type JobRecord, listJobs } from '../../src/jobs/queue.js';
import type { Worker } from '../../src/jobs/worker.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createStore } from '../../src/store/db.js';
import { type EventRecord, listEvents } from '../../src/store/repos/events.js';

export interface ShopRequest {
  /** 1 for the first request the shop received, 2 for the next… */
  readonly n: number;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Date.now() when the request arrived. */
  readonly at: number;
}

export type ShopAnswer = (request: ShopRequest, response: ServerResponse) => void | Promise<void>;

export interface WebhookShop {
  /** http://127.0.0.1:port */
  readonly base: string;
  readonly requests: ShopRequest[];
  /** How the next requests are answered (default: 204). */
  answer(answer: ShopAnswer): void;
  close(): Promise<void>;
}

export const status =
  (code: number, body = '', headers: Record<string, string> = {}): ShopAnswer =>
  (_req, res) => {
    res.writeHead(code, headers).end(body);
  };

/** The n-th request gets the n-th answer; the last one repeats. */
export function inTurn(...answers: ShopAnswer[]): ShopAnswer {
  let i = 0;
  return (req, res) => {
    const answer = answers[Math.min(i++, answers.length - 1)];
    return answer?.(req, res);
  };
}

export async function startWebhookShop(): Promise<WebhookShop> {
  const requests: ShopRequest[] = [];
  let current: ShopAnswer = status(204);
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: ShopRequest = {
      n: requests.length + 1,
      method: req.method ?? '',
      path: req.url ?? '',
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
      body: Buffer.concat(chunks).toString('utf8'),
      at: Date.now(),
    };
    requests.push(request);
    try {
      await current(request, res);
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    answer(answer) {
      current = answer;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export const LYRA_CREDENTIALS = { siteId: '12345678', key: 'test-key-for-webhooks' } as const;
export const SHOP_PAGES = {
  successUrl: 'https://shop.example/ok',
  failureUrl: 'https://shop.example/ko',
  pendingUrl: 'https://shop.example/wait',
} as const;

export interface DeliverySettings {
  readonly schedule?: string;
  readonly maxAttempts?: number;
  readonly timeout?: string;
  readonly disableAfter?: string;
}

export interface DeliveryRig {
  readonly engine: Engine;
  readonly worker: Worker;
  readonly secret: string;
  /** The account's webhook URL (with a query token, which must never be stored). */
  readonly webhookUrl: string;
  stop(): Promise<void>;
}

/**
 * An engine over in-memory SQLite with account `shop` delivering to `shop`'s /hooks, and account
 * `quiet` with no webhook; its worker running.
 */
export async function startDeliveryRig(
  shop: WebhookShop,
  delivery: DeliverySettings = {},
): Promise<DeliveryRig> {
  const secret = newWebhookSecret();
  const webhookUrl = `${shop.base}/hooks?token=shop-url-token-SECRET`;
  const config = resolveConfig(
    {
      database: 'sqlite::memory:',
      logLevel: 'silent',
      worker: { concurrency: 4, pollInterval: '20ms', lease: '10s' },
      delivery: {
        schedule: delivery.schedule ?? '10ms,20ms',
        maxAttempts: delivery.maxAttempts ?? 3,
        timeout: delivery.timeout ?? '5s',
        disableAfter: delivery.disableAfter ?? '5d',
      },
      accounts: [
        {
          id: 'shop',
          gateway: 'lyra',
          mode: 'test',
          credentials: { ...LYRA_CREDENTIALS },
          shop: { ...SHOP_PAGES, webhookUrl, webhookSecret: secret },
        },
        {
          id: 'quiet',
          gateway: 'lyra',
          mode: 'test',
          credentials: { ...LYRA_CREDENTIALS },
          shop: { ...SHOP_PAGES },
        },
      ],
    },
    {},
  );
  const engine = await startEngine({
    store: createStore(config.database),
    config,
    logger: silentLogger(),
    publicUrl: 'http://127.0.0.1:1',
  });
  const worker = startEngineWorker(engine);
  return {
    engine,
    worker,
    secret,
    webhookUrl,
    async stop() {
      await worker.stop(1_000);
      await engine.store.close();
    },
  };
}

let orders = 0;

/** A payment refused by an operator: exactly one event (`payment.failed`) and its delivery job. */
export async function newEvent(engine: Engine, account = 'shop'): Promise<EventRecord> {
  const { payment } = await createPayment(engine, {
    account,
    orderRef: `hook-${process.pid}-${++orders}`,
    amount: { value: 1250, currency: 'EUR' },
  });
  await settleByOperator(engine, {
    paymentId: payment.id,
    status: 'refused',
    reason: 'declined',
    by: 'test',
    resolve: false,
  });
  const [event] = await listEvents(engine.store.db, { paymentId: payment.id });
  if (!event) throw new Error('no event was recorded');
  return event;
}

/** The deliver-webhook jobs of an event, oldest first. */
export async function deliveryJobs(engine: Engine, eventId: string): Promise<JobRecord[]> {
  const jobs = await listJobs(engine.store.db, { task: EFFECT_TASK });
  return jobs.filter((j) => (j.payload as { eventId?: string }).eventId === eventId);
}

/**
 * Waits (polling, up to 10 s) until `count` deliver-webhook jobs of the event exist and none is
 * still ready; returns them.
 */
export async function settledJobs(engine: Engine, eventId: string, count = 1): Promise<JobRecord[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const jobs = await deliveryJobs(engine, eventId);
    if (jobs.length >= count && jobs.every((j) => j.state !== 'ready')) return jobs;
    if (Date.now() > deadline) {
      throw new Error(
        `jobs of ${eventId} did not settle: ${JSON.stringify(jobs.map((j) => [j.state, j.attempts, j.lastError]))}`,
      );
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
