import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../src/config/load.js';
import { createPayment } from '../../src/engine/checkout.js';
import { startEngine } from '../../src/engine/engine.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createStore } from '../../src/store/db.js';
import { listAlerts } from '../../src/store/repos/alerts.js';
import { runCli } from './run-cli.js';

/**
 * A Lyra account without a REST password: Lyra's fetchStatus answers "cannot ask" (non-retryable)
 * without any network, so the sweep's outcome is deterministic: impossible, with an alert.
 */
const account = {
  id: 'shop-lyra',
  gateway: 'lyra',
  mode: 'test',
  credentials: { siteId: '12345678', key: 'k', algorithm: 'sha1' },
  shop: {
    successUrl: 'https://shop.example/ok',
    failureUrl: 'https://shop.example/ko',
    pendingUrl: 'https://shop.example/wait',
  },
};

describe('quittance reconcile', () => {
  let dir: string;
  let file: string;
  let db: string;
  let paymentId: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'quittance-reconcile-'));
    file = join(dir, 'q.json');
    db = `sqlite:${join(dir, 'q.db')}`;
    writeFileSync(file, JSON.stringify({ database: db, accounts: [account] }));
    const store = createStore(db);
    const engine = await startEngine({
      store,
      config: resolveConfig({ database: db, accounts: [account] }, {}),
      logger: silentLogger(),
      publicUrl: 'http://127.0.0.1:1',
    });
    paymentId = (
      await createPayment(engine, {
        account: 'shop-lyra',
        orderRef: 'o-1',
        amount: { value: 5, currency: 'EUR' },
      })
    ).payment.id;
    await store.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--json: one object with the counts by outcome; the impossible payment gets an alert', async () => {
    const r = runCli(['reconcile', '--config', file, '--older-than', '0s', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(
      { ...summary, durationMs: 0 },
      {
        olderThanMs: 0,
        account: null,
        total: 1,
        outcomes: { found: 0, expired: 0, 'not-found': 0, failed: 0, impossible: 1, error: 0 },
        final: 0,
        open: 1,
        errors: [],
        durationMs: 0,
      },
    );
    assert.equal(r.stderr, '', 'no progress bar when stderr is not a terminal');

    const store = createStore(db);
    try {
      const alerts = await listAlerts(store.db, { paymentId });
      assert.equal(alerts.length, 1);
      assert.equal(alerts[0]?.kind, 'reconcile-impossible');
      assert.match(alerts[0]?.message ?? '', /restPassword/);
    } finally {
      await store.close();
    }
  });

  it('--older-than and --account narrow the sweep; the table names the outcomes', () => {
    const young = runCli(['reconcile', '--config', file, '--older-than', '1h', '--json']);
    assert.equal(young.status, 0, young.stderr);
    assert.equal((JSON.parse(young.stdout) as { total: number }).total, 0);

    const table = runCli(['reconcile', '--config', file, '--older-than', '0s', '--account', 'shop-lyra']);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /impossible\s+1\s+the gateway cannot be asked/);
    assert.match(table.stdout, /total\s+1/);

    const unknown = runCli(['reconcile', '--config', file, '--account', 'nope']);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /UNKNOWN_ACCOUNT/);
  });

  it('refuses a bad duration (exit 2) and documents itself with examples', () => {
    const bad = runCli(['reconcile', '--config', file, '--older-than', 'soon']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /must be a duration/);
    const help = runCli(['reconcile', '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Examples:\n {2}\$ quittance reconcile/);
    assert.match(help.stdout, /--older-than <duration>/);
  });
});
