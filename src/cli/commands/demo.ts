import type { Command } from '@commander-js/extra-typings';
import { InvalidArgumentError } from '@commander-js/extra-typings';
import { PLATFORMS } from '../../simulator/platforms.js';
import { isPostgresUrl } from '../../store/db.js';
import { runChaos } from '../chaos/run.js';
import { type DemoSummary, runDemo } from '../demo/run.js';
import { progressBar } from '../progress.js';
import { renderTable } from '../table.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run payments through a simulated gateway with faults, on a throw-away SQLite file')
    .option('-g, --gateway <id>', `the gateway to simulate (${Object.keys(PLATFORMS).join(', ')})`, 'lyra')
    .option('-n, --payments <n>', 'number of payments', positiveInt, 200)
    .option('--seed <s>', 'seed for scenarios and faults (same seed, same run)', positiveInt, 42)
    .option('--concurrency <n>', 'customers paying at the same time', positiveInt, 8)
    .option(
      '--time-scale <x>',
      "gateway time per real time (Lyra's 15-minute retry slot × x)",
      Number,
      0.0005,
    )
    .option(
      '--db <file|url>',
      'keep the SQLite database at this path (default: a temporary file, deleted); or a postgres:// URL: ' +
        'run in a fresh database on that server, dropped at the end',
    )
    .option('--json', 'print one JSON object instead of the table')
    .option(
      '--drop-notifications',
      'the gateway cannot reach quittance: every notification is dropped, customers still come back; ' +
        'ends with a notification-overdue alert',
    )
    .option(
      '--chaos',
      'the chaos run: quittance in a child process killed with SIGKILL and restarted, 50% of customers never back',
    )
    .option('--restarts <n>', 'with --chaos: how many times quittance is killed (default 20)', positiveInt)
    .option('--keep', 'with --chaos: keep the temporary directory (database, config, server log)')
    .option(
      '--instances <n>',
      'with --chaos and --db postgres://…: instances on one database behind a round-robin balancer (default 1)',
      positiveInt,
    )
    .addHelpText(
      'after',
      `
Examples:
  $ quittance demo
  $ quittance demo --payments 500 --seed 7 --json
  $ quittance demo --gateway sips --payments 300 --json
  $ quittance demo --db ./demo.db      # keep the database to look at afterwards
  $ quittance demo --db postgres://postgres@127.0.0.1:5432/test --json   # on PostgreSQL
  $ quittance demo --gateway lyra --payments 20 --drop-notifications   # alerts: notification-overdue 1
  $ quittance demo --chaos --payments 10000 --restarts 20 --json   # npm run chaos
  $ quittance demo --chaos --db postgres://postgres@127.0.0.1:5432/test --instances 2 --payments 500 --restarts 5

lost counts payments the gateway finalised that quittance does not show final (flagged conflicts are
surfaced, not lost); exit code 1 when lost, duplicateEffects, forgedAccepted or wrongAmountAccepted
is not 0.`,
    )
    .action(async (options) => {
      if (!(options.timeScale > 0 && options.timeScale <= 1))
        throw new Error('--time-scale must be in (0, 1]');
      if (!Object.hasOwn(PLATFORMS, options.gateway)) {
        throw new InvalidArgumentError(
          `--gateway: no simulator for "${options.gateway}" (known: ${Object.keys(PLATFORMS).join(', ')})`,
        );
      }
      if (options.chaos) {
        if (options.dropNotifications)
          throw new InvalidArgumentError(
            '--drop-notifications is not a chaos option: run it without --chaos',
          );
        if (options.gateway !== 'lyra')
          throw new InvalidArgumentError('--chaos runs the Lyra simulator only');
        await chaos(options);
        return;
      }
      const bar = progressBar({ json: options.json, format: '{phase}' });
      bar?.start(options.payments, 0, { phase: 'paying   ' });
      const summary = await runDemo({
        gateway: options.gateway,
        payments: options.payments,
        seed: options.seed,
        concurrency: options.concurrency,
        timeScale: options.timeScale,
        ...(options.db !== undefined && isPostgresUrl(options.db)
          ? { postgresUrl: options.db }
          : { databaseFile: options.db }),
        dropNotifications: options.dropNotifications === true,
        onProgress: ({ phase, done }) => {
          if (phase === 'paying') bar?.update(done);
          else if (done === 0) bar?.update(options.payments, { phase: 'notifying' });
        },
      });
      bar?.stop();
      if (options.json) {
        console.log(JSON.stringify(summary));
      } else {
        console.log(report(summary));
      }
      const failed =
        summary.lost + summary.duplicateEffects + summary.forgedAccepted + summary.wrongAmountAccepted;
      // With every notification dropped, the run is a test of the overdue alert: it must fire.
      const overdueMissed = options.dropNotifications === true && !summary.alerts?.['notification-overdue'];
      process.exitCode = failed === 0 && !overdueMissed ? 0 : 1;
    });
}

