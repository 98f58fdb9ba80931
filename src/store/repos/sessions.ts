import type { Kysely, Selectable } from 'kysely';
import type { DashboardSessionTable, Database } from '../schema.js';
import type { ApiKeyScope } from './api-keys.js';

export interface SessionRecord {
  /** Hex SHA-256 of the cookie's token. */
  readonly id: string;
  /** null when the login used a key from the config file. */
  readonly apiKeyId: string | null;
  readonly keyLabel: string;
  readonly scope: ApiKeyScope;
  readonly csrfToken: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly lastSeenAt: Date;
}

function toRecord(r: Selectable<DashboardSessionTable>): SessionRecord {
  return {
    id: r.id,
    apiKeyId: r.api_key_id,
    keyLabel: r.key_label,
    scope: r.scope === 'write' ? 'write' : 'read',
    csrfToken: r.csrf_token,
    createdAt: new Date(Number(r.created_at)),
    expiresAt: new Date(Number(r.expires_at)),
    lastSeenAt: new Date(Number(r.last_seen_at)),
  };
}

export async function insertSession(
  db: Kysely<Database>,
  s: Omit<SessionRecord, 'lastSeenAt'>,
): Promise<void> {
  await db
    .insertInto('dashboard_sessions')
    .values({
      id: s.id,
      api_key_id: s.apiKeyId,
      key_label: s.keyLabel,
      scope: s.scope,
      csrf_token: s.csrfToken,
      created_at: s.createdAt.getTime(),
      expires_at: s.expiresAt.getTime(),
      last_seen_at: s.createdAt.getTime(),
    })
    .execute();
}

/** The session, if it exists and has not expired at `now`. */
export async function findSession(
  db: Kysely<Database>,
  id: string,
  now: Date,
): Promise<SessionRecord | undefined> {
  const row = await db
    .selectFrom('dashboard_sessions')
    .selectAll()
    .where('id', '=', id)
    .where('expires_at', '>', now.getTime())
    .executeTakeFirst();
  return row && toRecord(row);
}

/** Marks the session seen; `expiresAt` given: a sliding expiry. */
export async function touchSession(
  db: Kysely<Database>,
  id: string,
  now: Date,
  expiresAt?: Date,
): Promise<void> {
  await db
    .updateTable('dashboard_sessions')
    .set({
      last_seen_at: now.getTime(),
      ...(expiresAt ? { expires_at: expiresAt.getTime() } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteSession(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('dashboard_sessions').where('id', '=', id).execute();
}

/** Logs out every session opened with a key (when it is revoked). */
export async function deleteSessionsOfKey(db: Kysely<Database>, apiKeyId: string): Promise<number> {
  const result = await db
    .deleteFrom('dashboard_sessions')
    .where('api_key_id', '=', apiKeyId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteExpiredSessions(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('dashboard_sessions')
    .where('expires_at', '<=', now.getTime())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
