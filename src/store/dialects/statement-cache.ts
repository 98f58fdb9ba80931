import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Kysely's SQLite driver prepares every query anew; preparing is about a tenth of the CPU of one
 * notification (BENCHMARKS.md). Queries are built from a small set of shapes, so their SQL text
 * repeats: keep the most recent statements by text. Safe because Kysely runs one query at a time
 * on the single SQLite connection, so a cached statement is never in use twice at once.
 */
export function cachingStatements(database: SqliteDatabase, capacity = 256): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(sql) {
      const cached = cache.get(sql);
      if (cached) {
        // Map keeps insertion order: re-inserting makes this the most recently used.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > capacity) cache.delete(cache.keys().next().value as string);
      return statement;
    },
  };
}
