import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findApiKey } from '../store/repos/api-keys.js';
import { findSession, insertSession } from '../store/repos/sessions.js';
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey, sha256Hex } from './api-keys.js';
import { type TestEngine, testEngine } from './testkit.js';

describe('API keys', () => {
  let t: TestEngine;
  before(async () => {
    t = await testEngine({ config: { apiKeys: ['config-key-1', 'config-key-2'] } });
  });
  after(() => t.close());

  it('creates a key shown once, stored as its hash only', async () => {
    const { id, key } = await createApiKey(t.engine, { name: 'ci', scope: 'read', now: t.now() });
    assert.match(key, /^qk_key_[0-9a-z]{26}_[A-Za-z0-9_-]{43}$/);
    assert.ok(key.startsWith(`qk_${id}_`));
    const row = await findApiKey(t.engine.store.db, id);
    assert.equal(row?.keyHash, sha256Hex(key));
    const listed = await listApiKeys(t.engine);
    assert.ok(!JSON.stringify(listed).includes(key.slice(-43)));
    assert.ok(!JSON.stringify(listed).includes(sha256Hex(key)));
  });

  it('authenticates config keys as write and database keys with their scope', async () => {
    assert.deepEqual(await authenticateApiKey(t.engine, 'config-key-2', t.now()), {
      keyId: null,
      label: 'config key #2',
      scope: 'write',
    });
    const { id, key } = await createApiKey(t.engine, { name: 'reader', scope: 'read', now: t.now() });
    assert.deepEqual(await authenticateApiKey(t.engine, key, t.now()), {
      keyId: id,
      label: 'reader',
      scope: 'read',
    });
    const w = await createApiKey(t.engine, { name: 'writer', scope: 'write', now: t.now() });
    assert.equal((await authenticateApiKey(t.engine, w.key, t.now()))?.scope, 'write');
  });

  it('refuses unknown, tampered and malformed keys', async () => {
    const { key } = await createApiKey(t.engine, { name: 'x', scope: 'write', now: t.now() });
    const last = key.at(-1) === 'A' ? 'B' : 'A';
    assert.equal(await authenticateApiKey(t.engine, `${key.slice(0, -1)}${last}`, t.now()), undefined);
    assert.equal(await authenticateApiKey(t.engine, 'qk_nothing', t.now()), undefined);
    assert.equal(await authenticateApiKey(t.engine, '', t.now()), undefined);
  });

  it('records the last use at most once a minute', async () => {
    const { id, key } = await createApiKey(t.engine, { name: 'used', scope: 'read', now: t.now() });
    const first = t.now();
    await authenticateApiKey(t.engine, key, first);
    t.advance(30_000);
    await authenticateApiKey(t.engine, key, t.now());
    assert.equal((await findApiKey(t.engine.store.db, id))?.lastUsedAt?.getTime(), first.getTime());
    t.advance(31_000);
    await authenticateApiKey(t.engine, key, t.now());
    assert.equal((await findApiKey(t.engine.store.db, id))?.lastUsedAt?.getTime(), t.now().getTime());
  });

  it('refuses a revoked key and ends its dashboard sessions', async () => {
    const { id, key } = await createApiKey(t.engine, { name: 'gone', scope: 'write', now: t.now() });
    const expiresAt = new Date(t.now().getTime() + 3_600_000);
    await insertSession(t.engine.store.db, {
      id: 'f'.repeat(64),
      apiKeyId: id,
      keyLabel: 'gone',
      scope: 'write',
      csrfToken: 'c',
      createdAt: t.now(),
      expiresAt,
    });
    const revoked = await revokeApiKey(t.engine, id, t.now());
    assert.equal(revoked.revokedAt, t.now().toISOString());
    assert.equal(await authenticateApiKey(t.engine, key, t.now()), undefined);
    assert.equal(await findSession(t.engine.store.db, 'f'.repeat(64), t.now()), undefined);
    await assert.rejects(revokeApiKey(t.engine, 'key_nope', t.now()), { code: 'NOT_FOUND' });
  });

  it('refuses a key without a name or with an unknown scope', async () => {
    await assert.rejects(createApiKey(t.engine, { name: ' ', scope: 'read', now: t.now() }), {
      code: 'VALIDATION_FAILED',
    });
    await assert.rejects(createApiKey(t.engine, { name: 'a', scope: 'admin' as 'read', now: t.now() }), {
      code: 'VALIDATION_FAILED',
    });
  });
});
