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
    .addHelpText('after', '\nExamples:\n  $ quittance migrate --db sqlite:./quittance.db')
    .action(async (options) => {
      const { config } = loadCliConfig(options);
      const store = createStore(config.database);
      try {
        const { results } = await migrate(store);
        const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
        console.log(
          applied.length ? `applied: ${applied.join(', ')}` : `already up to date (${store.location})`,
        );
      } finally {
        await store.close();
      }
    });
}
