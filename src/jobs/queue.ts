import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export interface NewJob {
  readonly id: string;
  readonly task: string;
  readonly payload: unknown;
  readonly runAt: Date;
  readonly maxAttempts?: number;
  /** At most one job ever exists per key: enqueuing the same key again is a no-op. */
  readonly uniqueKey?: string;
  readonly now: Date;
}

/**
 * Enqueues inside the caller's transaction (transactional outbox): the job exists if and only if
 * the state change that caused it was committed. Returns false when a job with the same unique key
 * already exists, which is how an effect stays exactly-once when the same change is observed twice.
 */
export async function enqueue(db: Kysely<Database>, job: NewJob): Promise<boolean> {
  const result = await db
    .insertInto('jobs')
    .values({
      id: job.id,
      task: job.task,
      payload_json: JSON.stringify(job.payload),
      state: 'ready',
      run_at: job.runAt.getTime(),
      max_attempts: job.maxAttempts ?? 25,
      locked_by: null,
      locked_until: null,
      last_error: null,
      unique_key: job.uniqueKey ?? null,
      created_at: job.now.getTime(),
      updated_at: job.now.getTime(),
    })
    .onConflict((oc) => oc.column('unique_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export interface JobRecord {
  readonly id: string;
  readonly task: string;
  readonly payload: unknown;
  readonly state: string;
  readonly runAt: Date;
  readonly attempts: number;
  readonly uniqueKey: string | null;
}

export async function listJobs(db: Kysely<Database>, filter: { task?: string } = {}): Promise<JobRecord[]> {
  let q = db.selectFrom('jobs').selectAll().orderBy('id');
  if (filter.task) q = q.where('task', '=', filter.task);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    task: r.task,
    payload: JSON.parse(r.payload_json),
    state: r.state,
    runAt: new Date(Number(r.run_at)),
    attempts: Number(r.attempts),
    uniqueKey: r.unique_key,
  }));
}
