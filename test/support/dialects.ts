import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import pg from 'pg';
import { createStore } from '../../src/store/db.js';
import type { Store } from '../../src/store/dialect.js';
import type { PostgresOptions } from '../../src/store/dialects/postgres.js';

/**
 * The dialects a contract suite runs on, one loop as in Kysely's own tests: SQLite always, PostgreSQL
 * when a server answers at `QUITTANCE_TEST_PG_URL` (default postgres://postgres@127.0.0.1:5432/test).
 *
 * Each `open()` on PostgreSQL creates a database of its own (`quittance_t_<random>`, through the admin
 * URL) and the store's `close()` drops it, so test files running in parallel never meet. When no
 * server answers, a loud banner says the PostgreSQL cases are skipped; `QUITTANCE_REQUIRE_PG=1`
 * (set by .ci/run) makes that a failure instead.
 */
export interface DialectUnderTest {
  readonly name: 'sqlite' | 'postgres';
  /** A fresh, empty database (not migrated). */
  open(options?: { postgres?: PostgresOptions }): Promise<Store>;
  /** A fresh database's URL, dropped at the end of the test file (several stores may open it). */
  freshUrl(): Promise<string>;
}

export const PG_ADMIN_URL = process.env.QUITTANCE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const sqlite: DialectUnderTest = {
  name: 'sqlite',
  async open() {
    return createStore(await this.freshUrl());
  },
  async freshUrl() {
    return `sqlite:${join(mkdtempSync(join(tmpdir(), 'quittance-dialect-')), 'q.db')}`;
  },
};

let reachable: Promise<boolean> | undefined;

/** Whether the test PostgreSQL answers; asked once per process. */
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch (error) {
      if (process.env.QUITTANCE_REQUIRE_PG === '1') {
        throw new Error(
          `QUITTANCE_REQUIRE_PG=1 but PostgreSQL at ${redact(PG_ADMIN_URL)} cannot be reached: ${String(error)}`,
        );
      }
      banner(`PostgreSQL at ${redact(PG_ADMIN_URL)} cannot be reached (${String(error)})`);
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return reachable;
}

function banner(why: string): void {
  const line = '!'.repeat(100);
  process.stderr.write(
    `\n${line}\n!!! SKIPPING THE POSTGRESQL CASES: ${why}\n!!! Set QUITTANCE_TEST_PG_URL, or QUITTANCE_REQUIRE_PG=1 to fail instead.\n${line}\n\n`,
  );
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

const created = new Set<string>();
// Registered when a test file imports this module, so on the file's root: runs once all its tests are done.
after(async () => {
  for (const leftover of [...created]) await dropDatabase(leftover).catch(() => {});
});

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function dropDatabase(name: string): Promise<void> {
  created.delete(name);
  await admin((c) => c.query(`drop database if exists "${name}" with (force)`));
}

/** Creates `quittance_t_<random>` and returns its URL (the admin URL with the database swapped). */
export async function createTestDatabase(): Promise<string> {
  const name = `quittance_t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database "${name}"`));
  created.add(name);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

const postgres: DialectUnderTest = {
  name: 'postgres',
  async open(options = {}) {
    const url = await createTestDatabase();
    const name = new URL(url).pathname.slice(1);
    const store = createStore(url, options);
    return {
      ...store,
      async close() {
        await store.close();
        await dropDatabase(name);
      },
    };
  },
  freshUrl: createTestDatabase,
};

/** SQLite, then PostgreSQL when reachable. Use with top-level await in a test file. */
export async function dialectsUnderTest(): Promise<DialectUnderTest[]> {
  return (await postgresReachable()) ? [sqlite, postgres] : [sqlite];
}

export async function postgresUnderTest(): Promise<DialectUnderTest | undefined> {
  return (await postgresReachable()) ? postgres : undefined;
}
