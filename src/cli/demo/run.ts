import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../config/load.js';
import { type Engine, startEngine } from '../../engine/engine.js';
import { createApp } from '../../http/app.js';
import { listen } from '../../http/server.js';
import { silentLogger } from '../../observability/logger.js';
import { payAsCustomer } from '../../simulator/lyra/customer.js';
import { startLyraSimulator } from '../../simulator/lyra/index.js';
import { mulberry32 } from '../../simulator/lyra/random.js';
import type { SimTransaction } from '../../simulator/lyra/types.js';
import { createStore } from '../../store/db.js';
import { type PlannedPayment, planPayments } from './plan.js';
import { judge } from './verdicts.js';

export interface DemoOptions {
  readonly payments: number;
  readonly seed: number;
  /** How many simulated customers pay at the same time. */
  readonly concurrency: number;
  /** Simulated gateway time per real time: 0.0005 turns Lyra's 15-minute retry slots into 450 ms. */
  readonly timeScale: number;
  /** Keep the SQLite file at this path instead of a temporary one. */
  readonly databaseFile?: string | undefined;
  readonly onProgress?: (event: { phase: 'paying' | 'notifying'; done: number; total: number }) => void;
}

/** The keys the issue names, plus a few that say more. */
export interface DemoSummary {
  readonly payments: number;
  readonly final: number;
  readonly lost: number;
  readonly duplicateEffects: number;
  readonly forgedAccepted: number;
  readonly wrongAmountAccepted: number;
  readonly conflictsFlagged: number;
  readonly durationMs: number;
  readonly notifications: number;
  readonly notificationsRejected: number;
  readonly faultsInjected: Readonly<Record<string, number>>;
  /** Not flagged, final, but not what the gateway ended with (e.g. capture notice never delivered). */
  readonly behindGateway: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly seed: number;
  readonly database: string;
}

const SITE_ID = '12345678';

/**
 * Runs quittance and a simulated Lyra platform side by side on 127.0.0.1, sends `payments` customers
 * through real HTTP with faults on, waits until the platform has delivered (or given up on) every
 * notification, then compares what quittance believes with what the platform did.
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const started = performance.now();
  const random = mulberry32(options.seed);
  const shopKey = randomBytes(16).toString('hex');
  const apiKey = `demo_${randomBytes(16).toString('hex')}`;
  const tempDir = options.databaseFile ? undefined : mkdtempSync(join(tmpdir(), 'quittance-demo-'));
  const databaseFile = options.databaseFile ?? join(tempDir as string, 'demo.db');

  const simulator = await startLyraSimulator({
    shops: [{ siteId: SITE_ID, key: shopKey, algorithm: 'hmac-sha-256' }],
    timeScale: options.timeScale,
    retries: true,
    seed: options.seed,
  });
  const store = createStore(`sqlite:${databaseFile}`);
  let engine: Engine | undefined;
  let app: ReturnType<typeof createApp> | undefined;
  const server = await listen(
    (request, env) => (app as NonNullable<typeof app>).fetch(request, env),
    '127.0.0.1',
    0,
  );
  try {
    const config = resolveConfig({
      database: `sqlite:${databaseFile}`,
      apiKeys: [apiKey],
      accounts: [
        {
          id: 'demo-lyra',
          gateway: 'lyra',
          mode: 'test',
          credentials: {
            siteId: SITE_ID,
            key: shopKey,
            algorithm: 'hmac-sha-256',
            paymentUrl: simulator.paymentUrl,
          },
          shop: {
            successUrl: 'https://shop.example/order/success',
            failureUrl: 'https://shop.example/order/failure',
            pendingUrl: 'https://shop.example/order/pending',
          },
        },
      ],
    });
    engine = await startEngine({ store, config, logger: silentLogger(), publicUrl: server.url });
    app = createApp(engine);

    const plan = planPayments(options.payments, random);
    let done = 0;
    await forEachConcurrently(plan, options.concurrency, async (planned) => {
      await payOne(server.url, apiKey, planned);
      options.onProgress?.({ phase: 'paying', done: ++done, total: plan.length });
    });
    options.onProgress?.({ phase: 'notifying', done: 0, total: 1 });
    await simulator.idle();
    options.onProgress?.({ phase: 'notifying', done: 1, total: 1 });

    return {
      ...(await compare(engine, simulator.transactions(), plan)),
      durationMs: Math.round(performance.now() - started),
      seed: options.seed,
      database: options.databaseFile ?? '(temporary, deleted)',
    };
  } finally {
    await server.close();
    await simulator.close();
    await store.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}

async function payOne(baseUrl: string, apiKey: string, planned: PlannedPayment): Promise<void> {
  const response = await fetch(`${baseUrl}/api/payments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      account: 'demo-lyra',
      orderRef: planned.orderRef,
      amount: { value: planned.amount, currency: 'EUR' },
    }),
  });
  if (response.status !== 201)
    throw new Error(`creating ${planned.orderRef} failed: ${response.status} ${await response.text()}`);
  const { checkout } = (await response.json()) as {
    checkout: Parameters<typeof payAsCustomer>[0]['checkout'];
  };
  await payAsCustomer({ checkout, scenario: planned.scenario, faults: [...planned.faults] });
}

type DemoCounts = Omit<DemoSummary, 'durationMs' | 'seed' | 'database'>;

async function compare(
  engine: Engine,
  transactions: readonly SimTransaction[],
  plan: readonly PlannedPayment[],
): Promise<DemoCounts> {
  const { flagged: _flagged, ...verdicts } = await judge(engine.store.db, transactions);
  const faultsInjected: Record<string, number> = {};
  for (const p of plan) for (const f of p.faults) faultsInjected[f.kind] = (faultsInjected[f.kind] ?? 0) + 1;
  return { payments: plan.length, ...verdicts, faultsInjected };
}

async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
) {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  });
  await Promise.all(workers);
}
