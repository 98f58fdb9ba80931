import type { Command } from '@commander-js/extra-typings';
import { PAYMENT_STATUSES } from '../../core/status.js';
import { settleByOperator } from '../../engine/operator.js';
import { getPaymentView } from '../../engine/payments.js';
import { withEngine } from '../engine.js';
import { style } from '../style.js';
import { renderTable } from '../table.js';

export function registerSettle(program: Command): void {
  program
    .command('settle')
    .description("record a person's action on a payment (an operator signal), or resolve a conflict")
    .argument('<paymentId>', 'the payment, e.g. pay_01jq…')
    .requiredOption(
      '--status <status>',
      `the status the person observed or decided (${PAYMENT_STATUSES.join(', ')})`,
    )
    .requiredOption('--reason <text>', 'why, for the timeline')
    .requiredOption('--by <name>', 'who decided')
    .option('--resolve', 'overrule: apply the status whatever the current one and clear the review flag')
    .option('-c, --config <file>', 'JSON config file (default: $QUITTANCE_CONFIG)')
    .option('--db <url>', 'database URL (default: config database)')
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      `
Without --resolve the action goes through the state machine like any signal: a contradiction with a
final status is flagged as a conflict, not applied. With --resolve the person's decision wins, and
the shop is told of what it implies.

Examples:
  $ quittance settle pay_01jq4m2k7n8p9r0s1t2v3w4x5y --status captured --reason "bank confirmed by phone" --by alice
  $ quittance settle pay_01jq… --status refused --resolve --reason "amount mismatch: refunded by hand" --by bob`,
    )
    .action(async (paymentId, options) => {
      await withEngine(options, async (engine) => {
        const applied = await settleByOperator(engine, {
          paymentId,
          status: options.status,
          reason: options.reason,
          by: options.by,
          resolve: options.resolve === true,
        });
        const view = await getPaymentView(engine, paymentId);
        if (options.json) {
          console.log(
            JSON.stringify({ settlement: applied.settlement, reason: applied.reason, payment: view }),
          );
        } else {
          console.log(
            renderTable([
              ['payment', paymentId],
              ['settlement', style.tint(applied.settlement)],
              ['reason', applied.reason],
              ['status', style.tint(view?.status ?? '?')],
              ['needs review', view?.needsReview ? style.tint('needs review') : 'no'],
            ]),
          );
        }
        process.exitCode = applied.settlement === 'applied' || applied.settlement === 'duplicate' ? 0 : 1;
      });
    });
}
