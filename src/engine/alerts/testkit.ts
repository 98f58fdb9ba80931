/** Tests only: runs an alert's delivery job as the worker would, and captures log lines. */
import { Writable } from 'node:stream';
import { type JobRecord, listJobs } from '../../jobs/queue.js';
import type { TaskDefinition } from '../../jobs/worker.js';
import { createLogger } from '../../observability/logger.js';
import type { Engine } from '../engine.js';

/** An engine whose log lines (JSON, level debug) land in `lines`. */
export function withCapturedLogs(engine: Engine): { engine: Engine; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { engine: { ...engine, logger: createLogger('debug', sink) }, lines };
}

/** The one job of `task`, its attempt counted as a claim would. */
export async function jobOf(engine: Engine, task: string, attempts = 1): Promise<JobRecord> {
  const jobs = await listJobs(engine.store.db, { task });
  if (jobs.length !== 1) throw new Error(`expected one ${task} job, found ${jobs.length}`);
  return { ...(jobs[0] as JobRecord), attempts };
}

export async function runTask(definition: TaskDefinition, job: JobRecord): Promise<void> {
  await definition.run(job, { signal: new AbortController().signal, workerId: 'test' });
}
