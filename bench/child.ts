/**
 * A bench server in a child process of its own (bench/server.ts), so the load generator and each server
 * have their own event loop.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, MolliePayment, ParentMessage, PreparedPayment, ServerOptions } from './server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER_SCRIPT = fileURLToPath(new URL('./server.ts', import.meta.url));

export interface Child {
  readonly url: string;
  readonly payments: readonly PreparedPayment[];
  readonly molliePayments: readonly MolliePayment[];
  readonly pragmas: Readonly<Record<string, string>>;
  /** CPU time (user + system, all threads) the child has used so far, in ms. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

export function startChild(options: ServerOptions, cpuProfDir?: string | undefined): Promise<Child> {
  const execArgv = ['--import', 'tsx'];
  if (cpuProfDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${join(cpuProfDir, options.mode)}`);
  const child: ChildProcess = fork(SERVER_SCRIPT, [JSON.stringify(options)], {
    cwd: ROOT,
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let exitCode: number | null | undefined;
  const waiting = new Set<(code: number | null) => void>();
  child.once('exit', (code) => {
    exitCode = code;
    for (const onExit of waiting) onExit(code);
  });
  const next = <T extends ChildMessage['type']>(type: T): Promise<Extract<ChildMessage, { type: T }>> =>
    new Promise((resolve, reject) => {
      if (exitCode !== undefined) {
        reject(new Error(`the ${options.mode} server process has exited (code ${exitCode})`));
        return;
      }
      const done = () => {
        child.off('message', onMessage);
        waiting.delete(onExit);
      };
      const onMessage = (message: ChildMessage) => {
        if (message.type !== type) return;
        done();
        resolve(message as Extract<ChildMessage, { type: T }>);
      };
      const onExit = (code: number | null) => {
        done();
        reject(
          new Error(`the ${options.mode} server process exited (code ${code}) before sending "${type}"`),
        );
      };
      child.on('message', onMessage);
      waiting.add(onExit);
    });
  const post = (message: ParentMessage) => child.send(message);
  const exited = () =>
    new Promise<number | null>((resolve) => {
      if (exitCode !== undefined) resolve(exitCode);
      else child.once('exit', resolve);
    });
  return next('ready').then((ready) => ({
    url: ready.url,
    payments: ready.payments,
    molliePayments: ready.molliePayments,
    pragmas: ready.pragmas,
    cpuMs: async () => {
      const reply = next('cpu');
      post({ type: 'cpu' });
      return (await reply).micros / 1000;
    },
    stop: async () => {
      if (exitCode !== undefined) return;
      const stopped = next('stopped');
      post({ type: 'stop' });
      await stopped;
      const code = await exited();
      if (code !== 0) throw new Error(`the ${options.mode} server process exited with code ${code}`);
    },
  }));
}
