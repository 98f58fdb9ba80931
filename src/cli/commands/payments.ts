import type { Command } from '@commander-js/extra-typings';
import { Option } from '@commander-js/extra-typings';
import { formatMoney, money, PAYMENT_STATUSES, QuittanceError } from '../../core/index.js';
import { getPaymentView, type PaymentView } from '../../engine/payments.js';
import { listPaymentsPage, MAX_PAGE_SIZE, type PageOf, type PaymentSummary } from '../../engine/queries.js';
import { withEngine } from '../engine.js';
import { pageLimit, shortTime, sinceArgument, sinceDate } from '../options.js';
import { style } from '../style.js';
import { renderTable } from '../table.js';

/** `quittance payments list` and `quittance payments show <id>`. */
export function registerPayments(program: Command): void {
  const payments = program
    .command('payments')
    .description('payments: find them (list) and read one story (show)')
    .addHelpText(
      'after',
      `
Examples:
  $ quittance payments list --needs-review
  $ quittance payments show pay_01jq4m2k7n8p9r0s1t2v3w4x5y`,
    );

  payments
    .command('list')
    .description('payments, newest first, a page at a time')
    .option('--account <id>', "only this account's payments")
    .addOption(new Option('--status <status>', 'only payments in this status').choices(PAYMENT_STATUSES))
    .option('--needs-review', 'only payments flagged for a person (conflicts)')
    .option('--search <q>', 'order reference, gateway reference or payment id: exact or prefix')
    .option(
      '--since <when>',
      'created since: a duration back from now (24h, 7d) or an ISO time',
      sinceArgument,
    )
    .option('--limit <n>', `at most this many (1 to ${MAX_PAGE_SIZE}, default 50)`, pageLimit(MAX_PAGE_SIZE))
    .option('--cursor <cursor>', 'continue after the previous page (its nextCursor)')
    .option('-c, --config <file>', 'JSON config file (default: $QUITTANCE_CONFIG)')
    .option('--db <url>', 'database URL (default: config database)')
    .option('--json', 'print one JSON object { payments, nextCursor } (as GET /api/payments)')
    .addHelpText(
      'after',
      `
Read from the database (safe while quittance serves). When there are more, the last line gives the
command for the next page (or, with --json, pass nextCursor back as --cursor).

Examples:
  $ quittance payments list
  $ quittance payments list --account shop-payzen --status captured --since 24h
  $ quittance payments list --needs-review --json
  $ quittance payments list --search ORDER-1042
  $ quittance payments list --limit 20 --cursor djE6cGF5XzAxanE0bTJrN244cDlyMHMxdDJ2M3c0eDV5`,
    )
    .action(async (options) => {
      const page = await withEngine(options, (engine) =>
        listPaymentsPage(engine, {
          account: options.account,
          status: options.status,
          needsReview: options.needsReview === true ? true : undefined,
          q: options.search,
          createdFrom: options.since ? sinceDate(options.since, engine.clock()) : undefined,
          limit: options.limit,
          cursor: options.cursor,
        }),
      );
      if (options.json) {
        console.log(JSON.stringify({ payments: page.items, nextCursor: page.nextCursor }));
        return;
      }
      console.log(describePage(page, process.argv.slice(2)));
    });

  payments
    .command('show')
    .description("one payment's story: summary, then every signal, event and delivery attempt in time order")
    .argument('<id>', 'the payment, e.g. pay_01jq4m2k7n8p9r0s1t2v3w4x5y')
    .option('-c, --config <file>', 'JSON config file (default: $QUITTANCE_CONFIG)')
    .option('--db <url>', 'database URL (default: config database)')
    .option('--json', 'print one JSON object (as GET /api/payments/:id)')
    .addHelpText(
      'after',
      `
The timeline has every signal (notification, return, poll, operator) with its settlement (applied,
duplicate, stale, conflict, rejected) and reason, every event told to the shop and each delivery
attempt of it. Exit code 1 when there is no such payment.

Examples:
  $ quittance payments show pay_01jq4m2k7n8p9r0s1t2v3w4x5y
  $ quittance payments show pay_01jq4m2k7n8p9r0s1t2v3w4x5y --json | jq '.signals'`,
    )
    .action(async (id, options) => {
      const view = await withEngine(options, (engine) => getPaymentView(engine, id));
      if (!view) throw new QuittanceError('UNKNOWN_PAYMENT', `no payment ${id}`);
      console.log(options.json ? JSON.stringify(view) : describePayment(view));
    });
}

