import type { Command } from '@commander-js/extra-typings';
import { parseMajorUnits, QuittanceError } from '../../core/index.js';
import { getPaymentView } from '../../engine/payments.js';
import { refundPayment } from '../../engine/refund.js';
import { findPayment } from '../../store/repos/payments.js';
import { withEngine } from '../engine.js';
import { style } from '../style.js';
import { renderTable } from '../table.js';

export function registerRefund(program: Command): void {
  program
    .command('refund')
    .description('give (part of) a captured payment back through its gateway (Taler today)')
    .argument('<paymentId>', 'the payment, e.g. pay_01jq…')
    .option('--amount <amount>', "in the payment's currency, e.g. 4.50 (default: the whole payment)")
    .requiredOption('--reason <text>', 'why, for the timeline (and the customer, where the gateway shows it)')
    .requiredOption('--by <name>', 'who asked')
    .option('-c, --config <file>', 'JSON config file (default: $QUITTANCE_CONFIG)')
    .option('--db <url>', 'database URL (default: config database)')
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      `
The gateway's answer is folded into the payment like any observation (partially_refunded, refunded)
and the shop is told through its webhook. Gateways without a refund API answer NOT_SUPPORTED: refund
in their back office, then record it with quittance settle.

Examples:
  $ quittance refund pay_01jq4m2k7n8p9r0s1t2v3w4x5y --reason "customer cancelled" --by alice
  $ quittance refund pay_01jq… --amount 4.50 --reason "one item out of stock" --by bob --json`,
    )
    .action(async (paymentId, options) => {
      await withEngine(options, async (engine) => {
        let amount: number | undefined;
        if (options.amount !== undefined) {
          const payment = await findPayment(engine.store.db, paymentId);
          if (!payment) throw new QuittanceError('UNKNOWN_PAYMENT', `no payment ${paymentId}`);
          amount = parseMajorUnits(options.amount, payment.amount.currency);
          if (amount === undefined) {
            throw new QuittanceError(
              'INVALID_AMOUNT',
              `--amount: "${options.amount}" is not an amount in ${payment.amount.currency} (e.g. 4.50)`,
            );
          }
        }
        const result = await refundPayment(engine, {
          paymentId,
          amount,
          reason: options.reason,
          by: options.by,
        });
        const view = await getPaymentView(engine, paymentId);
        if (options.json) {
          console.log(
            JSON.stringify({
              refundId: result.refundId,
              amount: result.amount,
              detail: result.detail,
              settlements: result.applied.map((a) => a.settlement),
              payment: view,
            }),
          );
        } else {
          console.log(
            renderTable([
              ['payment', paymentId],
              ['refund', result.refundId],
              ['amount', `${result.amount.value} ${result.amount.currency} (minor units)`],
              ['status', style.tint(view?.status ?? '?')],
              ['gateway says', result.detail ?? '-'],
            ]),
          );
        }
      });
    });
}
