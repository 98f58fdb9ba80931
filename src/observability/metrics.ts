import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One (task, state) group of the jobs table, as counted at scrape time. */
export interface JobQueueStat {
  readonly task: string;
  readonly state: string;
  readonly count: number;
  /** The earliest `run_at` of this group's jobs already due (run_at ≤ now); null if none is due. */
  readonly oldestDueAt: Date | null;
}

export interface MetricsOptions {
  /** The configured accounts, id → gateway: the only account label values ever created. */
  readonly accounts: ReadonlyMap<string, string>;
  /** Reads the jobs table, grouped by task and state (one query), when Prometheus scrapes. */
  readonly jobQueue?: (() => Promise<readonly JobQueueStat[]>) | undefined;
  readonly clock?: (() => Date) | undefined;
  /** Node process metrics (CPU, memory, event loop, GC), prefixed `quittance_`. Default true. */
  readonly processMetrics?: boolean | undefined;
}

export type InboxMetricKind = 'notification' | 'return';
export type WebhookDeliveryResult = 'ok' | 'http_error' | 'timeout' | 'network_error' | 'interrupted';

/** Any account id that is not configured is counted under this one label value. */
export const UNKNOWN_ACCOUNT = 'unknown';

/**
 * Receive → answer time of a notification. Gateways give up at their timeout (Adyen 10 s, Lyra 35 s:
 * issue 6), so the top buckets sit at those marks: a histogram showing answers near them is the warning.
 */
export const ACK_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 35] as const;

/**
 * The Prometheus metrics of one engine, on a registry of its own (never prom-client's global one), so
 * several engines in one process — tests, library mode — never collide or mix their numbers.
 *
 * Label values are bounded: accounts are the configured ones (anything else is `unknown`, so a scanner
 * posting to /notify/<random> cannot create series), and verdicts, kinds, sources, settlements and
 * results are closed lists from the code.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly accounts: ReadonlyMap<string, string>;
  private readonly clock: () => Date;
  private readonly notifications: Counter<'account' | 'gateway' | 'kind' | 'verdict'>;
  private readonly ack: Histogram<'account' | 'gateway'>;
  private readonly settlements: Counter<'account' | 'source' | 'settlement'>;
  private readonly deliveries: Counter<'account' | 'result'>;
  private pendingJobStats: Promise<readonly JobQueueStat[]> | undefined;

  constructor(options: MetricsOptions) {
    this.accounts = options.accounts;
    this.clock = options.clock ?? (() => new Date());
    const registers = [this.registry];
    this.notifications = new Counter({
      name: 'quittance_notifications_total',
      help: 'Requests received from gateways (kind notification) and customers (kind return), by verdict.',
      labelNames: ['account', 'gateway', 'kind', 'verdict'],
      registers,
    });
    this.ack = new Histogram({
      name: 'quittance_notification_ack_seconds',
      help: 'Time from receiving a notification to answering it (stored, verified, settled).',
      labelNames: ['account', 'gateway'],
      buckets: [...ACK_BUCKETS_SECONDS],
      registers,
    });
    this.settlements = new Counter({
      name: 'quittance_settlements_total',
      help: 'Signals folded into payments, by the path they came by and what became of them (committed only).',
      labelNames: ['account', 'source', 'settlement'],
      registers,
    });
    this.deliveries = new Counter({
      name: 'quittance_webhook_deliveries_total',
      help: 'Attempts at delivering an event to the shop webhook, by result.',
      labelNames: ['account', 'result'],
      registers,
    });
    const jobQueue = options.jobQueue;
    if (jobQueue) {
      const stats = () => {
        // Both gauges are collected concurrently by one scrape: they share one query.
        this.pendingJobStats ??= jobQueue().finally(() => {
          this.pendingJobStats = undefined;
        });
        return this.pendingJobStats;
      };
      const clock = this.clock;
      new Gauge({
        name: 'quittance_jobs',
        help: 'Jobs in the queue table, by task and state (ready, done, dead).',
        labelNames: ['task', 'state'],
        registers,
        async collect() {
          const rows = await stats();
          this.reset();
          for (const r of rows) this.set({ task: r.task, state: r.state }, r.count);
        },
      });
      new Gauge({
        name: 'quittance_job_oldest_due_age_seconds',
        help: 'Age of the oldest ready job whose run time has come, by task (0 when none is waiting).',
        labelNames: ['task'],
        registers,
        async collect() {
          const rows = await stats();
          const now = clock().getTime();
          this.reset();
          const oldest = new Map<string, number>();
          for (const r of rows) {
            const seen = oldest.get(r.task) ?? 0;
            const age = r.state === 'ready' && r.oldestDueAt ? (now - r.oldestDueAt.getTime()) / 1000 : 0;
            oldest.set(r.task, Math.max(seen, age));
          }
          for (const [task, age] of oldest) this.set({ task }, age);
        },
      });
    }
    if (options.processMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, prefix: 'quittance_' });
  }

  /** An inbox entry got its verdict and answer. `ackSeconds` is observed for notifications only. */
  inboxVerdict(input: {
    readonly accountId: string | null;
    readonly kind: InboxMetricKind;
    readonly verdict: string;
    readonly ackSeconds?: number | undefined;
  }): void {
    const account = this.accountLabel(input.accountId);
    const gateway = this.gatewayLabel(input.accountId);
    this.notifications.inc({ account, gateway, kind: input.kind, verdict: input.verdict });
    if (input.kind === 'notification' && input.ackSeconds !== undefined) {
      this.ack.observe({ account, gateway }, Math.max(0, input.ackSeconds));
    }
  }

  /** A signal's settlement, once its transaction has committed. */
  settlement(accountId: string, source: string, settlement: string): void {
    this.settlements.inc({ account: this.accountLabel(accountId), source, settlement });
  }

  webhookDelivery(accountId: string, result: WebhookDeliveryResult): void {
    this.deliveries.inc({ account: this.accountLabel(accountId), result });
  }

  /** The exposition text and its content type, for GET /metrics. */
  async scrape(): Promise<{ readonly contentType: string; readonly body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private accountLabel(accountId: string | null): string {
    return accountId !== null && this.accounts.has(accountId) ? accountId : UNKNOWN_ACCOUNT;
  }

  private gatewayLabel(accountId: string | null): string {
    return (accountId !== null ? this.accounts.get(accountId) : undefined) ?? UNKNOWN_ACCOUNT;
  }
}
