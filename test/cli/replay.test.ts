import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../src/config/load.js';
import { type Engine, startEngine } from '../../src/engine/engine.js';
import { startEngineWorker } from '../../src/engine/runtime.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createStore } from '../../src/store/db.js';
import { disableEndpoint, ensureEndpoint } from '../../src/store/repos/endpoints.js';
import type { EventRecord } from '../../src/store/repos/events.js';
import {
  LYRA_CREDENTIALS,
  newEvent,
  newWebhookSecret,
  SHOP_PAGES,
  settledJobs,
  startWebhookShop,
  type WebhookShop,
} from '../e2e/webhook-shop.js';
import { runCli } from './run-cli.js';

describe('quittance replay / endpoints', () => {
  let dir: string;
  let configFile: string;
  let shop: WebhookShop;
  let engine: Engine;
  let event: EventRecord;
  const cli = (...args: string[]) => runCli([...args, '--config', configFile]);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'quittance-cli-replay-'));
    shop = await startWebhookShop();
    const input = {
      database: `sqlite:${join(dir, 'q.db')}`,
      logLevel: 'silent',
      worker: { pollInterval: '20ms' },
      delivery: { schedule: '10ms', maxAttempts: 3 },
      accounts: [
        {
          id: 'shop',
          gateway: 'lyra',
          mode: 'test',
          credentials: { ...LYRA_CREDENTIALS },
          shop: { ...SHOP_PAGES, webhookUrl: `${shop.base}/hooks`, webhookSecret: newWebhookSecret() },
        },
      ],
    };
    configFile = join(dir, 'quittance.json');
    writeFileSync(configFile, JSON.stringify(input));
    const config = resolveConfig(input, {});
    engine = await startEngine({
      store: createStore(config.database),
      config,
      logger: silentLogger(),
      publicUrl: 'http://127.0.0.1:1',
    });
    event = await newEvent(engine);
    const now = new Date();
    await ensureEndpoint(engine.store.db, { accountId: 'shop', url: `${shop.base}/hooks`, now });
    await disableEndpoint(engine.store.db, 'shop', 'the shop answered 410 Gone', now);
  });
  after(async () => {
    await engine?.store.close();
    await shop?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists endpoints, in a table and as JSON', () => {
    const json = cli('endpoints', '--json');
    assert.equal(json.status, 0, json.stderr);
    const [endpoint] = (JSON.parse(json.stdout) as { endpoints: Array<Record<string, unknown>> }).endpoints;
    assert.equal(endpoint?.account, 'shop');
    assert.equal(endpoint?.url, `${shop.base}/hooks`);
    assert.equal(endpoint?.disabledReason, 'the shop answered 410 Gone');
    const table = cli('endpoints');
    assert.match(table.stdout, /account\s+url\s+failures/);
    assert.match(table.stdout, /shop: disabled: the shop answered 410 Gone/);
    assert.match(table.stdout, /quittance endpoints enable shop/);
  });

  it('skips a disabled endpoint, enables it, then replays by window and by id', async () => {
    const since = new Date(event.createdAt.getTime() - 60_000).toISOString();
    const until = new Date(event.createdAt.getTime() + 60_000).toISOString();
    const skipped = cli('replay', '--since', since, '--until', until, '--json');
    assert.equal(skipped.status, 1, 'nothing could be queued');
    assert.deepEqual(JSON.parse(skipped.stdout), {
      matched: 1,
      enqueued: 0,
      skippedNoWebhook: 0,
      skippedDisabled: 1,
      disabledAccounts: ['shop'],
    });

    const enabled = cli('endpoints', 'enable', 'shop');
    assert.equal(enabled.status, 0, enabled.stderr);
    assert.match(enabled.stdout, /shop: enabled/);
    const again = cli('endpoints', 'enable', 'shop', '--json');
    assert.deepEqual(JSON.parse(again.stdout), { account: 'shop', wasDisabled: false });

    const byWindow = cli('replay', '--since', since, '--until', until, '--account', 'shop');
    assert.equal(byWindow.status, 0, byWindow.stderr);
    assert.match(byWindow.stdout, /deliveries queued\s+1/);
    const byId = cli('replay', event.id, '--json');
    assert.equal(byId.status, 0, byId.stderr);
    assert.equal((JSON.parse(byId.stdout) as { enqueued: number }).enqueued, 1);

    // The settlement's own job plus two replays: three deliveries, one webhook-id.
    const worker = startEngineWorker(engine);
    try {
      await settledJobs(engine, event.id, 3);
    } finally {
      await worker.stop(1_000);
    }
    assert.deepEqual(
      shop.requests.map((r) => r.headers['webhook-id']),
      [event.id, event.id, event.id],
    );
  });

  it('exits 1 on an unknown event and 2 on bad usage', () => {
    const unknown = cli('replay', 'evt_nope');
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /NOT_FOUND: no event evt_nope/);
    assert.equal(cli('replay').status, 2);
    assert.equal(cli('replay', event.id, '--since', '2026-01-01T00:00:00Z').status, 2);
    const badTime = cli('replay', '--since', 'yesterday');
    assert.equal(badTime.status, 2);
    assert.match(badTime.stderr, /ISO 8601/);
    const unknownAccount = cli('endpoints', 'enable', 'nope');
    assert.equal(unknownAccount.status, 1);
    assert.match(unknownAccount.stderr, /UNKNOWN_ACCOUNT/);
  });

  it('documents itself with examples', () => {
    for (const command of [['replay'], ['endpoints'], ['endpoints', 'enable']]) {
      const help = runCli([...command, '--help']);
      assert.equal(help.status, 0);
      assert.match(help.stdout, /Examples:/);
    }
  });
});
