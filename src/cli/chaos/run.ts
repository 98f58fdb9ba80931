import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { CustomerError } from '../../simulator/_shared/customer.js';
import { mulberry32 } from '../../simulator/_shared/random.js';
import type { Fault } from '../../simulator/faults.js';
import { payAsCustomer } from '../../simulator/lyra/customer.js';
import { startLyraSimulator } from '../../simulator/lyra/index.js';
import { lyraTruth } from '../../simulator/lyra/platform.js';
import type { Scenario } from '../../simulator/lyra/types.js';
import { createStore } from '../../store/db.js';
import { createScratchDatabase } from '../../store/dialects/postgres.js';
import { judge } from '../demo/verdicts.js';
import { type Balancer, startBalancer } from './balancer.js';
import { ServerProcess } from './server-process.js';
import { startChaosShop } from './shop.js';

export interface ChaosOptions {
  readonly payments: number;
  readonly restarts: number;
  readonly seed: number;
  readonly concurrency: number;
  readonly timeScale: number;
  /** Give up waiting for the last payments after this long. */
  readonly settleTimeoutMs: number;
  readonly keepDir?: boolean;
  /** Run on this PostgreSQL server (a fresh database, dropped at the end unless keepDir) instead of SQLite. */
  readonly postgresUrl?: string | undefined;
  /** quittance instances behind a round-robin balancer on one database (default 1; several need PostgreSQL). */
  readonly instances?: number;
  readonly onProgress?: (event: { phase: string; done: number; total: number }) => void;
}

export interface ChaosSummary {
  readonly payments: number;
  readonly final: number;
  /** Not final but flagged for a person (wrong amount): surfaced, not lost. */
  readonly flagged: number;
  readonly lost: number;
  readonly duplicateEffects: number;
  readonly forgedAccepted: number;
  readonly wrongAmountAccepted: number;
  readonly conflictsFlagged: number;
  readonly restarts: number;
  /** Payment milestones the shop received under two different webhook-ids: must be 0. */
  readonly duplicateDeliveries: number;
  /** The same webhook-id received again (a retry after a lost answer): allowed, the shop deduplicates. */
  readonly redeliveries: number;
  /** Events quittance recorded that the shop never received. */
  readonly undelivered: number;
  readonly timeToFinalP50Ms: number;
  readonly timeToFinalP99Ms: number;
  readonly notReturned: number;
  /** Customers the simulated gateway turned away (a fault of the run, not of quittance): must be 0. */
  readonly customerErrors: number;
  readonly firstCustomerError?: string;
  readonly durationMs: number;
  readonly seed: number;
  readonly directory: string;
}

const SITE_ID = '12345678';
const FINAL_EVENTS = new Set([
  'payment.authorized',
  'payment.captured',
  'payment.failed',
  'payment.conflict',
]);

