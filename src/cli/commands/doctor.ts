import type { Command } from '@commander-js/extra-typings';
import { CommanderError, InvalidArgumentError } from '@commander-js/extra-typings';
import { isQuittanceError } from '../../core/errors.js';
import { type DoctorReport, profileIds, runDoctor } from '../../doctor/index.js';
import type { GatewayAccount } from '../../gateways/gateway.js';
import { loadCliConfig } from '../load-config.js';

function timeoutSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
    throw new InvalidArgumentError('must be a number of seconds between 0 and 600, such as 35 or 0.5');
  }
  return Math.round(seconds * 1000);
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('probe a notification URL as a gateway would, and say in plain words why it fails')
    .argument('<url>', 'the notification URL, as set at the gateway (https://shop.example/notify/<account>)')
    .option('--gateway <id>', `probe as this gateway (${profileIds().join(', ')})`)
    .option('--timeout <seconds>', "overrides the gateway's timeout", timeoutSeconds)
    .option('-c, --config <file>', 'JSON config file holding --account (default: $QUITTANCE_CONFIG)')
    .option('--account <id>', "sign the test notification with this account's key, as its gateway would")
    .option('--json', 'print one JSON object instead of the steps and the explanation')
    .addHelpText(
      'after',
      `
Steps: DNS, TCP connect, TLS (chain sent and trusted, host name, expiry, protocol), then one POST of a
harmless test notification exactly as the gateway sends it (method, content type, its timeout, no
redirect followed), then the answer (size, HTML, the format the gateway expects).

The test notification is about a payment that does not exist (reference doctor-probe-<time>): a working
handler stores it and changes nothing. With --account it is signed with that account's key, and
quittance keeps it as "unmatched". Without it, it is not signed: quittance then refuses it (401
SIGNATURE_MISSING or another KO code) and that refusal means the URL works.

Classes: ok, dns, connection, tls, redirect, bad-request, unauthorized, forbidden, not-found,
method-not-allowed, server-error, bad-gateway, unavailable, timeout, html-answer, oversize-answer,
unexpected-answer. Exit code 0 when the URL would work, 1 when it would not, 2 on usage errors.

Examples:
  $ quittance doctor https://shop.example/notify/shop-payzen --gateway lyra
  $ quittance doctor https://shop.example/notify/shop-payzen --config quittance.json --account shop-payzen
  $ quittance doctor https://shop.example/ipn.php --gateway triveneto --timeout 5 --json
  $ quittance doctor http://127.0.0.1:8080/notify/shop --json`,
    )
    .action(async (url, options) => {
      const account = options.account !== undefined ? accountOf(options.account, options.config) : undefined;
      let report: DoctorReport;
      try {
        report = await runDoctor({
          url,
          gateway: options.gateway,
          timeoutMs: options.timeout,
          account,
        });
      } catch (error) {
        if (isQuittanceError(error) && error.code === 'VALIDATION_FAILED') usage(error.message);
        throw error;
      }
      console.log(
        options.json ? JSON.stringify(report, null, 2) : human(report, process.stdout.isTTY === true),
      );
      process.exitCode = report.ok ? 0 : 1;
    });
}

function accountOf(id: string, config: string | undefined): GatewayAccount {
  const { config: resolved, source } = loadCliConfig({ config });
  const account = resolved.accounts.get(id);
  if (!account) {
    const known = [...resolved.accounts.keys()];
    usage(`no account "${id}" in ${source}${known.length > 0 ? ` (accounts: ${known.join(', ')})` : ''}`);
  }
  return { id: account.id, gateway: account.gateway, mode: account.mode, credentials: account.credentials };
}

/** Steps with a mark each, then the class and the explanation; ASCII marks when not on a terminal. */
export function human(report: DoctorReport, tty: boolean): string {
  const mark = (ok: boolean) => (tty ? (ok ? '✓' : '✗') : ok ? '[ok]  ' : '[FAIL]');
  const width = Math.max(...report.steps.map((s) => s.name.length));
  const lines = [
    `quittance doctor ${report.url} as ${report.gateway ?? 'a generic gateway'} (timeout ${report.timeoutMs / 1000} s)`,
    ...report.steps.map((s) => `  ${mark(s.ok)} ${s.name.padEnd(width)}  ${s.detail}`),
    '',
    `${mark(report.ok)} ${report.class}${report.status !== undefined ? ` (HTTP ${report.status})` : ''}`,
    ...wrap(report.explanation, 100).map((line) => `  ${line}`),
  ];
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) out.push(line);
  return out;
}

function usage(message: string): never {
  console.error(`quittance: ${message}`);
  throw new CommanderError(2, 'quittance.usage', message);
}
