import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../config/load.js';
import { type Engine, startEngine } from '../../engine/engine.js';
import { silentLogger } from '../../observability/logger.js';
import { createStore } from '../../store/db.js';
import { createApp } from '../app.js';

describe('GET /api/inbox', () => {
  let engine: Engine;
  let app: ReturnType<typeof createApp>;
  const auth = { authorization: 'Bearer k1' };
  before(async () => {
    engine = await startEngine({
      store: createStore('sqlite::memory:'),
      config: resolveConfig({ apiKeys: ['k1'] }),
      logger: silentLogger(),
      publicUrl: 'http://127.0.0.1:1',
    });
    app = createApp(engine, { peerAddress: () => '203.0.113.9' });
    await app.request('/notify/ghost', { method: 'POST', body: 'a=1' });
    await app.request('/notify/ghost', { method: 'GET' });
  });
  after(() => engine.store.close());

  it('lists what arrived, newest first, with verdict and reason but no body', async () => {
    const res = await app.request('/api/inbox', { headers: auth });
    assert.equal(res.status, 200);
    const { entries } = (await res.json()) as { entries: Array<Record<string, unknown>> };
    assert.deepEqual(
      entries.map((e) => [e.method, e.verdict, e.reasonCode, e.answerStatus, e.sourceIp]),
      [
        ['GET', 'rejected', 'METHOD_NOT_ALLOWED', 405, '203.0.113.9'],
        ['POST', 'rejected', 'UNKNOWN_ACCOUNT', 404, '203.0.113.9'],
      ],
    );
    assert.equal(entries[1]?.bodyBytes, 3);
    assert.ok(!('body' in (entries[0] ?? {})));
  });

  it('filters by verdict and refuses bad filters', async () => {
    const res = await app.request('/api/inbox?verdict=unmatched', { headers: auth });
    assert.deepEqual(await res.json(), { entries: [], nextCursor: null });
    const bad = await app.request('/api/inbox?verdict=maybe', { headers: auth });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'VALIDATION_FAILED');
  });

  it('needs an API key', async () => {
    assert.equal((await app.request('/api/inbox')).status, 401);
  });
});
