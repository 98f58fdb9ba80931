import type { Command } from '@commander-js/extra-typings';
import { Option } from '@commander-js/extra-typings';
import { QuittanceError } from '../../core/index.js';
import {
  getInboxEntry,
  type InboxEntryDetail,
  type InboxSummary,
  listInboxPage,
  MAX_PAGE_SIZE,
  type PageOf,
} from '../../engine/queries.js';
import { INBOX_KINDS, INBOX_VERDICTS } from '../../store/repos/inbox.js';
import { withEngine } from '../engine.js';
import { pageLimit, shortTime } from '../options.js';
import { style } from '../style.js';
import { renderTable } from '../table.js';

/** `quittance inbox list` and `quittance inbox show <id>`. */
export function registerInbox(program: Command): void {
  const inbox = program
    .command('inbox')
    .description('every request received from gateways and customers, with its verdict: list, show')
    .addHelpText(
      'after',
      `
Examples:
  $ quittance inbox list --rejected
  $ quittance inbox show inb_01jq4m2k7n8p9r0s1t2v3w4x5y`,
    );

  inbox
    .command('list')
    .description('received requests, newest first, a page at a time')
    .option('--account <id>', 'only requests posted to this account')
    .addOption(new Option('--verdict <verdict>', 'only this verdict').choices(INBOX_VERDICTS))
    .addOption(new Option('--kind <kind>', 'notifications or customer returns').choices(INBOX_KINDS))
    .option('--rejected', 'only rejected, unparseable or error entries')
    .option('--limit <n>', `at most this many (1 to ${MAX_PAGE_SIZE}, default 50)`, pageLimit(MAX_PAGE_SIZE))
    .option('--cursor <cursor>', 'continue after the previous page (its nextCursor)')
    .option('-c, --config <file>', 'JSON config file (default: $QUITTANCE_CONFIG)')
    .option('--db <url>', 'database URL (default: config database)')
    .option('--json', 'print one JSON object { entries, nextCursor } (as GET /api/inbox)')
    .addHelpText(
      'after',
      `
Verdicts: verified (authentic, applied), rejected (refused: signature, amount, …), unparseable,
unmatched (authentic but names no payment of ours), pending (waiting for its fetch-back), error
(kept, answered 503 so the gateway retries). Bodies are not listed: see quittance inbox show <id>.

Examples:
  $ quittance inbox list
  $ quittance inbox list --rejected --account shop-payzen
  $ quittance inbox list --verdict unmatched --json
  $ quittance inbox list --kind return --limit 10`,
    )
    .action(async (options) => {
      const page = await withEngine(options, (engine) =>
        listInboxPage(engine, {
          account: options.account,
          verdict: options.verdict,
          kind: options.kind,
          rejectedOnly: options.rejected === true,
          limit: options.limit,
          cursor: options.cursor,
        }),
      );
      console.log(
        options.json
          ? JSON.stringify({ entries: page.items, nextCursor: page.nextCursor })
          : describePage(page),
      );
    });

  inbox
    .command('show')
    .description(
      'one received request: verdict, its raw request with secrets and card numbers redacted, its signals',
    )
    .argument('<id>', 'the inbox entry, e.g. inb_01jq4m2k7n8p9r0s1t2v3w4x5y')
    .option('-c, --config <file>', 'JSON config file (default: $QUITTANCE_CONFIG)')
    .option('--db <url>', 'database URL (default: config database)')
    .option('--json', 'print one JSON object (as GET /api/inbox/:id)')
    .addHelpText(
      'after',
      `
The raw request is shown as received, except that every configured secret (in any encoding quittance
knows), credential headers and card numbers are replaced. Exit code 1 when there is no such entry.

Examples:
  $ quittance inbox show inb_01jq4m2k7n8p9r0s1t2v3w4x5y
  $ quittance inbox show inb_01jq4m2k7n8p9r0s1t2v3w4x5y --json | jq -r '.request.body'`,
    )
    .action(async (id, options) => {
      const entry = await withEngine(options, (engine) => getInboxEntry(engine, id));
      if (!entry) throw new QuittanceError('NOT_FOUND', `no inbox entry ${id}`);
      console.log(options.json ? JSON.stringify(entry) : describeEntry(entry));
    });
}

function describePage(page: PageOf<InboxSummary>): string {
  if (page.items.length === 0) return 'no inbox entry matches';
  const lines = [
    renderTable(
      page.items.map((e) => [
        e.id,
        shortTime(e.receivedAt),
        e.account ?? '-',
        e.kind,
        `${e.method} ${e.path}`,
        style.tint(e.verdict),
        e.reasonCode ?? '',
        e.answerStatus ?? '-',
      ]),
      ['id', 'received (UTC)', 'account', 'kind', 'request', 'verdict', 'reason', 'answer'],
    ),
  ];
  if (page.nextCursor) lines.push('', `more: add --cursor ${page.nextCursor}`);
  return lines.join('\n');
}

function describeEntry(e: InboxEntryDetail): string {
  const lines = [
    renderTable([
      ['entry', e.id],
      ['received', e.receivedAt],
      ['account', e.account ?? '-'],
      ['kind', e.kind],
      ['from', e.sourceIp],
      ['verdict', style.tint(e.verdict)],
      ['reason', [e.reasonCode, e.reason].filter(Boolean).join(': ') || '-'],
      ['answered', e.answerStatus === null ? '-' : `${e.answerStatus} ${e.answerBody ?? ''}`.trim()],
      ['processed', e.processedAt ?? '-'],
    ]),
    '',
    `${e.method} ${e.path}${e.request.query ? `?${e.request.query}` : ''}`,
    ...Object.entries(e.request.headers).map(([name, value]) => `${name}: ${value}`),
    '',
    e.request.body === null
      ? `(binary body, ${e.bodyBytes} bytes: not shown)`
      : `${e.request.body}${e.bodyTruncated ? '\n(truncated)' : ''}`,
  ];
  if (e.signals.length > 0) {
    lines.push(
      '',
      renderTable(
        e.signals.map((s) => [
          s.id,
          s.paymentId ?? '-',
          `${s.source} → ${s.status}`,
          style.tint(s.settlement),
          s.reason,
        ]),
        ['signal', 'payment', 'what', 'settlement', 'reason'],
      ),
    );
  } else {
    lines.push('', 'no signal: nothing was applied from this request');
  }
  return lines.join('\n');
}