/**
 * The chaos run (issue 3): quittance in a child process killed with SIGKILL at random moments and
 * restarted, a simulated Lyra platform that drops, duplicates, reorders, forges and mis-amounts
 * notifications, half the customers closing their browser before coming back, and a shop whose
 * webhook endpoint fails now and then. At the end, what the shop and quittance believe is compared
 * with what the platform did.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosSummary> {
  const started = Date.now();
  const random = mulberry32(options.seed);
  const dir = mkdtempSync(join(tmpdir(), 'quittance-chaos-'));
  const instances = options.instances ?? 1;
  if (instances > 1 && !options.postgresUrl) {
    throw new Error('several chaos instances need PostgreSQL (--db postgres://…)');
  }
  const ports = await Promise.all(Array.from({ length: instances }, () => freePort()));
  // One instance: the gateway and the customers call it directly. Several: a balancer in front.
  const port = instances === 1 ? (ports[0] as number) : await freePort();
  const url = `http://127.0.0.1:${port}`;
  const scratch = options.postgresUrl
    ? await createScratchDatabase(options.postgresUrl, 'quittance_chaos_')
    : undefined;
  const shopKey = randomBytes(16).toString('hex');
  const restPassword = `testpassword_${randomBytes(8).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const apiKey = `chaos_${randomBytes(12).toString('hex')}`;

  const simulator = await startLyraSimulator({
    shops: [{ siteId: SITE_ID, key: shopKey, algorithm: 'hmac-sha-256', restPassword }],
    timeScale: options.timeScale,
    retries: true,
    seed: options.seed,
  });
  const shop = await startChaosShop(webhookSecret, 0.05, mulberry32(options.seed + 1));
  const database = scratch?.url ?? `sqlite:${join(dir, 'chaos.db')}`;
  const configOf = (instancePort: number) =>
    JSON.stringify({
      database,
      publicUrl: url,
      listen: { host: '127.0.0.1', port: instancePort },
      apiKeys: [apiKey],
      logLevel: 'warn',
      worker: { enabled: true, concurrency: 8, pollInterval: '100ms', lease: '5s' },
      reconcile: { schedule: '1s,2s,4s,8s,15s', returnTimeout: '1s', abandonedAfter: '20s' },
      delivery: {
        schedule: '100ms,250ms,500ms,1s,2s,4s',
        maxAttempts: 30,
        timeout: '5s',
        disableAfter: '1d',
      },
      accounts: [
        {
          id: 'chaos-lyra',
          gateway: 'lyra',
          mode: 'test',
          credentials: {
            siteId: SITE_ID,
            key: shopKey,
            algorithm: 'hmac-sha-256',
            paymentUrl: simulator.paymentUrl,
            restPassword,
            restUrl: simulator.statusUrl,
          },
          shop: {
            successUrl: 'https://shop.example/ok',
            failureUrl: 'https://shop.example/ko',
            pendingUrl: 'https://shop.example/wait',
            webhookUrl: shop.url,
            webhookSecret,
          },
        },
      ],
    });
  const servers = ports.map((instancePort, i) => {
    const configFile = join(dir, `quittance-${i}.json`);
    writeFileSync(configFile, configOf(instancePort));
    return new ServerProcess({
      configFile,
      logFile: join(dir, `quittance-${i}.log`),
      url: `http://127.0.0.1:${instancePort}`,
    });
  });
  await Promise.all(servers.map((s) => s.start()));
  const balancer: Balancer | undefined =
    instances > 1
      ? await startBalancer(
          '127.0.0.1',
          port,
          ports.map((p) => `http://127.0.0.1:${p}`),
        )
      : undefined;
  // The instance to kill next: with one, always it (no draw, so a seed replays as before).
  const victim = () => servers[instances === 1 ? 0 : Math.floor(random() * instances)] as ServerProcess;

  const plan = Array.from({ length: options.payments }, (_, i) => planOne(i, random));
  const createdAt = new Map<string, number>();
  let restarts = 0;
  let paying = true;
  const killer = (async () => {
    // Spread the kills over the paying phase: its length is unknown, so aim at the expected rate
    // and keep killing (up to the count) until the customers are done.
    const meanGapMs = Math.max(300, (options.payments * 6) / Math.max(1, options.restarts));
    while (paying && restarts < options.restarts) {
      await sleep(meanGapMs * (0.5 + random()));
      if (!paying) break;
      const server = victim();
      await server.kill();
      restarts++;
      await sleep(50 + random() * 250);
      await server.start();
    }
  })();

  let done = 0;
  let customerErrors = 0;
  let firstCustomerError: string | undefined;
  await forEachConcurrently(plan, options.concurrency, async (p) => {
    const { id, checkout } = await createWithRetry(url, apiKey, p);
    createdAt.set(id, Date.now());
    try {
      await payAsCustomer({
        checkout,
        scenario: p.scenario,
        faults: [...p.faults],
        followReturn: p.returns,
      });
    } catch (error) {
      // The return failing (quittance down at that instant) is a closed browser, part of the test;
      // the gateway refusing the customer is a fault of the run itself, counted and reported.
      if (error instanceof CustomerError) {
        customerErrors++;
        firstCustomerError ??= error.message;
      }
    }
    options.onProgress?.({ phase: 'paying', done: ++done, total: plan.length });
  });
  paying = false;
  await killer;
  while (restarts < options.restarts) {
    const server = victim();
    await server.kill();
    restarts++;
    await server.start();
  }

  options.onProgress?.({ phase: 'settling', done: 0, total: 1 });
  await simulator.idle();
  options.onProgress?.({ phase: 'idle', done: 0, total: 1 });
  const store = createStore(database);
  try {
    const deadline = Date.now() + options.settleTimeoutMs;
    while (Date.now() < deadline) {
      // Waiting for what the gateway decided: a payment the customer never submitted stays open at
      // quittance until the gateway's abandonment horizon (hours), which is right and not awaited.
      const decided = simulator
        .transactions()
        .filter((tx) => tx.finalStatus !== null)
        .map((tx) => tx.orderId);
      const pending = await store.db
        .selectFrom('payments')
        .select(sql<number>`count(*)`.as('n'))
        .where('status', 'in', ['created', 'pending'])
        .where('needs_review', '=', 0)
        .where('order_ref', 'in', decided.length > 0 ? decided : [''])
        .executeTakeFirstOrThrow();
      const queued = await store.db
        .selectFrom('jobs')
        .select(sql<number>`count(*)`.as('n'))
        .where('task', '=', 'deliver-webhook')
        .where('state', '=', 'ready')
        .executeTakeFirstOrThrow();
      if (Number(pending.n) === 0 && Number(queued.n) === 0) break;
      if (process.env.QUITTANCE_DEBUG) {
        console.error(
          `chaos: waiting for ${pending.n} payments and ${queued.n} deliveries (${customerErrors} customer errors: ${firstCustomerError ?? '-'})`,
        );
      }
      await sleep(250);
    }
    await Promise.all(servers.map((s) => s.stop()));
    options.onProgress?.({ phase: 'settling', done: 1, total: 1 });
    return {
      ...(await compare(store, simulator.transactions(), shop.events, createdAt)),
      payments: plan.length,
      restarts,
      customerErrors,
      ...(firstCustomerError ? { firstCustomerError } : {}),
      notReturned: plan.filter((p) => !p.returns).length,
      durationMs: Date.now() - started,
      seed: options.seed,
      directory: options.keepDir ? dir : '(temporary, deleted)',
    };
  } finally {
    await store.close();
    await Promise.all(servers.map((s) => s.stop()));
    await balancer?.close();
    await simulator.close();
    await shop.close();
    if (!options.keepDir) {
      rmSync(dir, { recursive: true, force: true });
      await scratch?.drop();
    }
  }
}

interface Planned {
  readonly orderRef: string;
  readonly amount: number;
  readonly scenario: Scenario;
  readonly faults: readonly Fault[];
  readonly returns: boolean;
}

type Checkout = Parameters<typeof payAsCustomer>[0]['checkout'];

/** The rates: 30% dropped, 20% duplicated, 10% reordered, 5% forged, 2% wrong amount, 50% never back. */
function planOne(i: number, random: () => number): Planned {
  const pick = random();
  const scenario: Scenario = pick < 0.75 ? 'paid' : pick < 0.9 ? 'refused' : 'cancelled';
  const faults: Fault[] = [];
  const drop = random();
  if (drop < 0.2) faults.push({ kind: 'drop' });
  else if (drop < 0.3) faults.push({ kind: 'drop-all' });
  if (random() < 0.2) faults.push({ kind: 'duplicate' });
  if (random() < 0.1 && scenario === 'paid') faults.push({ kind: 'reorder' });
  if (random() < 0.05) faults.push({ kind: 'bad-signature' });
  if (random() < 0.02) faults.push({ kind: 'wrong-amount' });
  return {
    orderRef: `chaos-${String(i + 1).padStart(6, '0')}`,
    amount: 100 + Math.floor(random() * 50_000),
    scenario,
    faults,
    returns: random() < 0.5,
  };
}