function describePage(page: PageOf<PaymentSummary>, argv: readonly string[]): string {
  if (page.items.length === 0) return 'no payment matches';
  const lines = [
    renderTable(
      page.items.map((p) => [
        p.id,
        shortTime(p.createdAt),
        p.account,
        p.orderRef,
        formatMoney(money(p.amount.value, p.amount.currency)),
        style.tint(p.status),
        p.needsReview ? style.tint('needs review') : '',
        p.gatewayRef ?? '-',
      ]),
      ['id', 'created (UTC)', 'account', 'order', 'amount', 'status', 'review', 'gateway ref'],
    ),
  ];
  if (page.nextCursor) lines.push('', `more: quittance ${nextPageArgs(argv, page.nextCursor).join(' ')}`);
  return lines.join('\n');
}

/** The same command line with --cursor set to the next page's. */
function nextPageArgs(argv: readonly string[], cursor: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--cursor') {
      i++;
      continue;
    }
    if (arg.startsWith('--cursor=')) continue;
    out.push(/^[\w./:@=-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`);
  }
  return [...out, '--cursor', cursor];
}

type TimelineRow = { at: string; what: string; detail: string; outcome: string };

export function timeline(view: PaymentView): TimelineRow[] {
  const rows: TimelineRow[] = [];
  for (const s of view.signals) {
    rows.push({
      at: s.at,
      what: `${s.source} → ${s.status}`,
      outcome: s.settlement,
      detail: [
        s.gatewayStatus ? `gateway ${s.gatewayStatus}` : '',
        s.reason,
        s.inboxId ? `(${s.inboxId})` : '',
      ]
        .filter(Boolean)
        .join('; '),
    });
  }
  for (const e of view.events) {
    rows.push({ at: e.at, what: `event ${e.type}`, outcome: '', detail: e.id });
    for (const d of e.deliveries) {
      rows.push({
        at: d.at,
        what: `  delivery #${d.attempt}`,
        outcome: d.ok ? 'delivered' : 'failed',
        detail: [
          d.statusCode === null ? 'no answer' : `HTTP ${d.statusCode}`,
          `${d.latencyMs} ms`,
          d.error ?? '',
        ]
          .filter(Boolean)
          .join('; '),
      });
    }
  }
  // Stable: an event's deliveries stay after it when they share a millisecond.
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.at.localeCompare(b.r.at) || a.i - b.i)
    .map((x) => x.r);
}

function describePayment(view: PaymentView): string {
  const summary = renderTable([
    ['payment', view.id],
    ['account', view.account],
    ['order', view.orderRef],
    ['amount', formatMoney(money(view.amount.value, view.amount.currency))],
    ['status', style.tint(view.status)],
    ['needs review', view.needsReview ? style.tint('needs review') : 'no'],
    ['gateway ref', view.gatewayRef ?? '-'],
    ['created', view.createdAt],
    ['updated', view.updatedAt],
    ...(view.fulfillmentUrl ? [['fulfillment URL', view.fulfillmentUrl]] : []),
  ]);
  const rows = timeline(view);
  if (rows.length === 0) return `${summary}\n\nno signal or event yet`;
  return [
    summary,
    '',
    renderTable(
      rows.map((r) => [shortTime(r.at), r.what, style.tint(r.outcome), r.detail]),
      ['at (UTC)', 'what', 'outcome', 'detail'],
    ),
  ].join('\n');
}
