import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { cachingStatements } from './statement-cache.js';

describe('cachingStatements', () => {
  it('prepares each SQL text once while it stays among the most recent', () => {
    const raw = new SqliteDatabase(':memory:');
    let prepared = 0;
    const counting = {
      close: () => raw.close(),
      prepare: (sql: string) => {
        prepared++;
        return raw.prepare(sql);
      },
    };
    const db = cachingStatements(counting, 2);
    db.prepare('select 1').all([]);
    db.prepare('select 1').all([]);
    assert.equal(prepared, 1);
    db.prepare('select 2');
    db.prepare('select 1'); // most recent again
    db.prepare('select 3'); // evicts "select 2"
    db.prepare('select 1');
    assert.equal(prepared, 3);
    db.prepare('select 2');
    assert.equal(prepared, 4);
    assert.deepEqual(db.prepare('select 1 as n').all([]), [{ n: 1 }]);
    db.close();
  });
});
