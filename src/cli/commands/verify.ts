import { readFileSync } from 'node:fs';
import type { Command } from '@commander-js/extra-typings';
import { CommanderError } from '@commander-js/extra-typings';
import { confirms } from '../../engine/fetch-back.js';
import type { AnyGatewayAdapter, GatewayAccount, RawRequest } from '../../gateways/gateway.js';
import { findAdapter, gatewayIds } from '../../gateways/registry.js';

/** How long `verify` waits for a gateway asked back (fetch-back protocols). */
const FETCH_BACK_TIMEOUT_MS = 15_000;

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      'check a notification body: signature, fields, and the signals it carries (fetch-back protocols: asks the gateway)',
    )
    .argument('<gateway>', `gateway id (${gatewayIds().join(', ')})`)
    .requiredOption(
      '--secret <key>',
      "the key that checks the notification: Lyra's shop key (or REST password / HMAC key for kr-answer), " +
        "Sips' secret key, Triveneto's udf4 secret, PayPlug's secret API key, Mollie's API key (test_…/live_…), a Standard Webhooks whsec_ secret, Stripe's endpoint signing secret (whsec_…), " +
        "PayPal's receiver e-mail (nothing in IPN is secret)",
    )
    .option(
      '--algorithm <name>',
      'signature algorithm (lyra: hmac-sha-256 or sha1; sips: hmac-sha-256 or sha-256)',
    )
    .option('--file <path>', 'file holding the body exactly as posted (default: standard input)')
    .option(
      '--header <line>',
      "a request header as posted, 'Name: value' (repeatable), for protocols that sign headers",
      collectHeader,
      {} as Record<string, string>,
    )
    .option(
      '--now <unix seconds>',
      "the clock signed timestamps are checked against (default: now), e.g. the notification's arrival time",
    )
    .option(
      '--content-type <type>',
      'content type it was posted with (default: application/json when the body starts with {, else a form)',
    )
    .option(
      '--api-base <url>',
      "fetch-back protocols: the gateway's API address (a test environment, a simulator)",
    )
    .option(
      '--verify-url <url>',
      "paypal: where to post the IPN back (default PayPal's: the sandbox for an IPN with test_ipn=1)",
    )
    .option('--json', 'print one JSON object (what verify always prints; accepted for scripts that pass it)')
    .addHelpText(
      'after',
      `
Prints one JSON object { "valid", "reason"?, "code"?, "signals" }. Exit code 0 when valid, 1 when not,
2 on usage errors. The key is never printed.

Signed protocols (lyra, sips, triveneto) are checked offline. PayPlug signs nothing: verify asks PayPlug
for the payment the body names (GET /v1/payments/{id} with the secret key) and reports what PayPlug says,
with "checkedBy": "fetch-back"; a body PayPlug does not confirm is not valid. PayPal IPN signs nothing
either: verify decodes the IPN in its own charset, checks receiver_email against --secret, shows the
deferred check ("check"), then posts the body back verbatim (cmd=_notify-validate) and reports VERIFIED
as valid, INVALID as not valid (UNKNOWN_AT_GATEWAY). Mollie's webhook is id=tr_… only: verify asks Mollie
(GET /v2/payments/{id} with the API key) and prints what Mollie says; an id Mollie does not know for that
key is not valid (UNKNOWN_AT_GATEWAY).

Examples:
  $ quittance verify lyra --secret 1122334455667788 --algorithm sha1 --file ipn.txt
  $ pbpaste | quittance verify lyra --secret "$LYRA_TEST_KEY"
  $ quittance verify sips --secret "$SIPS_SECRET_KEY" --algorithm hmac-sha-256 --file automatic-response.txt
  $ quittance verify triveneto --secret "$TV_UDF_SECRET" --file notification-message.txt
  $ quittance verify payplug --secret "$PAYPLUG_SECRET_KEY" --file notification.json
  $ quittance verify paypal --secret shop@example.com --file ipn.txt
  $ echo -n 'id=tr_WDqYK6vllg' | quittance verify mollie --secret "$MOLLIE_API_KEY"
  $ quittance verify adyen --secret "$ADYEN_HMAC_KEY" --file notification.json
  $ quittance verify stripe --secret "$STRIPE_WEBHOOK_SECRET" --file event.json --now 1700000100 \\
      --header 'Stripe-Signature: t=1700000000,v1=…'
  $ quittance verify standard-webhooks --secret "$SW_SECRET" --file body.json --now 1700000100 \\
      --header 'webhook-id: msg_1' --header 'webhook-timestamp: 1700000000' --header 'webhook-signature: v1,…'`,
    )
    .action(async (gateway, options) => {
      const adapter = findAdapter(gateway);
      if (!adapter) usage(`unknown gateway "${gateway}" (known: ${gatewayIds().join(', ')})`);
      const body = options.file ? readFileSync(options.file) : readFileSync(0);
      const request: RawRequest = {
        method: 'POST',
        path: '/notify/offline',
        query: '',
        headers: { 'content-type': options.contentType ?? sniffContentType(body), ...options.header },
        body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
        sourceIp: '127.0.0.1',
        receivedAt: options.now === undefined ? new Date() : dateOfUnixSeconds(options.now),
      };
      let account: GatewayAccount;
      try {
        account = adapter.offlineAccount({ request, secret: options.secret, algorithm: options.algorithm });
        if (options.apiBase !== undefined)
          account = withCredential(adapter, account, 'apiBase', options.apiBase, '--api-base');
        if (options.verifyUrl !== undefined)
          account = withCredential(adapter, account, 'verifyUrl', options.verifyUrl, '--verify-url');
      } catch (error) {
        usage((error as Error).message);
      }
      const out = await check(adapter, account, request);
      console.log(JSON.stringify(out, null, 2));
      process.exitCode = out.valid ? 0 : 1;
    });
}

