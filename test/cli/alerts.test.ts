import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../src/config/load.js';
import { raiseAlert } from '../../src/engine/alerts/raise.js';
import { startEngine } from '../../src/engine/engine.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createStore } from '../../src/store/db.js';
import { runCli } from './run-cli.js';

describe('quittance alerts', () => {
  let dir: string;
  let configFile: string;
  let overdueId: string;
  let stuckId: string;
  const cli = (...args: string[]) => runCli([...args, '--config', configFile]);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'quittance-cli-alerts-'));
    const input = { database: `sqlite:${join(dir, 'q.db')}`, logLevel: 'silent' };
    configFile = join(dir, 'quittance.json');
    writeFileSync(configFile, JSON.stringify(input));
    const store = createStore(input.database);
    const engine = await startEngine({
      store,
      config: resolveConfig(input, {}),
      logger: silentLogger(),
      publicUrl: 'http://127.0.0.1:1',
    });
    for (const paymentId of ['pay_a', 'pay_b', 'pay_c']) {
      const { alert } = await raiseAlert(engine, store.db, {
        kind: 'notification-overdue',
        accountId: 'shop',
        paymentId,
        message: ({ count }) => `shop: ${count} payments paid by return, no notification`,
      });
      overdueId = alert.id;
    }
    stuckId = (
      await raiseAlert(engine, store.db, {
        kind: 'payment-stuck',
        accountId: 'other',
        paymentId: 'pay_z',
        message: 'stuck',
      })
    ).alert.id;
    await store.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists alerts as a table by default, with counts, messages and samples', () => {
    const r = cli('alerts');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^id +kind +account +severity +count +first seen +last seen +state$/m);
    assert.match(
      r.stdout,
      new RegExp(`^${overdueId} +notification-overdue +shop +critical +3 .* open$`, 'm'),
    );
    assert.match(
      r.stdout,
      /shop: 3 payments paid by return, no notification\n {2}samples: pay_a, pay_b, pay_c/,
    );
  });

  it('filters by kind and account, as JSON', () => {
    const r = cli('alerts', 'list', '--kind', 'payment-stuck', '--account', 'other', '--json');
    assert.equal(r.status, 0, r.stderr);
    const list = (JSON.parse(r.stdout) as { alerts: Array<{ id: string; count: number; samples: string[] }> })
      .alerts;
    assert.deepEqual(
      list.map((a) => [a.id, a.count, a.samples]),
      [[stuckId, 1, ['pay_z']]],
    );
    assert.deepEqual(JSON.parse(cli('alerts', '--account', 'nobody', '--json').stdout), { alerts: [] });
  });

  it('resolve: exit 0 once, then 1; --open no longer shows it', () => {
    const first = cli('alerts', 'resolve', stuckId, '--json');
    assert.equal(first.status, 0, first.stderr);
    assert.equal(JSON.parse(first.stdout).resolved, true);
    assert.match(JSON.parse(first.stdout).alert.resolvedAt, /^\d{4}-/);
    assert.equal(cli('alerts', 'resolve', stuckId).status, 1);
    assert.equal(cli('alerts', 'resolve', 'alr_nothing').status, 1);
    const open = (JSON.parse(cli('alerts', '--open', '--json').stdout) as { alerts: Array<{ id: string }> })
      .alerts;
    assert.deepEqual(
      open.map((a) => a.id),
      [overdueId],
    );
  });

  it('help shows examples', () => {
    assert.match(runCli(['alerts', '--help']).stdout, /Examples:\n {2}\$ quittance alerts/);
    assert.match(runCli(['alerts', 'list', '--help']).stdout, /--kind notification-overdue/);
  });
});
