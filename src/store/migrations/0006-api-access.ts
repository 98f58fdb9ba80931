import type { Kysely } from 'kysely';
import type { Capabilities } from '../dialect.js';

/**
 * API access (issue 7): API keys created with `quittance keys create` (only the SHA-256 of the key is
 * kept: the key is shown once), and dashboard sessions (keyed by the SHA-256 of the cookie's token, so
 * a copy of the database cannot be replayed as a login).
 */
export async function up(db: Kysely<unknown>, { types }: Capabilities): Promise<void> {
  const big = types.bigint;
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('last_used_at', big)
    .addColumn('revoked_at', big)
    .execute();

  await db.schema
    .createTable('dashboard_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('api_key_id', 'text')
    .addColumn('key_label', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('expires_at', big, (c) => c.notNull())
    .addColumn('last_seen_at', big, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('dashboard_sessions_expires')
    .on('dashboard_sessions')
    .columns(['expires_at'])
    .execute();
}
