import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Command } from '@commander-js/extra-typings';
import { createProgram } from '../../src/cli/program.js';

/** Long-running commands that log (pino, one JSON object a line) instead of printing a result. */
const NO_JSON_OUTPUT = new Set(['quittance serve', 'quittance worker']);

interface Walked {
  readonly path: string;
  readonly command: Command<unknown[], Record<string, unknown>>;
}

function walk(command: Command<unknown[], Record<string, unknown>>, prefix: string): Walked[] {
  const path = prefix ? `${prefix} ${command.name()}` : command.name();
  return [
    { path, command },
    ...command.commands.flatMap((sub) => walk(sub as Command<unknown[], Record<string, unknown>>, path)),
  ];
}

/** The help exactly as `--help` prints it, 'after' texts included. */
function helpOf(command: Command<unknown[], Record<string, unknown>>): string {
  let out = '';
  command.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
  command.outputHelp();
  return out;
}

const commands = walk(createProgram() as unknown as Command<unknown[], Record<string, unknown>>, '').filter(
  (c) => c.path !== 'quittance',
);

describe('every command explains itself', () => {
  it('walks a tree with the commands we document', () => {
    const paths = commands.map((c) => c.path);
    for (const expected of [
      'quittance serve',
      'quittance worker',
      'quittance migrate',
      'quittance verify',
      'quittance reconcile',
      'quittance settle',
      'quittance refund',
      'quittance replay',
      'quittance endpoints',
      'quittance endpoints enable',
      'quittance demo',
      'quittance doctor',
      'quittance health',
      'quittance alerts',
      'quittance alerts list',
      'quittance alerts resolve',
    ]) {
      assert.ok(paths.includes(expected), `${expected} is registered (have: ${paths.join(', ')})`);
    }
  });

  for (const { path, command } of commands) {
    it(`${path} --help has an Examples: block that runs this command`, () => {
      const help = helpOf(command);
      assert.match(help, /\nExamples:\n/, `${path} --help has no "Examples:" block`);
      const examples = help.slice(help.indexOf('\nExamples:\n'));
      assert.ok(examples.includes(`$ ${path}`), `${path}: no example starts with "$ ${path}"`);
      assert.ok(command.description().length > 0, `${path} has no description`);
    });

    // A group (subcommands, no option of its own: `alerts`, `keys`, `payments`) prints only help or
    // runs its default subcommand, which is checked itself.
    const isGroup = command.commands.length > 0 && command.options.length === 0;
    if (NO_JSON_OUTPUT.has(path) || isGroup) continue;
    it(`${path} takes --json`, () => {
      assert.ok(
        command.options.some((o) => o.long === '--json'),
        `${path} prints something, so it must offer --json`,
      );
    });
  }
});
