import type { Command } from '@commander-js/extra-typings';
import { createStore } from '../../store/db.js';
import { migrate } from '../../store/migrations/index.js';
import { loadCliConfig } from '../load-config.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('bring the database schema to the latest version (serve does it too)')
    .option('-c, --config <file>', 'JSON config file (default: $QUITTANCE_CONFIG)')
    .option('--db <url>', 'database URL (default: config database)')
    .option('--json', 'print one JSON object { database, applied }')
    .addHelpText(
      'after',
      `
Migrations are in code; each runs once, in order. Safe to run again: nothing left to apply is not an
error.

Examples:
  $ quittance migrate --db sqlite:./quittance.db
  $ quittance migrate --config quittance.json --json`,
    )
    .action(async (options) => {
      const { config } = loadCliConfig(options);
      const store = createStore(config.database);
      try {
        const { results } = await migrate(store);
        const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
        if (options.json) {
          console.log(JSON.stringify({ database: store.location, applied }));
          return;
        }
        console.log(
          applied.length ? `applied: ${applied.join(', ')}` : `already up to date (${store.location})`,
        );
      } finally {
        await store.close();
      }
    });
}
