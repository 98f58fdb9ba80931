import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { enqueue, JOBS_CHANNEL, listJobs } from '../../src/jobs/queue.js';
import { startWorker } from '../../src/jobs/worker.js';
import { createStore } from '../../src/store/db.js';
import type { Store } from '../../src/store/dialect.js';
import { parseInt8 } from '../../src/store/dialects/postgres.js';
import { migrate } from '../../src/store/migrations/index.js';
import { PG_ADMIN_URL, postgresUnderTest } from '../support/dialects.js';

/** What only PostgreSQL has: type parsing, the pool, concurrent migrations, LISTEN/NOTIFY. */
const postgres = await postgresUnderTest();

describe('postgres dialect', { skip: postgres ? false : 'no PostgreSQL server (see the banner)' }, () => {
  const pg = postgres as NonNullable<typeof postgres>;
  let store: Store;
  before(async () => {
    store = await pg.open();
    await migrate(store);
  });
  after(async () => store?.close());

  it('reads bigint as numbers and refuses one past 2^53 instead of rounding it', async () => {
    const { rows } = await sql<{ n: number; big: number }>`select
      count(*) as n, 1767225600000::int8 as big`.execute(store.db);
    assert.deepEqual(rows[0], { n: 1, big: 1_767_225_600_000 });
    await assert.rejects(
      sql`select 9007199254740993::int8 as too_big`.execute(store.db),
      /not a safe integer/,
    );
    assert.equal(parseInt8('-9007199254740991'), -9_007_199_254_740_991);
    // The pool is still usable after the refusal.
    assert.equal((await sql<{ one: number }>`select 1::int8 as one`.execute(store.db)).rows[0]?.one, 1);
  });

  it('names its location without the password, and checks ?pool=', async () => {
    const named = createStore('postgres://app:s3cr3t-pw@db.internal:5432/quittance?pool=3&sslmode=disable');
    try {
      assert.equal(named.location.includes('s3cr3t-pw'), false);
      assert.match(named.location, /^postgres:\/\/app@db\.internal:5432\/quittance\?sslmode=disable$/);
      assert.equal(named.dialect, 'postgres');
      assert.deepEqual(named.capabilities, {
        concurrentWriters: true,
        skipLocked: true,
        listenNotify: true,
        types: { bigint: 'bigint', bytes: 'bytea' },
      });
    } finally {
      await named.close();
    }
    assert.throws(() => createStore('postgresql://h/db?pool=0'), /pool=0/);
  });

  it('opens no more connections than ?pool= allows', async () => {
    const url = new URL(await pg.freshUrl());
    url.searchParams.set('pool', '2');
    const small = createStore(url.toString());
    try {
      // Each query holds its connection a moment and counts this database's quittance connections.
      const counts = await Promise.all(
        Array.from({ length: 6 }, () =>
          sql<{ n: number }>`select pg_sleep(0.05), (select count(*) from pg_stat_activity
            where datname = current_database() and application_name = 'quittance') as n`.execute(small.db),
        ),
      );
      const most = Math.max(...counts.map((c) => Number(c.rows[0]?.n)));
      assert.ok(most >= 1 && most <= 2, `saw ${most} connections`);
    } finally {
      await small.close();
    }
  });

  it('cancels a statement past the timeout', async () => {
    const url = await pg.freshUrl();
    const impatient = createStore(url, { postgres: { statementTimeoutMs: 50 } });
    try {
      await assert.rejects(sql`select pg_sleep(5)`.execute(impatient.db), /statement timeout/);
    } finally {
      await impatient.close();
    }
  });

  it('lets three instances migrate one empty database at once: one schema, no error', async () => {
    const url = await pg.freshUrl();
    const instances = [createStore(url), createStore(url), createStore(url)];
    try {
      const results = await Promise.all(instances.map((s) => migrate(s)));
      const ran = results.flatMap((r) => r.results ?? []).map((r) => r.migrationName);
      const expected = (await listMigrations(instances[0] as Store)).sort();
      assert.deepEqual([...ran].sort(), expected, 'each migration ran exactly once, by one instance');
      const { rows } = await sql<{ n: number }>`select count(*) as n from information_schema.tables
        where table_schema = 'public' and table_name = 'payments'`.execute((instances[0] as Store).db);
      assert.equal(rows[0]?.n, 1);
    } finally {
      await Promise.all(instances.map((s) => s.close()));
    }
  });

  it('notifies at commit, never for a rolled-back enqueue, and wakes a worker of another instance', async () => {
    let heard = 0;
    let onHeard: () => void = () => {};
    const listener = store.listen?.(JOBS_CHANNEL, () => {
      heard++;
      onHeard();
    });
    assert.ok(listener);
    await listener.ready;
    const next = () =>
      new Promise<void>((resolve) => {
        onHeard = resolve;
      });
    const now = new Date();

    await assert.rejects(
      store.db.transaction().execute(async (tx) => {
        await enqueue(tx, { id: 'job_rolled_back', task: 'none', payload: null, runAt: now, now });
        throw new Error('roll back');
      }),
    );
    const committed = next();
    await store.db.transaction().execute(async (tx) => {
      await enqueue(tx, { id: 'job_committed', task: 'none', payload: null, runAt: now, now });
      // A round trip on another connection: the notification cannot have been delivered yet.
      await sql`select 1`.execute(store.db);
      assert.equal(heard, 0, 'not delivered before commit (and never for the rolled-back one)');
    });
    await committed;
    assert.equal(heard, 1);
    await listener.close();

    // A worker that would otherwise sleep a minute starts a job another instance enqueued at once.
    const other = createStore(urlOf(await currentDatabase(store)));
    const ran = new Promise<void>((resolve) => {
      const worker = startWorker({
        db: store.db,
        capabilities: store.capabilities,
        pollMs: 60_000,
        tasks: {
          woken: {
            run: async () => {
              resolve();
            },
          },
        },
      });
      const wakeups = store.listen?.(JOBS_CHANNEL, () => worker.wake());
      void wakeups?.ready.then(async () => {
        // Let the worker reach its long sleep first (it finds nothing due), then enqueue elsewhere.
        await worker.drained();
        await enqueue(other.db, {
          id: 'job_woken',
          task: 'woken',
          payload: null,
          runAt: new Date(),
          now: new Date(),
        });
      });
      cleanups.push(async () => {
        await wakeups?.close();
        await worker.stop(1000);
      });
    });
    await ran;
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await other.close();
    assert.equal((await listJobs(store.db, { task: 'woken' }))[0]?.state, 'done');
  });

  it('listens again after its connection is killed, and says so by waking', async () => {
    let wakes = 0;
    let onWake: () => void = () => {};
    const listener = store.listen?.(JOBS_CHANNEL, () => {
      wakes++;
      onWake();
    });
    assert.ok(listener);
    await listener.ready;
    const woken = new Promise<void>((resolve) => {
      onWake = resolve;
    });
    await sql`select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and application_name = 'quittance-listen'`.execute(store.db);
    await woken; // the wake after reconnecting
    const again = new Promise<void>((resolve) => {
      onWake = resolve;
    });
    const now = new Date();
    await enqueue(store.db, { id: 'job_after_reconnect', task: 'none', payload: null, runAt: now, now });
    await again;
    assert.ok(wakes >= 2);
    await listener.close();
  });
});

const cleanups: Array<() => Promise<void>> = [];

async function listMigrations(store: Store): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from quittance_migrations`.execute(store.db);
  return rows.map((r) => r.name);
}

async function currentDatabase(store: Store): Promise<string> {
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(store.db);
  return rows[0]?.name as string;
}

function urlOf(database: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}
