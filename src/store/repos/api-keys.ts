import type { Kysely, Selectable } from 'kysely';
import type { ApiKeyTable, Database } from '../schema.js';

export const API_KEY_SCOPES = ['read', 'write'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly scope: ApiKeyScope;
  /** Hex SHA-256 of the full key: never the key. */
  readonly keyHash: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

function toRecord(r: Selectable<ApiKeyTable>): ApiKeyRecord {
  return {
    id: r.id,
    name: r.name,
    scope: r.scope === 'write' ? 'write' : 'read',
    keyHash: r.key_hash,
    createdAt: new Date(Number(r.created_at)),
    lastUsedAt: r.last_used_at === null ? null : new Date(Number(r.last_used_at)),
    revokedAt: r.revoked_at === null ? null : new Date(Number(r.revoked_at)),
  };
}

export async function insertApiKey(
  db: Kysely<Database>,
  k: { id: string; name: string; scope: ApiKeyScope; keyHash: string; now: Date },
): Promise<void> {
  await db
    .insertInto('api_keys')
    .values({
      id: k.id,
      name: k.name,
      scope: k.scope,
      key_hash: k.keyHash,
      created_at: k.now.getTime(),
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
}

export async function findApiKey(db: Kysely<Database>, id: string): Promise<ApiKeyRecord | undefined> {
  const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toRecord(row);
}

/** Every key, revoked ones included, oldest first. */
export async function listApiKeys(db: Kysely<Database>): Promise<ApiKeyRecord[]> {
  return (await db.selectFrom('api_keys').selectAll().orderBy('id').execute()).map(toRecord);
}

/** Returns false when there is no such key or it was already revoked. */
export async function revokeApiKey(db: Kysely<Database>, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: now.getTime() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records a use, unless one was recorded after `notBefore` (one write a minute, not one per request). */
export async function touchApiKey(
  db: Kysely<Database>,
  id: string,
  now: Date,
  notBefore: Date,
): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: now.getTime() })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', notBefore.getTime())]))
    .execute();
}
