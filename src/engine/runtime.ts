import { JOBS_CHANNEL } from '../jobs/queue.js';
import { startWorker, type Worker } from '../jobs/worker.js';
import type { Engine } from './engine.js';
import { engineTasks } from './tasks.js';
import { WATCH_TASK } from './watch.js';

/**
 * Starts the job workers for this engine: they claim due jobs, and wake at once when this process
 * commits new ones (EngineBus) or, on PostgreSQL, when any instance does (LISTEN on JOBS_CHANNEL,
 * one dedicated connection for both lanes). Polling stays as the safety net: a notification sent
 * while the listener was reconnecting is lost, and a job due later is not notified at all.
 *
 * Two lanes, one facade. Long-poll watches (watch.ts) hold a job for up to half a minute each, so
 * they get a worker of their own, claiming only that task with `watchConcurrency` slots; everything
 * else (webhooks, handlers, fetch-backs, reconciliation) runs in the main lane with `concurrency`
 * slots and is never queued behind a held connection.
 */
export function startEngineWorker(engine: Engine, overrides: { workerId?: string } = {}): Worker {
  const { worker: settings } = engine.settings;
  const { [WATCH_TASK]: watch, ...mainTasks } = engineTasks(engine);
  const common = {
    db: engine.store.db,
    capabilities: engine.store.capabilities,
    clock: engine.clock,
    pollMs: settings.pollMs,
    leaseMs: settings.leaseMs,
    onError: (error: unknown, job: { id: string; task: string } | undefined) =>
      engine.logger.error({ err: error, jobId: job?.id, task: job?.task }, 'job worker error'),
  };
  const main = startWorker({
    ...common,
    tasks: mainTasks,
    concurrency: settings.concurrency,
    ...(overrides.workerId ? { workerId: overrides.workerId } : {}),
  });
  const lane = watch
    ? startWorker({
        ...common,
        tasks: { [WATCH_TASK]: watch },
        concurrency: settings.watchConcurrency,
        ...(overrides.workerId ? { workerId: `${overrides.workerId}-watch` } : {}),
      })
    : undefined;
  const workers = lane ? [main, lane] : [main];
  const wakeAll = () => {
    for (const w of workers) w.wake();
  };
  const unsubscribe = engine.bus.onJobsEnqueued(wakeAll);
  const listener = engine.store.capabilities.listenNotify
    ? engine.store.listen?.(JOBS_CHANNEL, wakeAll, (error) =>
        engine.logger.warn({ err: error }, 'job wake-up listener lost; reconnecting, polling meanwhile'),
      )
    : undefined;
  return {
    id: main.id,
    wake: wakeAll,
    async stop(graceMs) {
      unsubscribe();
      await listener?.close();
      await Promise.all(workers.map((w) => w.stop(graceMs)));
    },
    async drained() {
      await Promise.all(workers.map((w) => w.drained()));
    },
  };
}
