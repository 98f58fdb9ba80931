import { startWorker, type Worker } from '../jobs/worker.js';
import type { Engine } from './engine.js';
import { engineTasks } from './tasks.js';

/**
 * Starts the job worker for this engine: claims due jobs, and wakes at once when this process
 * commits new ones (other processes' jobs are found by polling).
 */
export function startEngineWorker(engine: Engine, overrides: { workerId?: string } = {}): Worker {
  const { worker: settings } = engine.settings;
  const worker = startWorker({
    db: engine.store.db,
    capabilities: engine.store.capabilities,
    tasks: engineTasks(engine),
    clock: engine.clock,
    concurrency: settings.concurrency,
    pollMs: settings.pollMs,
    leaseMs: settings.leaseMs,
    ...(overrides.workerId ? { workerId: overrides.workerId } : {}),
    onError: (error, job) =>
      engine.logger.error({ err: error, jobId: job?.id, task: job?.task }, 'job worker error'),
  });
  const unsubscribe = engine.bus.onJobsEnqueued(() => worker.wake());
  return {
    ...worker,
    async stop(graceMs) {
      unsubscribe();
      await worker.stop(graceMs);
    },
  };
}