async function check(adapter: AnyGatewayAdapter, account: GatewayAccount, request: RawRequest) {
  const verdict = adapter.verifyNotification(account, request);
  if (verdict.kind === 'verified') return { valid: true, signals: verdict.signals };
  if (verdict.kind !== 'deferred') {
    return { valid: false, code: verdict.code, reason: verdict.reason, signals: [] };
  }
  if (!adapter.fetchBack) {
    return {
      valid: false,
      code: 'INTERNAL',
      reason: `${adapter.displayName} cannot be asked back`,
      signals: [],
    };
  }
  const answer = await adapter.fetchBack(
    account,
    verdict,
    { fetch: globalThis.fetch, signal: AbortSignal.timeout(FETCH_BACK_TIMEOUT_MS), now: new Date() },
    { body: request.body, bodyTruncated: false },
  );
  const checkedBy = 'fetch-back';
  // What the body itself says, before the gateway's answer (PayPal: the decoded IPN's status and lookup).
  const check = verdict;
  if (answer.kind === 'not-found') {
    return {
      valid: false,
      checkedBy,
      check,
      code: 'UNKNOWN_AT_GATEWAY',
      reason: `${adapter.displayName} has no payment ${verdict.resource}: ${answer.reason}`,
      signals: [],
    };
  }
  if (answer.kind === 'failed') {
    return {
      valid: false,
      checkedBy,
      check,
      code: answer.code,
      reason: `could not ask ${adapter.displayName}: ${answer.reason}`,
      signals: [],
    };
  }
  const says = answer.signals.map((s) => s.status);
  return confirms(answer.signals, verdict.claimed)
    ? { valid: true, checkedBy, check, signals: answer.signals }
    : {
        valid: false,
        checkedBy,
        check,
        code: 'NOTIFICATION_MISMATCH',
        reason: `the body says ${verdict.claimed}; ${adapter.displayName} says ${says.join(', ') || 'nothing decided yet'}`,
        signals: answer.signals,
      };
}

/** The account with one credential field set from an option (`--api-base`, `--verify-url`). */
function withCredential(
  adapter: AnyGatewayAdapter,
  account: GatewayAccount,
  field: string,
  value: string,
  option: string,
): GatewayAccount {
  const credentials = { ...(account.credentials as Record<string, unknown>), [field]: value };
  const parsed = adapter.credentialsSchema.safeParse(credentials);
  if (!parsed.success)
    throw new Error(`${option}: ${adapter.displayName} takes no such option, or it is not a URL`);
  return { ...account, credentials: parsed.data };
}

/** `Name: value` → `{ name: value }` (names in lower case, as RawRequest holds them), added to what came before. */
function collectHeader(line: string, previous: Record<string, string>): Record<string, string> {
  const colon = line.indexOf(':');
  const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) usage(`--header: expected 'Name: value', got "${line}"`);
  return { ...previous, [name]: line.slice(colon + 1).trim() };
}

function dateOfUnixSeconds(text: string): Date {
  if (!/^\d{1,12}$/.test(text)) usage(`--now: expected unix seconds (e.g. 1700000000), got "${text}"`);
  return new Date(Number(text) * 1000);
}

function sniffContentType(body: Buffer): string {
  const first = body.toString('utf8', 0, Math.min(body.length, 64)).trimStart()[0];
  return first === '{' || first === '[' ? 'application/json' : 'application/x-www-form-urlencoded';
}

function usage(message: string): never {
  console.error(`quittance: ${message}`);
  throw new CommanderError(2, 'quittance.usage', message);
}
