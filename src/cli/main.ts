#!/usr/bin/env node
import { CommanderError } from '@commander-js/extra-typings';
import { isQuittanceError } from '../core/errors.js';
import { createProgram } from './program.js';

// Commands are registered in program.ts (so tests can walk the tree without running it).
const program = createProgram();

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
