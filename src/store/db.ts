import { QuittanceError } from '../core/errors.js';
import type { Store } from './dialect.js';
import { openSqlite } from './dialects/sqlite.js';

/**
 * Opens the database named by a URL: `sqlite:./quittance.db`, `sqlite::memory:` or a bare path.
 * PostgreSQL (`postgres://…`) plugs in here as a second factory with the same `Store` shape.
 */
export function createStore(url: string): Store {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    throw new QuittanceError('CONFIG_INVALID', 'PostgreSQL support is not built yet: use a sqlite: URL');
  }
  const file = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (file.length === 0) throw new QuittanceError('CONFIG_INVALID', `database URL "${url}" names no file`);
  return openSqlite(file);
}
