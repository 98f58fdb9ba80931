import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { type JobRecord, type JobState, jobFromRow } from './queue.js';

/** Jobs newest first, a keyset page below `after` (see store/repos/pages.ts). */
export async function pageJobs(
  db: Kysely<Database>,
  f: {
    readonly limit: number;
    readonly after?: string | undefined;
    readonly state?: JobState | undefined;
    readonly task?: string | undefined;
  },
): Promise<{ rows: JobRecord[]; more: boolean }> {
  let q = db.selectFrom('jobs').selectAll().orderBy('id', 'desc');
  if (f.after) q = q.where('id', '<', f.after);
  if (f.state) q = q.where('state', '=', f.state);
  if (f.task) q = q.where('task', '=', f.task);
  const rows = await q.limit(f.limit + 1).execute();
  return { rows: rows.slice(0, f.limit).map(jobFromRow), more: rows.length > f.limit };
}
