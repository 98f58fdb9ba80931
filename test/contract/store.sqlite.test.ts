import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { createStore } from '../../src/store/db.js';
import { testStoreContract } from './store.contract.js';

// The file-backed SQLite store runs the contract in store.test.ts, beside PostgreSQL.
testStoreContract('sqlite (in memory)', async () => createStore('sqlite::memory:'));

describe('sqlite pragmas', () => {
  it('runs WAL, synchronous=FULL, foreign keys on, a busy timeout', async () => {
    const store = createStore(`sqlite:${join(mkdtempSync(join(tmpdir(), 'quittance-pragma-')), 'q.db')}`);
    try {
      const one = async (pragma: string) =>
        Object.values((await sql.raw(`PRAGMA ${pragma}`).execute(store.db)).rows[0] as object)[0];
      assert.equal(await one('journal_mode'), 'wal');
      assert.equal(await one('synchronous'), 2); // FULL
      assert.equal(await one('foreign_keys'), 1);
      assert.equal(await one('busy_timeout'), 5000);
    } finally {
      await store.close();
    }
  });
});