/** The shop retries creation through restarts; Idempotency-Key makes the retry safe. */
async function createWithRetry(
  url: string,
  apiKey: string,
  p: Planned,
): Promise<{ id: string; checkout: Checkout }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(`${url}/api/payments`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
          'idempotency-key': p.orderRef,
        },
        body: JSON.stringify({
          account: 'chaos-lyra',
          orderRef: p.orderRef,
          amount: { value: p.amount, currency: 'EUR' },
        }),
      });
      if (response.status === 200 || response.status === 201) {
        return (await response.json()) as { id: string; checkout: Checkout };
      }
      if (response.status < 500)
        throw new Error(`creating ${p.orderRef}: ${response.status} ${await response.text()}`);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('creating ')) throw error;
    }
    if (attempt > 600) throw new Error(`creating ${p.orderRef}: quittance unreachable for too long`);
    await sleep(100);
  }
}

async function compare(
  store: ReturnType<typeof createStore>,
  transactions: ReturnType<Awaited<ReturnType<typeof startLyraSimulator>>['transactions']>,
  received: ReadonlyArray<{ webhookId: string; type: string; paymentId: string; receivedAt: number }>,
  createdAt: ReadonlyMap<string, number>,
) {
  const verdicts = await judge(
    store.db,
    transactions.map((tx) => ({
      orderRef: tx.orderId,
      truth: lyraTruth(tx.finalStatus),
      orderAmount: tx.orderAmount,
      settledAmount: tx.settledAmount,
    })),
  );
  const events = await store.db.selectFrom('events').select('id').execute();
  const idsPerMilestone = new Map<string, Set<string>>();
  const receipts = new Map<string, number>();
  for (const r of received) {
    const key = `${r.paymentId}:${r.type}`;
    idsPerMilestone.set(key, (idsPerMilestone.get(key) ?? new Set()).add(r.webhookId));
    receipts.set(r.webhookId, (receipts.get(r.webhookId) ?? 0) + 1);
  }
  const deliveredIds = new Set(received.map((r) => r.webhookId));
  const firstFinal = new Map<string, number>();
  for (const r of received) {
    if (!FINAL_EVENTS.has(r.type)) continue;
    firstFinal.set(
      r.paymentId,
      Math.min(firstFinal.get(r.paymentId) ?? Number.POSITIVE_INFINITY, r.receivedAt),
    );
  }
  const times = [...firstFinal.entries()]
    .map(([id, at]) => at - (createdAt.get(id) ?? at))
    .sort((a, b) => a - b);
  return {
    final: verdicts.final,
    flagged: verdicts.flagged,
    lost: verdicts.lost,
    duplicateEffects: verdicts.duplicateEffects,
    forgedAccepted: verdicts.forgedAccepted,
    wrongAmountAccepted: verdicts.wrongAmountAccepted,
    conflictsFlagged: verdicts.conflictsFlagged,
    duplicateDeliveries: [...idsPerMilestone.values()].filter((ids) => ids.size > 1).length,
    redeliveries: [...receipts.values()].reduce((sum, n) => sum + n - 1, 0),
    undelivered: events.filter((e) => !deliveredIds.has(e.id)).length,
    timeToFinalP50Ms: percentile(times, 0.5),
    timeToFinalP99Ms: percentile(times, 0.99),
  };
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}
