import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from './run-cli.js';

describe('quittance keys', () => {
  let dir: string;
  let configFile: string;
  const cli = (...args: string[]) => runCli([...args, '--config', configFile]);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'quittance-cli-keys-'));
    configFile = join(dir, 'quittance.json');
    writeFileSync(
      configFile,
      JSON.stringify({ database: `sqlite:${join(dir, 'q.db')}`, logLevel: 'silent' }),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a key shown once, lists it without the key, revokes it', () => {
    const created = cli('keys', 'create', '--name', 'ci', '--scope', 'read', '--json');
    assert.equal(created.status, 0, created.stderr);
    const { id, key, scope } = JSON.parse(created.stdout) as { id: string; key: string; scope: string };
    assert.equal(scope, 'read');
    assert.match(key, /^qk_key_/);

    const human = cli('keys', 'create', '--name', 'shop', '--scope', 'write');
    assert.equal(human.status, 0, human.stderr);
    assert.match(human.stdout, /only time it is shown/);

    const list = cli('keys', 'list');
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /ci\s+read/);
    assert.ok(!list.stdout.includes(key), 'the key is never listed');

    const revoked = cli('keys', 'revoke', id, '--json');
    assert.equal(revoked.status, 0, revoked.stderr);
    assert.ok((JSON.parse(revoked.stdout) as { revokedAt: string | null }).revokedAt);
    const json = (
      JSON.parse(cli('keys', 'list', '--json').stdout) as {
        keys: Array<{ id: string; revokedAt: string | null }>;
      }
    ).keys;
    assert.ok(json.find((k) => k.id === id)?.revokedAt);
  });

  it('refuses an unknown scope and an unknown key', () => {
    assert.notEqual(cli('keys', 'create', '--name', 'x', '--scope', 'admin').status, 0);
    assert.notEqual(cli('keys', 'revoke', 'key_nope').status, 0);
  });
});
