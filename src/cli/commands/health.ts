import type { Command } from '@commander-js/extra-typings';
import { InvalidArgumentError, Option } from '@commander-js/extra-typings';
import {
  type AccountHealth,
  DEFAULT_OVERDUE_GRACE_MS,
  type HealthReport,
  notificationHealth,
} from '../../engine/health.js';
import { formatDuration } from '../../engine/reconcile.js';
import { parseDuration } from '../../jobs/backoff.js';
import { withEngine } from '../engine.js';
import { type Since, sinceArgument, sinceDate } from '../options.js';
import { style } from '../style.js';
import { renderTable } from '../table.js';

function duration(value: string): number {
  try {
    return parseDuration(value);
  } catch {
    throw new InvalidArgumentError('must be a duration such as 15m, 1h or 1d');
  }
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 500)
    throw new InvalidArgumentError('must be a whole number from 0 to 500');
  return n;
}

export function registerHealth(program: Command): void {
  program
    .command('health')
    .description(
      'notification health per account: what arrived, what we answered, which path settled payments',
    )
    .option('--account <id>', 'only this account')
    .addOption(
      new Option('--since <when>', 'start of the window: a duration back from now (24h, 7d) or an ISO time')
        .argParser(sinceArgument)
        .default<Since>({ ago: 24 * 3_600_000 }, '24h'),
    )
    .option('--recent <n>', 'how many of the latest notifications to list per account', count, 5)
    .addOption(
      new Option(
        '--grace <duration>',
        'how long a payment paid by return/poll/operator may wait for its notification',
      )
        .argParser(duration)
        .default(DEFAULT_OVERDUE_GRACE_MS, '15m'),
    )
    .option('-c, --config <file>', 'JSON config file (default: $QUITTANCE_CONFIG)')
    .option('--db <url>', 'database URL (default: config database)')
    .option('--json', 'print the report as one JSON object (the same as GET /api/health)')
    .addHelpText(
      'after',
      `
Read from the database (safe while quittance serves). For each configured account, over the window and
in total: notifications received by verdict and by the HTTP status we answered, ack latency (receive →
processed, p50/p99), payments made final by each path (notification, return, poll, operator), and
"overdue": payments paid by the return, a poll or an operator whose notification never came after the
grace period — the sign that the gateway cannot reach the notification URL (try: quittance doctor <url>).

Examples:
  $ quittance health
  $ quittance health --account shop-payzen --since 7d
  $ quittance health --since 2026-12-01T00:00:00Z --json --config quittance.json

Exit code 1 when some account has overdue notifications in the window.`,
    )
    .action(async (options) => {
      await withEngine(
        options,
        async (engine) => {
          const now = engine.clock();
          const report = await notificationHealth(engine, {
            accountId: options.account,
            since: sinceDate(options.since, now),
            now,
            recent: options.recent,
            overdueGraceMs: options.grace,
          });
          console.log(options.json ? JSON.stringify(report) : render(report));
          process.exitCode = report.accounts.some((a) => (a.window.overdue ?? 0) > 0) ? 1 : 0;
        },
        'error',
      );
    });
}

function render(report: HealthReport): string {
  if (report.accounts.length === 0) return 'No account is configured.';
  const lines = [
    `Notifications since ${report.since} (until ${report.generatedAt}); overdue after ${formatDuration(report.overdueGraceMs)}`,
    '',
    renderTable(
      report.accounts.map((a) => {
        const n = a.window.notifications;
        const settled = a.window.settledBy;
        return [
          a.account,
          a.gateway,
          n.received,
          n.byVerdict.verified ?? 0,
          n.received - (n.byVerdict.verified ?? 0),
          a.window.ackLatencyMs ? `${a.window.ackLatencyMs.p50}/${a.window.ackLatencyMs.p99}` : '-',
          `${settled.notification}/${settled.return}/${settled.poll}/${settled.operator}`,
          a.window.overdue === null
            ? 'n/a (long-poll)'
            : style.paint(
                (a.window.overdue ?? 0) > 0 ? 'bad' : 'ok',
                `${a.window.overdue} (${a.total.overdue})`,
              ),
          a.lastVerifiedNotificationAt ?? 'never',
        ];
      }),
      [
        'account',
        'gateway',
        'received',
        'verified',
        'other',
        'ack ms p50/p99',
        'final by notif/return/poll/operator',
        'overdue (all time)',
        'last verified notification',
      ],
    ),
  ];
  for (const a of report.accounts) lines.push('', ...details(a));
  if (report.unconfigured && report.unconfigured.total > 0) {
    lines.push(
      '',
      `Posted to account ids that are not configured: ${report.unconfigured.window} in the window, ` +
        `${report.unconfigured.total} in total (scanners, or a gateway still using an old URL).`,
    );
  }
  return lines.join('\n');
}

function details(a: AccountHealth): string[] {
  const n = a.window.notifications;
  const lines = [`${a.account}:`];
  if (n.received > 0) {
    lines.push(`  verdicts: ${tallyText(n.byVerdict)}`, `  answered: ${tallyText(n.byAnswerStatus)}`);
  } else {
    lines.push(`  no notification in the window (last one: ${a.lastNotificationAt ?? 'never'})`);
  }
  if ((a.total.overdue ?? 0) > 0) {
    lines.push(
      `  ${a.total.overdue} paid payment(s) never got their notification: the gateway may not reach quittance`,
    );
  }
  if (a.recent.length > 0) {
    const table = renderTable(
      a.recent.map((r) => [
        r.receivedAt,
        style.tint(r.verdict),
        r.reasonCode ?? '',
        r.answerStatus ?? '-',
        r.id,
      ]),
      ['received', 'verdict', 'reason', 'answer', 'inbox id'],
    );
    lines.push(...table.split('\n').map((l) => `  ${l}`));
  }
  return lines;
}

function tallyText(tally: Readonly<Record<string, number>>): string {
  return Object.entries(tally)
    .sort(([, x], [, y]) => y - x)
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ');
}
