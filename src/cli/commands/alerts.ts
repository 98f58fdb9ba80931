import type { Command } from '@commander-js/extra-typings';
import { QuittanceError } from '../../core/errors.js';
import { alertJson } from '../../engine/alerts/format.js';
import { type AlertRecord, findAlert, listAlerts, resolveAlert } from '../../store/repos/alerts.js';
import { withEngine } from '../engine.js';
import { style } from '../style.js';
import { renderTable } from '../table.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new QuittanceError('VALIDATION_FAILED', '--limit must be a positive integer');
  return n;
}

/** `quittance alerts [list]` and `quittance alerts resolve <id>`. */
export function registerAlerts(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('alerts for a person (one per cause and hour): list them, resolve them')
    .addHelpText(
      'after',
      `
Examples:
  $ quittance alerts                       # the same as: quittance alerts list
  $ quittance alerts --open --kind notification-overdue --account shop-payzen
  $ quittance alerts resolve alr_01jq4m2k7n8p9r0s1t2v3w4x5y`,
    );

  alerts
    .command('list', { isDefault: true })
    .description('list alerts, newest first (the default subcommand)')
    .option('--open', 'only alerts not resolved yet')
    .option('--kind <kind>', 'only this kind, e.g. notification-overdue, payment-stuck, delivery-failed')
    .option('--account <id>', "only this account's alerts")
    .option('--payment <id>', 'only alerts naming this payment (first payment or a sample)')
    .option('--limit <n>', 'at most this many (default 100)', positiveInt)
    .option('-c, --config <file>', 'JSON config file (default: $QUITTANCE_CONFIG)')
    .option('--db <url>', 'database URL (default: config database)')
    .option('--json', 'print one JSON object { alerts }')
    .addHelpText(
      'after',
      `
An alert stands for one cause (kind + account + what fails) within one UTC hour: repeated occurrences
are counted in it (count, first and last seen, up to 5 sample ids), not raised again. A new hour, or
the same cause after its alert was resolved, opens a new alert. Alerts are also sent by e-mail and/or
webhook when the config has an "alerts" section.

Examples:
  $ quittance alerts
  $ quittance alerts --open
  $ quittance alerts list --kind notification-overdue --account shop-payzen --json
  $ quittance alerts --payment pay_01jq4m2k7n8p9r0s1t2v3w4x5y`,
    )
    .action(async (options) => {
      const list = await withEngine(options, (engine) =>
        listAlerts(engine.store.db, {
          open: options.open === true,
          kind: options.kind,
          accountId: options.account,
          paymentId: options.payment,
          limit: options.limit,
        }),
      );
      if (options.json) {
        console.log(JSON.stringify({ alerts: list.map(alertJson) }));
        return;
      }
      console.log(describeList(list));
    });

  alerts
    .command('resolve')
    .description('mark an alert resolved: the same cause raised again opens a new alert')
    .argument('<id>', 'the alert, e.g. alr_01jq4m2k7n8p9r0s1t2v3w4x5y')
    .option('-c, --config <file>', 'JSON config file (default: $QUITTANCE_CONFIG)')
    .option('--db <url>', 'database URL (default: config database)')
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      `
Resolve an alert once its cause is fixed. If the cause comes back, even within the same hour, a new
alert is opened and sent again. Exit code 1 when there is no such alert or it was already resolved.

Examples:
  $ quittance alerts resolve alr_01jq4m2k7n8p9r0s1t2v3w4x5y
  $ quittance alerts resolve alr_01jq4m2k7n8p9r0s1t2v3w4x5y --json`,
    )
    .action(async (id, options) => {
      const result = await withEngine(options, async (engine) => {
        const resolved = await resolveAlert(engine.store.db, id, engine.clock());
        return { resolved, alert: await findAlert(engine.store.db, id) };
      });
      if (options.json) {
        console.log(
          JSON.stringify({
            id,
            resolved: result.resolved,
            alert: result.alert ? alertJson(result.alert) : null,
          }),
        );
      } else if (!result.alert) {
        console.log(`${id}: no such alert`);
      } else if (result.resolved) {
        console.log(`${id}: resolved (${result.alert.kind}, ${result.alert.accountId ?? '-'})`);
      } else {
        console.log(`${id}: already resolved at ${result.alert.resolvedAt?.toISOString() ?? '?'}`);
      }
      process.exitCode = result.resolved ? 0 : 1;
    });
}

function describeList(list: readonly AlertRecord[]): string {
  if (list.length === 0) return 'no alerts';
  const table = renderTable(
    list.map((a) => [
      a.id,
      a.kind,
      a.accountId ?? '-',
      style.tint(a.severity),
      a.count,
      a.firstSeenAt.toISOString(),
      a.lastSeenAt.toISOString(),
      style.tint(a.resolvedAt ? 'resolved' : 'open'),
    ]),
    ['id', 'kind', 'account', 'severity', 'count', 'first seen', 'last seen', 'state'],
  );
  const details = list.map(
    (a) => `${a.id}: ${a.message}${a.samples.length > 0 ? `\n  samples: ${a.samples.join(', ')}` : ''}`,
  );
  return [table, '', ...details].join('\n');
}
