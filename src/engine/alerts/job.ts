import type { Backoff } from '../../jobs/backoff.js';
import type { JobRecord } from '../../jobs/queue.js';
import { PermanentJobError } from '../../jobs/worker.js';
import { type AlertRecord, findAlert } from '../../store/repos/alerts.js';
import type { Engine } from '../engine.js';

/** Retries of an alert's delivery: soon, then less often; with ALERT_DELIVERY_MAX_ATTEMPTS, about a day. */
export const ALERT_DELIVERY_BACKOFF: Backoff = {
  schedule: [30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000],
  jitter: 0.2,
};

/** The alert a delivery job names; a job naming none cannot succeed by retrying. */
export async function alertOfJob(engine: Engine, job: JobRecord): Promise<AlertRecord> {
  const { alertId } = (job.payload ?? {}) as { alertId?: unknown };
  if (typeof alertId !== 'string') throw new PermanentJobError('job payload names no alert');
  const alert = await findAlert(engine.store.db, alertId);
  if (!alert) throw new PermanentJobError(`alert ${alertId} does not exist`);
  return alert;
}

/** Logs a failed attempt (the last one as an error) and throws for the worker's retry. */
export function failAttempt(
  engine: Engine,
  job: JobRecord,
  alert: AlertRecord,
  fields: Readonly<Record<string, unknown>>,
  error: string,
): never {
  const last = job.attempts >= job.maxAttempts;
  const log = { alertId: alert.id, kind: alert.kind, jobId: job.id, attempt: job.attempts, ...fields, error };
  if (last) engine.logger.error(log, 'alert not delivered: out of attempts');
  else engine.logger.warn(log, 'alert delivery failed; retrying');
  throw new Error(`attempt ${job.attempts}/${job.maxAttempts}: ${error}`);
}
