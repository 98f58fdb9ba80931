import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Store } from '../dialect.js';
import type { Database } from '../schema.js';
import { cachingStatements } from './statement-cache.js';

/**
 * SQLite through better-sqlite3: one connection, one writer. `synchronous=FULL` because we
 * acknowledge a gateway only after the commit, and a notification lost after its acknowledgement
 * is never sent again; WAL so readers (API, dashboard) never wait for the writer.
 */
export function openSqlite(file: string): Store {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const connection = new SqliteDatabase(file);
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = FULL');
  connection.pragma('busy_timeout = 5000');
  connection.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: cachingStatements(connection) }),
  });
  return {
    db,
    dialect: 'sqlite',
    capabilities: {
      concurrentWriters: false,
      skipLocked: false,
      listenNotify: false,
      types: { bigint: 'integer', bytes: 'blob' },
    },
    location: file,
    close: () => db.destroy(),
  };
}
