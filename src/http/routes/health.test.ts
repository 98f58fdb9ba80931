import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { type TestEngine, testEngine } from '../../engine/testkit.js';
import { createApp } from '../app.js';
import { createHealthApp } from './health.js';

describe('health probes', () => {
  let t: TestEngine;
  let draining = false;
  let app: ReturnType<typeof createApp>;
  before(async () => {
    t = await testEngine();
    app = createApp(t.engine, { peerAddress: () => '203.0.113.9', isDraining: () => draining });
  });
  after(() => t.close());

  it('/healthz and /readyz answer 200 without a key on a migrated database', async () => {
    const live = await app.request('/healthz');
    assert.equal(live.status, 200);
    assert.deepEqual(await live.json(), { status: 'ok', database: 'ok' });
    const ready = await app.request('/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ok', database: 'ok', migrations: 'up to date' });
    assert.equal(ready.headers.get('cache-control'), 'no-store');
  });

  it('/readyz answers 503 at once while stopping; /healthz stays 200 (alive, finishing its work)', async () => {
    draining = true;
    try {
      const ready = await app.request('/readyz');
      assert.equal(ready.status, 503);
      assert.deepEqual(await ready.json(), { status: 'stopping' });
      assert.equal((await app.request('/healthz')).status, 200);
    } finally {
      draining = false;
    }
  });

  it('/readyz names the migrations not run yet', async () => {
    const row = await sql<{
      name: string;
    }>`select name from quittance_migrations order by name desc limit 1`.execute(t.engine.store.db);
    const last = row.rows[0]?.name;
    assert.ok(last);
    await sql`delete from quittance_migrations where name = ${last}`.execute(t.engine.store.db);
    try {
      const ready = await app.request('/readyz');
      assert.equal(ready.status, 503);
      assert.deepEqual(await ready.json(), {
        status: 'unavailable',
        database: 'ok',
        migrations: { pending: [last] },
      });
    } finally {
      await sql`insert into quittance_migrations (name, timestamp) values (${last}, ${new Date().toISOString()})`.execute(
        t.engine.store.db,
      );
    }
    assert.equal((await app.request('/readyz')).status, 200);
  });

  it('both answer 503 when the database is gone; the worker-only app serves the same probes', async () => {
    const other = await testEngine();
    const probes = createHealthApp(other.engine, { isDraining: () => false });
    assert.equal((await probes.request('/readyz')).status, 200);
    assert.equal((await probes.request('/api/payments')).status, 404);
    await other.close();
    const live = await probes.request('/healthz');
    assert.equal(live.status, 503);
    assert.deepEqual(await live.json(), { status: 'unavailable', database: 'unreachable' });
    const ready = await probes.request('/readyz');
    assert.equal(ready.status, 503);
    assert.deepEqual(await ready.json(), { status: 'unavailable', database: 'unreachable' });
  });
});
