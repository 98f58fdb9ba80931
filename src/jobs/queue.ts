import type { Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import { type Capabilities, canNotify } from '../store/dialect.js';
import type { Database, JobTable } from '../store/schema.js';

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
 * `ready`: waiting, or running while `locked_until` is in the future (a lease, not a state: a worker
 * that dies simply lets it lapse). `done`: finished. `dead`: out of attempts or failed for good,
 * kept with its last error for a person to see and retry.
 */
export type JobState = 'ready' | 'done' | 'dead';

export interface JobRecord {
  readonly id: string;
  readonly task: string;
  readonly payload: unknown;
  readonly state: JobState;
  readonly runAt: Date;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly lockedBy: string | null;
  readonly lockedUntil: Date | null;
  readonly lastError: string | null;
  readonly uniqueKey: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export function jobFromRow(r: Selectable<JobTable>): JobRecord {
  return {
    id: r.id,
    task: r.task,
    payload: JSON.parse(r.payload_json),
    state: r.state as JobState,
    runAt: new Date(Number(r.run_at)),
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    lockedBy: r.locked_by,
    lockedUntil: r.locked_until === null ? null : new Date(Number(r.locked_until)),
    lastError: r.last_error,
    uniqueKey: r.unique_key,
    createdAt: new Date(Number(r.created_at)),
    updatedAt: new Date(Number(r.updated_at)),
  };
}

/** The channel `enqueue` notifies on PostgreSQL and workers of every instance LISTEN to. */
export const JOBS_CHANNEL = 'quittance_jobs';

/**
 * Enqueues inside the caller's transaction (transactional outbox): the job exists if and only if
 * the state change that caused it was committed. Returns false when a job with the same unique key
 * already exists, which is how an effect stays exactly-once when the same change is observed twice.
 *
 * On PostgreSQL a job due now also sends `pg_notify` in the same transaction: delivered at commit
 * (never for a rolled-back job), it wakes idle workers of every instance at once. Jobs due later are
 * found by the workers' timed sleep, and every NOTIFY takes a commit-time lock, so they send none.
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
  const inserted = Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  if (inserted && job.runAt.getTime() <= job.now.getTime() && canNotify(db)) {
    await sql`select pg_notify(${JOBS_CHANNEL}, '')`.execute(db);
  }
  return inserted;
}

/**
 * Takes up to `limit` due jobs for `workerId` until `now + leaseMs`, counting the attempt.
 *
 * Why this is safe with several workers: the claim is ONE statement that both picks and marks the
 * rows. On SQLite the single writer serialises every statement, so two workers can never pick the
 * same row. On a database with concurrent writers the sub-select must also skip rows another worker
 * is marking (`FOR UPDATE SKIP LOCKED`), which `capabilities.skipLocked` turns on; without it two
 * workers would block on the same rows and one would re-check the WHERE after the other committed,
 * finding the lease taken.
 *
 * The attempt is counted at claim time, not at completion: a worker killed mid-job has still used
 * an attempt, so a job that kills its worker every time ends `dead` instead of looping forever.
 */
export async function claimJobs(
  db: Kysely<Database>,
  capabilities: Capabilities,
  input: { workerId: string; now: Date; leaseMs: number; limit: number; tasks?: readonly string[] },
): Promise<JobRecord[]> {
  const now = input.now.getTime();
  let due = db
    .selectFrom('jobs')
    .select('id')
    .where('state', '=', 'ready')
    .where('run_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .orderBy('run_at')
    .limit(input.limit);
  if (input.tasks && input.tasks.length > 0) due = due.where('task', 'in', input.tasks);
  if (capabilities.skipLocked) due = due.forUpdate().skipLocked();
  const rows = await db
    .updateTable('jobs')
    .set((eb) => ({
      locked_by: input.workerId,
      locked_until: now + input.leaseMs,
      attempts: eb('attempts', '+', 1),
      updated_at: now,
    }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
  return rows.map(jobFromRow).sort((a, b) => a.runAt.getTime() - b.runAt.getTime());
}

/** Marks a job done, only if this worker still holds its lease (else another attempt owns it). */
export async function completeJob(
  db: Kysely<Database>,
  job: JobRecord,
  workerId: string,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ state: 'done', locked_by: null, locked_until: null, last_error: null, updated_at: now.getTime() })
    .where('id', '=', job.id)
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Records a failed attempt: retried at `retryAt`, or `dead` when attempts are used up or `permanent`.
 * Only the lease holder may do it.
 */
export async function failJob(
  db: Kysely<Database>,
  job: JobRecord,
  input: { workerId: string; now: Date; error: string; retryAt: Date; permanent?: boolean },
): Promise<JobState | undefined> {
  const dead = input.permanent === true || job.attempts >= job.maxAttempts;
  const state: JobState = dead ? 'dead' : 'ready';
  const result = await db
    .updateTable('jobs')
    .set({
      state,
      run_at: dead ? job.runAt.getTime() : input.retryAt.getTime(),
      locked_by: null,
      locked_until: null,
      last_error: input.error.slice(0, 2000),
      updated_at: input.now.getTime(),
    })
    .where('id', '=', job.id)
    .where('locked_by', '=', input.workerId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? state : undefined;
}

/** Keeps a long job's lease alive. False when the lease was lost (expired and taken by another worker). */
export async function extendLease(
  db: Kysely<Database>,
  job: JobRecord,
  input: { workerId: string; until: Date; now: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ locked_until: input.until.getTime(), updated_at: input.now.getTime() })
    .where('id', '=', job.id)
    .where('locked_by', '=', input.workerId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Gives back leases of jobs not started or interrupted by a graceful stop: they run again at once. */
export async function releaseJob(
  db: Kysely<Database>,
  job: JobRecord,
  workerId: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('jobs')
    .set((eb) => ({
      locked_by: null,
      locked_until: null,
      attempts: eb('attempts', '-', 1),
      updated_at: now.getTime(),
    }))
    .where('id', '=', job.id)
    .where('locked_by', '=', workerId)
    .execute();
}

/** Puts a dead job back in line (a person decided to try again), with its attempts reset. */
export async function retryDeadJob(db: Kysely<Database>, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ state: 'ready', attempts: 0, run_at: now.getTime(), updated_at: now.getTime() })
    .where('id', '=', id)
    .where('state', '=', 'dead')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** When the next ready job is due (lease expiry included), for a worker deciding how long to sleep. */
export async function nextDueAt(db: Kysely<Database>): Promise<Date | undefined> {
  const row = await db
    .selectFrom('jobs')
    .select(
      sql<number>`min(case when locked_until is not null and locked_until > run_at then locked_until else run_at end)`.as(
        'due',
      ),
    )
    .where('state', '=', 'ready')
    .executeTakeFirst();
  const due = row?.due;
  return due === null || due === undefined ? undefined : new Date(Number(due));
}

export interface JobFilter {
  readonly task?: string;
  readonly state?: JobState;
  readonly limit?: number;
}

export async function listJobs(db: Kysely<Database>, filter: JobFilter = {}): Promise<JobRecord[]> {
  let q = db.selectFrom('jobs').selectAll().orderBy('id');
  if (filter.task) q = q.where('task', '=', filter.task);
  if (filter.state) q = q.where('state', '=', filter.state);
  if (filter.limit) q = q.limit(filter.limit);
  return (await q.execute()).map(jobFromRow);
}

export async function countJobs(db: Kysely<Database>): Promise<Record<JobState, number>> {
  const rows = await db
    .selectFrom('jobs')
    .select(['state', sql<number>`count(*)`.as('n')])
    .groupBy('state')
    .execute();
  const counts: Record<JobState, number> = { ready: 0, done: 0, dead: 0 };
  for (const r of rows) counts[r.state as JobState] = Number(r.n);
  return counts;
}
