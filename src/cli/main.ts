#!/usr/bin/env node
import { Command, CommanderError } from '@commander-js/extra-typings';
import { isQuittanceError } from '../core/errors.js';
import { registerAlerts } from './commands/alerts.js';
import { registerDemo } from './commands/demo.js';
import { registerDoctor } from './commands/doctor.js';
import { registerHealth } from './commands/health.js';
import { registerMigrate } from './commands/migrate.js';
import { registerReconcile } from './commands/reconcile.js';
import { registerRefund } from './commands/refund.js';
import { registerReplay } from './commands/replay.js';
import { registerServe } from './commands/serve.js';
import { registerSettle } from './commands/settle.js';
import { registerVerify } from './commands/verify.js';
import { registerWorker } from './commands/worker.js';

const program = new Command()
  .name('quittance')
  .description("the merchant's reliable payment inbox")
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

registerServe(program);
registerWorker(program);
registerMigrate(program);
registerVerify(program);
registerDoctor(program);
registerDemo(program);
registerSettle(program);
registerRefund(program);
registerReconcile(program);
registerReplay(program);
registerAlerts(program);
registerHealth(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  const message = isQuittanceError(error) ? `${error.code}: ${error.message}` : (error as Error).message;
  console.error(`quittance: ${message}`);
  process.exit(isQuittanceError(error) && error.code === 'CONFIG_INVALID' ? 2 : 1);
}
