import type { Command } from '@commander-js/extra-typings';
import { InvalidArgumentError } from '@commander-js/extra-typings';
import { type SweepSummary, sweepUnsettled } from '../../engine/sweep.js';
import { parseDuration } from '../../jobs/backoff.js';
import { withEngine } from '../engine.js';
import { progressBar } from '../progress.js';
import { style, type Tone } from '../style.js';
import { renderTable } from '../table.js';

function duration(value: string): number {
  try {
    return parseDuration(value);
  } catch {
    throw new InvalidArgumentError('must be a duration such as 90s, 10m, 2h or 1d');
  }
}

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  found: 'the gateway knows it: its answer was applied',
  expired: 'no trace at the gateway long after creation: expired',
  'not-found': 'no trace yet: the customer may still pay',
  failed: 'the gateway did not answer in time: try again later',
  impossible: 'the gateway cannot be asked: alert raised for a person',
  error: 'quittance failed (see the log)',
};

const OUTCOME_TONES: Readonly<Record<string, Tone>> = {
  found: 'ok',
  expired: 'muted',
  'not-found': 'muted',
  failed: 'bad',
  impossible: 'warn',
  error: 'bad',
};

export function registerReconcile(program: Command): void {
  program
    .command('reconcile')
    .description('ask the gateways now about every payment not final yet (a sweep by hand)')
    .option('--older-than <duration>', 'only payments created at least this long ago', duration, 600_000)
    .option('--account <id>', "only this account's payments")
    .option('-c, --config <file>', 'JSON config file (default: $QUITTANCE_CONFIG)')
    .option('--db <url>', 'database URL (default: config database)')
    .option('--json', 'print one JSON object instead of the table')
    .addHelpText(
      'after',
      `
Every payment still created or pending goes through the same path as the janitor's scheduled
checks: its gateway's status API is asked, the answer is applied through the state machine (poll
signals), a payment the gateway has no trace of long after its creation becomes expired, and a
gateway that cannot be asked raises an alert for a person. Safe to run while quittance serves.

Examples:
  $ quittance reconcile
  $ quittance reconcile --older-than 2h --account shop-payzen
  $ quittance reconcile --older-than 0s --json --config quittance.json

Exit code 1 when some payment could not be reconciled (the gateway did not answer, or an error).`,
    )
    .action(async (options) => {
      const bar = progressBar({ json: options.json, format: 'reconciling' });
      try {
        // The summary reports every outcome and the alerts are stored: per-payment warnings would
        // only interleave with the progress bar, hence 'error'.
        await withEngine(
          options,
          async (engine) => {
            const summary = await sweepUnsettled(engine, {
              olderThanMs: options.olderThan,
              account: options.account,
              onProgress: ({ done, total }) => {
                if (!bar) return;
                if (done === 0) bar.start(total, 0);
                else bar.update(done);
              },
            });
            bar?.stop();
            if (options.json) {
              console.log(
                JSON.stringify({
                  olderThanMs: options.olderThan,
                  account: options.account ?? null,
                  ...summary,
                }),
              );
            } else {
              console.log(report(summary));
            }
            process.exitCode = summary.outcomes.failed + summary.outcomes.error === 0 ? 0 : 1;
          },
          'error',
        );
      } finally {
        bar?.stop();
      }
    });
}

function report(s: SweepSummary): string {
  if (s.total === 0) return 'No payment to reconcile: none is open and old enough.';
  const rows = Object.entries(s.outcomes).map(([outcome, n]) => [
    n > 0 ? style.paint(OUTCOME_TONES[outcome] ?? 'muted', outcome) : outcome,
    n,
    DESCRIPTIONS[outcome] ?? '',
  ]);
  const lines = [
    renderTable(
      [...rows, ['total', s.total, `${s.final} final now, ${s.open} still open`]],
      ['outcome', 'payments', 'meaning'],
    ),
  ];
  for (const e of s.errors) lines.push(`error: ${e.paymentId}: ${e.message}`);
  lines.push(`${s.durationMs} ms`);
  return lines.join('\n');
}
