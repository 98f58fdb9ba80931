import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../config/load.js';
import { isFinal, type PaymentStatus } from '../../core/index.js';
import { notifiesByServerCall, OVERDUE_CHECK_TASK } from '../../engine/alerts/overdue.js';
import { type Engine, startEngine } from '../../engine/engine.js';
import { RECONCILE_TASK } from '../../engine/reconcile-task.js';
import { startEngineWorker } from '../../engine/runtime.js';
import { createApp } from '../../http/app.js';
import { listen } from '../../http/server.js';
import { listJobs } from '../../jobs/queue.js';
import type { Worker } from '../../jobs/worker.js';
import { silentLogger } from '../../observability/logger.js';
import { mulberry32 } from '../../simulator/_shared/random.js';
import type { PayInput, SimulatedPlatform } from '../../simulator/platform.js';
import { PLATFORMS } from '../../simulator/platforms.js';
import { createStore } from '../../store/db.js';
import { createScratchDatabase } from '../../store/dialects/postgres.js';
import { listAlerts } from '../../store/repos/alerts.js';
import { type PlannedPayment, planPayments } from './plan.js';
import { judge, type OrderOutcome } from './verdicts.js';

export interface DemoOptions {
  /** The gateway adapter id whose simulator plays the gateway (src/simulator/platforms.ts). Default lyra. */
  readonly gateway?: string | undefined;
  readonly payments: number;
  readonly seed: number;
  /** How many simulated customers pay at the same time. */
  readonly concurrency: number;
  /** Simulated gateway time per real time: 0.0005 turns Lyra's 15-minute retry slots into 450 ms. */
  readonly timeScale: number;
  /** Keep the SQLite file at this path instead of a temporary one. */
  readonly databaseFile?: string | undefined;
  /**
   * Run on this PostgreSQL server instead of SQLite: in a fresh database created next to the one the
   * URL names (its user needs CREATE DATABASE), dropped at the end.
   */
  readonly postgresUrl?: string | undefined;
  /** How long to wait, after the platform is idle, for quittance's jobs to catch up. Default 60 s. */
  readonly settleTimeoutMs?: number | undefined;
  /**
   * The gateway cannot reach quittance: every notification of the demo account is dropped (the
   * `drop-all` fault on every payment), customers still come back. With a short overdue grace
   * (DROP_RUN_OVERDUE_AFTER), the run ends with one `notification-overdue` alert for the account.
   */
  readonly dropNotifications?: boolean | undefined;
  readonly onProgress?: (event: { phase: 'paying' | 'notifying'; done: number; total: number }) => void;
}

/** The keys the issue names, plus a few that say more. */
export interface DemoSummary {
  readonly gateway: string;
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
  /** Alert records raised during the run, by kind. */
  readonly alerts: Readonly<Record<string, number>>;
  readonly alertDetails: readonly DemoAlert[];
  readonly seed: number;
  readonly database: string;
}

export interface DemoAlert {
  readonly kind: string;
  readonly account: string | null;
  readonly count: number;
  readonly samples: readonly string[];
  readonly message: string;
}

/**
 * The overdue grace of a --drop-notifications run: seconds, not the 15 minutes of a real deployment, so the
 * alert fires within the demo. A normal run keeps the default (15m): its few random `drop-all` payments
 * would be reported 15 minutes later in real life, after the demo has ended.
 */
export const DROP_RUN_OVERDUE_AFTER = '2s';

/** Quick reconciliation and a busy worker: the demo compresses hours of gateway time into seconds. */
const DEMO_RECONCILE = { schedule: '1s,2s,4s,8s,15s', returnTimeout: '2s', abandonedAfter: '30s' } as const;
const DEMO_WORKER = { enabled: true, concurrency: 8, pollInterval: '100ms', lease: '10s' } as const;

