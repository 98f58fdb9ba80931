import { readFileSync } from 'node:fs';
import type { Command } from '@commander-js/extra-typings';
import { CommanderError } from '@commander-js/extra-typings';
import type { RawRequest } from '../../gateways/gateway.js';
import { findAdapter, gatewayIds } from '../../gateways/registry.js';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('check a notification body offline: signature, fields, and the signals it carries')
    .argument('<gateway>', `gateway id (${gatewayIds().join(', ')})`)
    .requiredOption('--secret <key>', "the shop's key for the mode the notification is in")
    .option('--algorithm <name>', 'signature algorithm (lyra: hmac-sha-256 or sha1)')
    .option('--file <path>', 'file holding the body exactly as posted (default: standard input)')
    .option('--content-type <type>', 'content type it was posted with', 'application/x-www-form-urlencoded')
    .addHelpText(
      'after',
      `
Prints one JSON object { "valid", "reason"?, "code"?, "signals" }. Exit code 0 when valid, 1 when not,
2 on usage errors. The key is never printed.

Examples:
  $ quittance verify lyra --secret 1122334455667788 --algorithm sha1 --file ipn.txt
  $ pbpaste | quittance verify lyra --secret "$LYRA_TEST_KEY"`,
    )
    .action((gateway, options) => {
      const adapter = findAdapter(gateway);
      if (!adapter) {
        console.error(`quittance: unknown gateway "${gateway}" (known: ${gatewayIds().join(', ')})`);
        throw new CommanderError(2, 'quittance.unknownGateway', 'unknown gateway');
      }
      const body = options.file ? readFileSync(options.file) : readFileSync(0);
      const request: RawRequest = {
        method: 'POST',
        path: '/notify/offline',
        query: '',
        headers: { 'content-type': options.contentType },
        body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
        sourceIp: '127.0.0.1',
        receivedAt: new Date(),
      };
      let account: ReturnType<typeof adapter.offlineAccount>;
      try {
        account = adapter.offlineAccount({ request, secret: options.secret, algorithm: options.algorithm });
      } catch (error) {
        console.error(`quittance: ${(error as Error).message}`);
        throw new CommanderError(2, 'quittance.badOption', 'bad option');
      }
      const verdict = adapter.verifyNotification(account, request);
      if (verdict.kind === 'deferred') throw new Error('fetch-back protocols cannot be verified offline yet');
      const out =
        verdict.kind === 'verified'
          ? { valid: true, signals: verdict.signals }
          : { valid: false, code: verdict.code, reason: verdict.reason, signals: [] };
      console.log(JSON.stringify(out, null, 2));
      process.exitCode = verdict.kind === 'verified' ? 0 : 1;
    });
}
