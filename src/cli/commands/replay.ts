import type { Command } from '@commander-js/extra-typings';
import { InvalidArgumentError } from '@commander-js/extra-typings';
import { enableEndpoint, endpointStatuses, type ReplayResult, replayEvents } from '../../engine/replay.js';
import { withEngine } from '../engine.js';
import { progressBar } from '../progress.js';
import { style } from '../style.js';
import { renderTable } from '../table.js';

function isoTime(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d\d-\d\d/.test(value) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError('must be an ISO 8601 time such as 2026-03-14T10:00:00Z');
  }
  return date;
}

/** `quittance replay` and `quittance endpoints [enable <account>]`. */
export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description("send events to the shop's webhook again, with the same webhook-id as the first time")
    .argument('[eventId]', 'one event, e.g. evt_01jq4m2k7n8p9r0s1t2v3w4x5y')
    .option('--since <time>', 'every event created at or after this ISO time', isoTime)
    .option('--until <time>', 'with --since: created before this ISO time (default: now)', isoTime)
    .option('--account <id>', "with --since: only this account's events")
    .option('-c, --config <file>', 'JSON config file (default: $QUITTANCE_CONFIG)')
    .option('--db <url>', 'database URL (default: config database)')
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      `
Each event gets a fresh delivery job with the full retry schedule; a running worker (quittance serve,
or quittance worker) sends it. The shop sees the event's own webhook-id again and can recognise it.
Events of an account whose endpoint is disabled are skipped: enable it first.

Examples:
  $ quittance replay evt_01jq4m2k7n8p9r0s1t2v3w4x5y
  $ quittance replay --since 2026-03-14T00:00:00Z --until 2026-03-15T00:00:00Z --account shop-payzen
  $ quittance endpoints enable shop-payzen && quittance replay --since 2026-03-14T08:00:00Z --json`,
    )
    .action(async (eventId, options, command) => {
      if (eventId !== undefined && (options.since || options.until || options.account)) {
        command.error('error: give an event id, or --since/--until, not both', { exitCode: 2 });
      }
      if (eventId === undefined && !options.since) {
        command.error('error: give an event id, or --since <time> [--until <time>]', { exitCode: 2 });
      }
      const result = await withEngine(options, async (engine) => {
        if (eventId !== undefined) return replayEvents(engine, { eventId });
        const since = options.since as Date;
        const until = options.until ?? engine.clock();
        const bar = progressBar({ json: options.json, format: 'queueing' });
        let started = false;
        try {
          return await replayEvents(engine, { since, until, account: options.account }, ({ done, total }) => {
            if (!started) {
              bar?.start(total, done);
              started = true;
            } else {
              bar?.update(done);
            }
          });
        } finally {
          bar?.stop();
        }
      });
      if (options.json) console.log(JSON.stringify(result));
      else console.log(describeReplay(result));
      process.exitCode = result.matched > 0 && result.enqueued === 0 ? 1 : 0;
    });

  const endpoints = program
    .command('endpoints')
    .description("the shops' webhook endpoints: failures, failing since, disabled; enable <account>")
    .option('-c, --config <file>', 'JSON config file (default: $QUITTANCE_CONFIG)')
    .option('--db <url>', 'database URL (default: config database)')
    .option('--json', 'print one JSON object { endpoints }')
    .addHelpText(
      'after',
      `
An endpoint is disabled when the shop answers 410 Gone, or fails without a single success for longer
than delivery.disableAfter (alert endpoint-disabled). Nothing is sent to it until it is enabled;
events that could not be delivered meanwhile are resent with quittance replay.

Examples:
  $ quittance endpoints
  $ quittance endpoints --json
  $ quittance endpoints enable shop-payzen`,
    )
    .action(async (options) => {
      const list = await withEngine(options, endpointStatuses);
      if (options.json) {
        console.log(JSON.stringify({ endpoints: list }));
        return;
      }
      if (list.length === 0) {
        console.log('no account has a webhook URL');
        return;
      }
      console.log(
        renderTable(
          list.map((e) => [
            e.account,
            e.url ?? '(no webhook URL configured)',
            e.consecutiveFailures,
            e.failingSince ?? '-',
            e.lastSuccessAt ?? '-',
            e.disabledAt ? style.paint('bad', e.disabledAt) : '-',
          ]),
          ['account', 'url', 'failures', 'failing since', 'last success', 'disabled'],
        ),
      );
      for (const e of list) {
        if (e.disabledAt) {
          console.log(
            `\n${e.account}: disabled: ${e.disabledReason ?? '?'}\n  resume: quittance endpoints enable ${e.account}`,
          );
        }
      }
    });

  endpoints
    .command('enable')
    .description('send to this account’s endpoint again (its failure streak reset)')
    .argument('<account>', 'the account id')
    .option('-c, --config <file>', 'JSON config file (default: $QUITTANCE_CONFIG)')
    .option('--db <url>', 'database URL (default: config database)')
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      `
Jobs that died while the endpoint was disabled stay dead: resend what was missed with
quittance replay --since <when it started failing> --account <account>.

Examples:
  $ quittance endpoints enable shop-payzen
  $ quittance endpoints enable shop-payzen --json`,
    )
    .action(async (account, options) => {
      const merged = { ...endpoints.opts(), ...options };
      const result = await withEngine(merged, (engine) => enableEndpoint(engine, account));
      if (merged.json) {
        console.log(JSON.stringify({ account, wasDisabled: result.wasDisabled }));
      } else if (result.wasDisabled) {
        console.log(
          `${account}: enabled. Resend what was missed: quittance replay --since <time> --account ${account}`,
        );
      } else {
        console.log(`${account}: was not disabled; nothing changed`);
      }
    });
}

function describeReplay(r: ReplayResult): string {
  const lines = [
    renderTable([
      ['events matched', r.matched],
      ['deliveries queued', r.enqueued],
      ['skipped: no webhook URL', r.skippedNoWebhook],
      ['skipped: endpoint disabled', r.skippedDisabled],
    ]),
  ];
  for (const account of r.disabledAccounts) {
    lines.push(
      `endpoint of ${account} is disabled: quittance endpoints enable ${account}, then replay again`,
    );
  }
  if (r.enqueued > 0) lines.push('a running worker (quittance serve or quittance worker) sends them');
  return lines.join('\n');
}
