import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface NotificationTimeRow {
  readonly receivedAt: number;
  /** null while the entry waits for a fetch-back, or when processing failed before a verdict. */
  readonly processedAt: number | null;
  readonly verdict: string;
}

/**
 * One account's notifications received in [since, until), newest first, at most `limit`: the raw points
 * the health charts bucket in JS (time bucketing is not portable SQL between SQLite and PostgreSQL).
 */
export async function notificationTimes(
  db: Kysely<Database>,
  q: { readonly accountId: string; readonly since: Date; readonly until: Date; readonly limit: number },
): Promise<NotificationTimeRow[]> {
  const rows = await db
    .selectFrom('inbox')
    .select(['received_at', 'processed_at', 'verdict'])
    .where('kind', '=', 'notification')
    .where('account_id', '=', q.accountId)
    .where('received_at', '>=', q.since.getTime())
    .where('received_at', '<', q.until.getTime())
    .orderBy('received_at', 'desc')
    .limit(q.limit)
    .execute();
  return rows.map((r) => ({
    receivedAt: Number(r.received_at),
    processedAt: r.processed_at === null ? null : Number(r.processed_at),
    verdict: r.verdict,
  }));
}