/**
 * Runs quittance and a simulated gateway (`options.gateway`, default Lyra) side by side on 127.0.0.1,
 * sends `payments` customers through real HTTP with the faults that gateway can commit, waits until the
 * platform has delivered (or given up on) every notification and quittance's worker has finished what
 * follows (fetch-backs, reconciliation), then compares what quittance believes with what the platform did.
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const started = performance.now();
  const gateway = options.gateway ?? 'lyra';
  const factory = PLATFORMS[gateway];
  if (!factory) {
    throw new Error(`no simulator for gateway "${gateway}" (known: ${Object.keys(PLATFORMS).join(', ')})`);
  }
  const random = mulberry32(options.seed);
  const apiKey = `demo_${randomBytes(16).toString('hex')}`;
  const scratch = options.postgresUrl
    ? await createScratchDatabase(options.postgresUrl, 'quittance_demo_')
    : undefined;
  const tempDir =
    options.databaseFile || scratch ? undefined : mkdtempSync(join(tmpdir(), 'quittance-demo-'));
  const database = scratch?.url ?? `sqlite:${options.databaseFile ?? join(tempDir as string, 'demo.db')}`;

  const platform = await factory({ seed: options.seed, timeScale: options.timeScale });
  const store = createStore(database);
  let engine: Engine | undefined;
  let worker: Worker | undefined;
  let app: ReturnType<typeof createApp> | undefined;
  const server = await listen(
    (request, env) => (app as NonNullable<typeof app>).fetch(request, env),
    '127.0.0.1',
    0,
  );
  try {
    const config = resolveConfig({
      database,
      apiKeys: [apiKey],
      reconcile: { ...DEMO_RECONCILE },
      worker: { ...DEMO_WORKER },
      ...(options.dropNotifications ? { alerts: { overdueAfter: DROP_RUN_OVERDUE_AFTER } } : {}),
      logLevel: 'silent',
      accounts: [
        {
          id: DEMO_ACCOUNT,
          gateway: platform.gateway,
          mode: 'test',
          credentials: { ...platform.credentials },
          shop: {
            successUrl: 'https://shop.example/order/success',
            failureUrl: 'https://shop.example/order/failure',
            pendingUrl: 'https://shop.example/order/pending',
          },
        },
      ],
    });
    engine = await startEngine({ store, config, logger: silentLogger(), publicUrl: server.url });
    const adapter = config.accounts.get(DEMO_ACCOUNT)?.adapter;
    if (options.dropNotifications && adapter && !notifiesByServerCall(adapter)) {
      throw new Error(
        `--drop-notifications: ${adapter.displayName} tells by long-poll, it sends no notification to drop`,
      );
    }
    app = createApp(engine);
    worker = startEngineWorker(engine);

    const drawn = planPayments(options.payments, random, {
      scenarios: platform.scenarios,
      faultKinds: platform.faultKinds,
    });
    const plan = options.dropNotifications ? drawn.map(withEveryNotificationDropped) : drawn;
    const keys = new Map<string, string>();
    let done = 0;
    await forEachConcurrently(plan, options.concurrency, async (planned) => {
      keys.set(planned.orderRef, await payOne(server.url, apiKey, platform, planned));
      options.onProgress?.({ phase: 'paying', done: ++done, total: plan.length });
    });
    options.onProgress?.({ phase: 'notifying', done: 0, total: 1 });
    await platform.idle();
    const outcomes = () =>
      plan.flatMap((planned) => {
        const key = keys.get(planned.orderRef);
        const outcome = key === undefined ? undefined : platform.outcome(key);
        return outcome ? [{ orderRef: planned.orderRef, ...outcome }] : [];
      });
    const deadline = Date.now() + (options.settleTimeoutMs ?? 60_000);
    await settled(engine, outcomes, deadline);
    await overdueChecksRun(engine, deadline);
    options.onProgress?.({ phase: 'notifying', done: 1, total: 1 });

    return {
      gateway,
      ...(await compare(engine, outcomes(), plan)),
      ...(await alertsOf(engine)),
      durationMs: Math.round(performance.now() - started),
      seed: options.seed,
      database: scratch
        ? `${store.location} (temporary, dropped)`
        : (options.databaseFile ?? '(temporary, deleted)'),
    };
  } finally {
    await worker?.stop(5_000);
    await server.close();
    await platform.close();
    await store.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    await scratch?.drop();
  }
}

const DEMO_ACCOUNT = 'demo';

/**
 * Waits until quittance has caught up with the platform: nothing the gateway decided is still open or
 * behind at quittance, or no job that could still change something is left (a reconciliation check of
 * a payment already final, or flagged for a person, changes nothing here), or the timeout.
 */
