import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createStore } from '../store/db.js';
import type { Store } from '../store/dialect.js';
import { migrate } from '../store/migrations/index.js';
import { enqueue, type JobRecord, listJobs } from './queue.js';
import { RetryLaterError, startWorker } from './worker.js';

describe('worker: RetryLaterError', () => {
  let store: Store;
  before(async () => {
    store = createStore('sqlite::memory:');
    await migrate(store);
  });
  after(() => store.close());

  /** Runs one job whose task throws `error` once, and returns the job as the worker left it. */
  async function failOnce(id: string, error: (now: Date) => Error, schedule: number[]): Promise<JobRecord> {
    const now = new Date();
    await enqueue(store.db, { id, task: id, payload: null, runAt: now, now, maxAttempts: 5 });
    let ran!: () => void;
    const done = new Promise<void>((resolve) => {
      ran = resolve;
    });
    const worker = startWorker({
      db: store.db,
      capabilities: store.capabilities,
      pollMs: 10,
      random: () => 0.5,
      tasks: {
        [id]: {
          backoff: { schedule, jitter: 0 },
          run: async () => {
            ran();
            throw error(new Date());
          },
        },
      },
    });
    await done;
    const deadline = Date.now() + 5_000;
    let job: JobRecord | undefined;
    while (Date.now() < deadline) {
      job = (await listJobs(store.db)).find((j) => j.id === id);
      if (job?.attempts === 1 && job.lockedBy === null) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    await worker.stop(1_000);
    if (!job) throw new Error(`job ${id} vanished`);
    return job;
  }

  it('runs the next attempt no earlier than the time the task asked for', async () => {
    let asked = 0;
    const job = await failOnce(
      'job_later',
      (now) => {
        asked = now.getTime() + 3_600_000;
        return new RetryLaterError(new Date(asked), 'the shop asked for an hour');
      },
      [10],
    );
    assert.equal(job.state, 'ready');
    assert.equal(job.runAt.getTime(), asked);
    assert.equal(job.lastError, 'RetryLaterError: the shop asked for an hour');
  });

  it('keeps the backoff when it is later than the time asked for', async () => {
    let failedAt = 0;
    const job = await failOnce(
      'job_sooner',
      (now) => {
        failedAt = now.getTime();
        return new RetryLaterError(new Date(failedAt + 1));
      },
      [3_600_000],
    );
    assert.equal(job.state, 'ready');
    assert.ok(job.runAt.getTime() >= failedAt + 3_600_000, 'the schedule still applies');
  });
});
