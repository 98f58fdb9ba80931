import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * quittance `serve` in a child process that the chaos run kills with SIGKILL: no graceful stop,
 * no flush, exactly what a power cut or an OOM kill does. Runs the same entry point as the current
 * process (the built dist/ or the TypeScript sources through tsx).
 */
export class ServerProcess {
  #child: ChildProcess | undefined;
  readonly #args: string[];
  readonly #log: number;
  readonly #healthUrl: string;

  constructor(input: { configFile: string; logFile: string; url: string }) {
    const fromSources = import.meta.url.endsWith('.ts');
    const main = fileURLToPath(new URL(fromSources ? '../main.ts' : '../main.js', import.meta.url));
    this.#args = [...(fromSources ? ['--import', 'tsx'] : []), main, 'serve', '--config', input.configFile];
    this.#log = openSync(input.logFile, 'a');
    this.#healthUrl = `${input.url}/healthz`;
  }

  async start(): Promise<void> {
    this.#child = spawn(process.execPath, this.#args, { stdio: ['ignore', this.#log, this.#log] });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.#child.exitCode !== null)
        throw new Error(`quittance exited at start (code ${this.#child.exitCode})`);
      try {
        if ((await fetch(this.#healthUrl)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('quittance did not become healthy within 30 s');
  }

  /** SIGKILL, then wait for the process to be gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  }

  /** SIGTERM: the graceful stop, for the end of the run. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 15_000))]);
    if (child.exitCode === null) await this.kill();
  }
}