async function chaos(options: {
  payments: number;
  seed: number;
  concurrency: number;
  timeScale: number;
  json?: true;
  restarts?: number;
  keep?: true;
  db?: string;
  instances?: number;
}): Promise<void> {
  if (options.db !== undefined && !isPostgresUrl(options.db)) {
    throw new InvalidArgumentError(
      '--chaos keeps its SQLite database in its directory (--keep); --db takes a postgres:// URL',
    );
  }
  if ((options.instances ?? 1) > 1 && options.db === undefined) {
    throw new InvalidArgumentError(
      '--instances needs --db postgres://… (several instances share one PostgreSQL)',
    );
  }
  const bar = progressBar({ json: options.json, format: '{phase}' });
  bar?.start(options.payments, 0, { phase: 'paying  ' });
  const summary = await runChaos({
    payments: options.payments,
    restarts: options.restarts ?? 20,
    seed: options.seed,
    concurrency: Math.max(options.concurrency, 16),
    timeScale: options.timeScale,
    settleTimeoutMs: 600_000,
    keepDir: options.keep === true,
    postgresUrl: options.db,
    instances: options.instances ?? 1,
    onProgress: ({ phase, done }) => {
      if (process.env.QUITTANCE_DEBUG) console.error(`chaos: ${phase} ${done}`);
      if (phase === 'paying') bar?.update(done);
      else if (done === 0) bar?.update(options.payments, { phase: 'settling' });
    },
  });
  bar?.stop();
  if (options.json) {
    console.log(JSON.stringify(summary));
  } else {
    console.log(
      `\n${renderTable(
        Object.entries(summary).map(([k, v]) => [k, typeof v === 'number' ? v : String(v)]),
        ['measure', 'value'],
      )}`,
    );
  }
  const failed =
    summary.lost +
    summary.forgedAccepted +
    summary.wrongAmountAccepted +
    summary.duplicateDeliveries +
    summary.duplicateEffects +
    summary.undelivered +
    summary.customerErrors;
  process.exitCode = failed === 0 ? 0 : 1;
}

function report(s: DemoSummary): string {
  const faults = Object.entries(s.faultsInjected)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const statuses = Object.entries(s.byStatus)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    '',
    renderTable(
      [
        ['gateway', s.gateway],
        ['payments', s.payments],
        ['final', s.final],
        ['lost', s.lost],
        ['duplicateEffects', s.duplicateEffects],
        ['forgedAccepted', s.forgedAccepted],
        ['wrongAmountAccepted', s.wrongAmountAccepted],
        ['conflictsFlagged', s.conflictsFlagged],
        ['behindGateway', s.behindGateway],
        ['notifications', s.notifications],
        ['notificationsRejected', s.notificationsRejected],
        ['durationMs', s.durationMs],
      ],
      ['measure', 'value'],
    ),
    '',
    `statuses: ${statuses}`,
    `faults injected: ${faults || 'none'}`,
    `alerts: ${
      Object.entries(s.alerts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }`,
    ...s.alertDetails.map(
      (a) =>
        `  ${a.kind} (${a.account ?? '-'}, ${a.count}×, e.g. ${a.samples.join(', ') || '-'}): ${a.message}`,
    ),
    `seed ${s.seed}; database ${s.database}`,
  ].join('\n');
}