async function settled(engine: Engine, outcomes: () => OrderOutcome[], deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const verdicts = await judge(engine.store.db, outcomes());
    if (verdicts.lost === 0 && verdicts.behindGateway === 0) return;
    if (!(await workLeft(engine, deadline))) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Waits for the notification-overdue checks due before the deadline (a --drop-notifications run: a few
 * seconds after the last return) to have run; checks due later (a normal run: 15 minutes) are not waited for.
 */
async function overdueChecksRun(engine: Engine, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const pending = await listJobs(engine.store.db, { task: OVERDUE_CHECK_TASK, state: 'ready' });
    if (!pending.some((job) => job.runAt.getTime() <= deadline)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Every notification of the payment is lost in transit, each attempt of each one (the gateway cannot reach us). */
function withEveryNotificationDropped(planned: PlannedPayment): PlannedPayment {
  const faults = planned.faults.filter((f) => f.kind !== 'drop' && f.kind !== 'drop-all');
  return { ...planned, faults: [...faults, { kind: 'drop-all' }] };
}

async function alertsOf(engine: Engine): Promise<Pick<DemoSummary, 'alerts' | 'alertDetails'>> {
  const records = await listAlerts(engine.store.db, { limit: 1000 });
  const alerts: Record<string, number> = {};
  for (const a of records) alerts[a.kind] = (alerts[a.kind] ?? 0) + 1;
  return {
    alerts,
    alertDetails: records.map((a) => ({
      kind: a.kind,
      account: a.accountId,
      count: a.count,
      samples: a.samples,
      message: a.message,
    })),
  };
}

async function workLeft(engine: Engine, deadline: number): Promise<boolean> {
  const open = new Set(
    (await engine.store.db.selectFrom('payments').select(['id', 'status', 'needs_review']).execute())
      .filter((p) => !isFinal(p.status as PaymentStatus) && Number(p.needs_review) === 0)
      .map((p) => p.id),
  );
  // A job due after the deadline (an overdue check of a normal run, 15 minutes away) cannot help in time.
  const jobs = (await listJobs(engine.store.db, { state: 'ready' })).filter(
    (job) => job.runAt.getTime() <= deadline,
  );
  return jobs.some(
    (job) => job.task !== RECONCILE_TASK || open.has((job.payload as { paymentId?: string }).paymentId ?? ''),
  );
}

async function payOne(
  baseUrl: string,
  apiKey: string,
  platform: SimulatedPlatform,
  planned: PlannedPayment,
): Promise<string> {
  const response = await fetch(`${baseUrl}/api/payments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      account: DEMO_ACCOUNT,
      orderRef: planned.orderRef,
      amount: { value: planned.amount, currency: platform.currency },
    }),
  });
  if (response.status !== 201)
    throw new Error(`creating ${planned.orderRef} failed: ${response.status} ${await response.text()}`);
  const { checkout } = (await response.json()) as { checkout: PayInput['checkout'] };
  return platform.pay({ checkout, scenario: planned.scenario, faults: planned.faults, returns: true });
}

type DemoCounts = Omit<
  DemoSummary,
  'gateway' | 'durationMs' | 'seed' | 'database' | 'alerts' | 'alertDetails'
>;

async function compare(
  engine: Engine,
  outcomes: readonly OrderOutcome[],
  plan: readonly PlannedPayment[],
): Promise<DemoCounts> {
  const { flagged: _flagged, ...verdicts } = await judge(engine.store.db, outcomes);
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
