import type { Command } from '@commander-js/extra-typings';
import { QuittanceError } from '../../core/errors.js';
import { type ApiKeyView, createApiKey, listApiKeys, revokeApiKey } from '../../engine/api-keys.js';
import { withEngine } from '../engine.js';
import { renderTable } from '../table.js';

function scopeOf(value: string): 'read' | 'write' {
  if (value !== 'read' && value !== 'write') {
    throw new QuittanceError('VALIDATION_FAILED', '--scope must be read or write');
  }
  return value;
}

/** `quittance keys create|list|revoke`: API keys for /api and the dashboard, stored hashed. */
export function registerKeys(program: Command): void {
  const keys = program
    .command('keys')
    .description('API keys for the JSON API and the dashboard: create (shown once), list, revoke')
    .addHelpText(
      'after',
      `
Keys are stored as SHA-256 hashes: a key is shown once, when it is created. A read key may call GET
routes only; a write key may also create payments, settle, resolve, reconcile and replay. Keys in the
config file ("apiKeys") are write keys and are not listed here.

Examples:
  $ quittance keys create --name shop-backend --scope write
  $ quittance keys create --name grafana --scope read --json
  $ quittance keys list
  $ quittance keys revoke key_01jq4m2k7n8p9r0s1t2v3w4x5y`,
    );

  keys
    .command('create')
    .description('create a key and print it once')
    .requiredOption('--name <name>', 'what the key is for (shown in lists and on the dashboard)')
    .requiredOption('--scope <scope>', 'read (GET only) or write', scopeOf)
    .option('-c, --config <file>', 'JSON config file (default: $QUITTANCE_CONFIG)')
    .option('--db <url>', 'database URL (default: config database)')
    .option('--json', 'print one JSON object { id, name, scope, key }')
    .addHelpText(
      'after',
      `
Examples:
  $ quittance keys create --name shop-backend --scope write
  $ quittance keys create --name grafana --scope read --json`,
    )
    .action(async (options) => {
      const created = await withEngine(options, (engine) =>
        createApiKey(engine, { name: options.name, scope: options.scope, now: engine.clock() }),
      );
      if (options.json) {
        console.log(
          JSON.stringify({
            id: created.id,
            name: options.name.trim(),
            scope: options.scope,
            key: created.key,
          }),
        );
        return;
      }
      console.log(`${created.id} (${options.scope}): ${options.name.trim()}`);
      console.log('');
      console.log(`  ${created.key}`);
      console.log('');
      console.log('Copy it now: this is the only time it is shown (only its hash is stored).');
      console.log('Use it as "Authorization: Bearer <key>", or to log in to the dashboard.');
    });

  keys
    .command('list', { isDefault: true })
    .description('list keys (never the keys themselves), revoked ones included (the default subcommand)')
    .option('-c, --config <file>', 'JSON config file (default: $QUITTANCE_CONFIG)')
    .option('--db <url>', 'database URL (default: config database)')
    .option('--json', 'print one JSON object { keys }')
    .addHelpText('after', '\nExamples:\n  $ quittance keys list\n  $ quittance keys list --json')
    .action(async (options) => {
      const list = await withEngine(options, listApiKeys);
      if (options.json) {
        console.log(JSON.stringify({ keys: list }));
        return;
      }
      console.log(describeKeys(list));
    });

  keys
    .command('revoke')
    .description('revoke a key: refused at once, its dashboard sessions ended')
    .argument('<id>', 'the key id, e.g. key_01jq4m2k7n8p9r0s1t2v3w4x5y (the start of the key after qk_)')
    .option('-c, --config <file>', 'JSON config file (default: $QUITTANCE_CONFIG)')
    .option('--db <url>', 'database URL (default: config database)')
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExamples:\n  $ quittance keys revoke key_01jq4m2k7n8p9r0s1t2v3w4x5y')
    .action(async (id, options) => {
      const key = await withEngine(options, (engine) => revokeApiKey(engine, id, engine.clock()));
      if (options.json) {
        console.log(JSON.stringify(key));
        return;
      }
      console.log(`${key.id}: revoked at ${key.revokedAt ?? '?'} (${key.name})`);
    });
}

function describeKeys(list: readonly ApiKeyView[]): string {
  if (list.length === 0)
    return 'no keys (create one with: quittance keys create --name N --scope read|write)';
  return renderTable(
    list.map((k) => [
      k.id,
      k.name,
      k.scope,
      k.createdAt,
      k.lastUsedAt ?? '-',
      k.revokedAt ? `revoked ${k.revokedAt}` : 'active',
    ]),
    ['id', 'name', 'scope', 'created', 'last used', 'state'],
  );
}
