import { QuittanceError } from '../core/errors.js';
import type { Store } from './dialect.js';
import { openPostgres, type PostgresOptions } from './dialects/postgres.js';
import { openSqlite } from './dialects/sqlite.js';

/** Whether a database URL names a PostgreSQL server (`postgres://…` or `postgresql://…`). */
export function isPostgresUrl(url: string): boolean {
  return url.startsWith('postgres://') || url.startsWith('postgresql://');
}

/**
 * Opens the database named by a URL: `postgres://user:pass@host:5432/db?pool=10` (also
 * `postgresql://`), `sqlite:./quittance.db`, `sqlite::memory:` or a bare path.
 */
export function createStore(url: string, options: { postgres?: PostgresOptions } = {}): Store {
  if (isPostgresUrl(url)) return openPostgres(url, options.postgres);
  const file = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (file.length === 0) throw new QuittanceError('CONFIG_INVALID', `database URL "${url}" names no file`);
  return openSqlite(file);
}
