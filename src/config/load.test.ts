import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfigFile } from './load.js';

describe('loadConfigFile: QUITTANCE_DATABASE_URL', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'quittance-config-')), 'q.json');
  writeFileSync(file, JSON.stringify({ database: 'sqlite:./from-file.db' }));

  it("overrides the file's database", () => {
    const url = 'postgres://app:pw@db:5432/quittance?pool=20';
    assert.equal(loadConfigFile(file, { QUITTANCE_DATABASE_URL: url }).database, url);
  });

  it("keeps the file's database when unset or empty", () => {
    assert.equal(loadConfigFile(file, {}).database, 'sqlite:./from-file.db');
    assert.equal(loadConfigFile(file, { QUITTANCE_DATABASE_URL: '' }).database, 'sqlite:./from-file.db');
  });
});
