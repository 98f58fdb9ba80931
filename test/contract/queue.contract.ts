import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  claimJobs,
  completeJob,
  countJobs,
  enqueue,
  extendLease,
  failJob,
  listJobs,
  releaseJob,
  retryDeadJob,
} from '../../src/jobs/queue.js';
import { PermanentJobError, startWorker } from '../../src/jobs/worker.js';
import type { Store } from '../../src/store/dialect.js';
import { migrate } from '../../src/store/migrations/index.js';

/** The job queue's contract, run on every dialect. */
export function testQueueContract(name: string, open: () => Promise<Store>): void {
  describe(`queue contract: ${name}`, () => {
    let store: Store;
    let n = 0;
    const id = () => `job_${String(++n).padStart(6, '0')}`;
    const t0 = new Date('2026-11-23T10:00:00Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);
    before(async () => {
      store = await open();
      await migrate(store);
    });
    after(async () => store.close());
    const clear = () => store.db.deleteFrom('jobs').execute();

    it('claims only due jobs, each once, and counts the attempt', async () => {
      await clear();
      await enqueue(store.db, { id: id(), task: 'a', payload: 1, runAt: t0, now: t0 });
      await enqueue(store.db, { id: id(), task: 'a', payload: 2, runAt: at(60_000), now: t0 });
      const first = await claimJobs(store.db, store.capabilities, {
        workerId: 'w1',
        now: t0,
        leaseMs: 120_000,
        limit: 10,
      });
      assert.deepEqual(
        first.map((j) => [j.payload, j.attempts, j.lockedBy]),
        [[1, 1, 'w1']],
      );
      const second = await claimJobs(store.db, store.capabilities, {
        workerId: 'w2',
        now: t0,
        leaseMs: 1000,
        limit: 10,
      });
      assert.deepEqual(second, [], 'a leased job is not claimed again');
      const later = await claimJobs(store.db, store.capabilities, {
        workerId: 'w2',
        now: at(60_000),
        leaseMs: 1000,
        limit: 10,
      });
      assert.deepEqual(
        later.map((j) => j.payload),
        [2],
      );
    });

    it('gives a job whose lease lapsed (worker killed) to another worker', async () => {
      await clear();
      await enqueue(store.db, { id: id(), task: 'a', payload: 'x', runAt: t0, now: t0 });
      const [job] = await claimJobs(store.db, store.capabilities, {
        workerId: 'dead',
        now: t0,
        leaseMs: 1000,
        limit: 1,
      });
      assert.ok(job);
      const retaken = await claimJobs(store.db, store.capabilities, {
        workerId: 'w2',
        now: at(1001),
        leaseMs: 1000,
        limit: 1,
      });
      assert.equal(retaken[0]?.attempts, 2);
      assert.equal(
        await completeJob(store.db, job, 'dead', at(1002)),
        false,
        'the old holder cannot complete it',
      );
      assert.equal(
        await extendLease(store.db, job, { workerId: 'dead', until: at(9000), now: at(1002) }),
        false,
      );
      assert.equal(await completeJob(store.db, retaken[0] as typeof job, 'w2', at(1003)), true);
      assert.equal((await listJobs(store.db))[0]?.state, 'done');
    });

    it('retries at the given time, then keeps the job dead with its last error', async () => {
      await clear();
      await enqueue(store.db, { id: id(), task: 'a', payload: null, runAt: t0, maxAttempts: 2, now: t0 });
      let [job] = await claimJobs(store.db, store.capabilities, {
        workerId: 'w',
        now: t0,
        leaseMs: 1000,
        limit: 1,
      });
      assert.equal(
        await failJob(store.db, job as NonNullable<typeof job>, {
          workerId: 'w',
          now: t0,
          error: 'boom 1',
          retryAt: at(5000),
        }),
        'ready',
      );
      assert.deepEqual(
        await claimJobs(store.db, store.capabilities, {
          workerId: 'w',
          now: at(4999),
          leaseMs: 1000,
          limit: 1,
        }),
        [],
      );
      [job] = await claimJobs(store.db, store.capabilities, {
        workerId: 'w',
        now: at(5000),
        leaseMs: 1000,
        limit: 1,
      });
      assert.equal(
        await failJob(store.db, job as NonNullable<typeof job>, {
          workerId: 'w',
          now: at(5000),
          error: 'boom 2',
          retryAt: at(9000),
        }),
        'dead',
      );
      const [dead] = await listJobs(store.db, { state: 'dead' });
      assert.equal(dead?.lastError, 'boom 2');
      assert.deepEqual(
        await claimJobs(store.db, store.capabilities, {
          workerId: 'w',
          now: at(99_000),
          leaseMs: 1000,
          limit: 1,
        }),
        [],
      );
      assert.equal(await retryDeadJob(store.db, dead?.id as string, at(100_000)), true);
      assert.equal(
        (
          await claimJobs(store.db, store.capabilities, {
            workerId: 'w',
            now: at(100_000),
            leaseMs: 1000,
            limit: 1,
          })
        )[0]?.attempts,
        1,
      );
    });

    it('releases a job on graceful stop without spending the attempt', async () => {
      await clear();
      await enqueue(store.db, { id: id(), task: 'a', payload: null, runAt: t0, now: t0 });
      const [job] = await claimJobs(store.db, store.capabilities, {
        workerId: 'w',
        now: t0,
        leaseMs: 60_000,
        limit: 1,
      });
      await releaseJob(store.db, job as NonNullable<typeof job>, 'w', t0);
      const [again] = await claimJobs(store.db, store.capabilities, {
        workerId: 'w2',
        now: t0,
        leaseMs: 1000,
        limit: 1,
      });
      assert.equal(again?.attempts, 1);
    });

    it('never hands one job to two claimers racing on their own connections', async () => {
      await clear();
      const total = 120;
      for (let i = 0; i < total; i++) {
        await enqueue(store.db, { id: id(), task: 'race', payload: i, runAt: t0, now: t0 });
      }
      const claimedBy = new Map<string, string>();
      let twice = 0;
      const claimer = async (workerId: string) => {
        for (;;) {
          const jobs = await claimJobs(store.db, store.capabilities, {
            workerId,
            now: t0,
            leaseMs: 60_000,
            limit: 3,
          });
          if (jobs.length === 0) return;
          for (const job of jobs) {
            if (claimedBy.has(job.id)) twice++;
            claimedBy.set(job.id, workerId);
          }
        }
      };
      await Promise.all(['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map(claimer));
      assert.equal(twice, 0);
      assert.equal(claimedBy.size, total);
      const rows = await listJobs(store.db, { task: 'race' });
      assert.ok(rows.every((j) => j.attempts === 1 && j.lockedBy === claimedBy.get(j.id)));
    });

    it('a worker runs every job at least once, none concurrently twice, and retries failures', async () => {
      await clear();
      const total = 60;
      for (let i = 0; i < total; i++) {
        await enqueue(store.db, {
          id: id(),
          task: i % 10 === 0 ? 'flaky' : 'ok',
          payload: i,
          runAt: new Date(),
          now: new Date(),
        });
      }
      await enqueue(store.db, { id: id(), task: 'broken', payload: 'x', runAt: new Date(), now: new Date() });
      const seen = new Map<number, number>();
      const inFlight = new Set<number>();
      let overlap = 0;
      const flakyTries = new Map<number, number>();
      const body = async (payload: number) => {
        if (inFlight.has(payload)) overlap++;
        inFlight.add(payload);
        await new Promise((r) => setTimeout(r, 1));
        inFlight.delete(payload);
        seen.set(payload, (seen.get(payload) ?? 0) + 1);
      };
      const workers = [1, 2].map(() =>
        startWorker({
          db: store.db,
          capabilities: store.capabilities,
          concurrency: 4,
          pollMs: 20,
          leaseMs: 5_000,
          tasks: {
            ok: { run: (job) => body(job.payload as number) },
            flaky: {
              backoff: { schedule: [5], jitter: 0 },
              run: async (job) => {
                const p = job.payload as number;
                const tries = (flakyTries.get(p) ?? 0) + 1;
                flakyTries.set(p, tries);
                if (tries < 3) throw new Error(`try ${tries} fails`);
                await body(p);
              },
            },
            broken: { run: async () => Promise.reject(new PermanentJobError('payload unusable')) },
          },
        }),
      );
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && (seen.size < total || (await countJobs(store.db)).ready > 0)) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await Promise.all(workers.map((w) => w.stop(1000)));
      assert.equal(seen.size, total);
      assert.equal(overlap, 0);
      assert.ok(
        [...seen.values()].every((count) => count === 1),
        'each job completed once',
      );
      assert.ok([...flakyTries.values()].every((t) => t === 3));
      const counts = await countJobs(store.db);
      assert.deepEqual(counts, { ready: 0, done: total, dead: 1 });
      const [dead] = await listJobs(store.db, { state: 'dead' });
      assert.match(dead?.lastError ?? '', /PermanentJobError: payload unusable/);
      assert.equal(dead?.attempts, 1);
    });
  });
}
