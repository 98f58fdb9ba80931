import { Command } from '@commander-js/extra-typings';
import { PACKAGE_VERSION } from '../observability/version.js';
import { registerAlerts } from './commands/alerts.js';
import { registerDemo } from './commands/demo.js';
import { registerDoctor } from './commands/doctor.js';
import { registerHealth } from './commands/health.js';
import { registerInbox } from './commands/inbox.js';
import { registerKeys } from './commands/keys.js';
import { registerMigrate } from './commands/migrate.js';
import { registerPayments } from './commands/payments.js';
import { registerReconcile } from './commands/reconcile.js';
import { registerRefund } from './commands/refund.js';
import { registerReplay } from './commands/replay.js';
import { registerServe } from './commands/serve.js';
import { registerSettle } from './commands/settle.js';
import { registerVerify } from './commands/verify.js';
import { registerWorker } from './commands/worker.js';

/**
 * The whole command tree, without parsing anything: main.ts runs it, and tests walk it (every
 * command must have examples in its help). Register new commands here.
 */
export function createProgram(): Command {
  const program = new Command()
    .name('quittance')
    .description("the merchant's reliable payment inbox")
    .version(PACKAGE_VERSION)
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
  registerKeys(program);
  registerPayments(program);
  registerInbox(program);
  return program;
}
