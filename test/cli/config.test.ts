import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveConfig } from '../../src/config/load.js';
import { runCli } from './run-cli.js';

const shop = {
  successUrl: 'https://shop.example/ok',
  failureUrl: 'https://shop.example/ko',
  pendingUrl: 'https://shop.example/wait',
};
const account = {
  id: 'shop-lyra',
  gateway: 'lyra',
  mode: 'test',
  credentials: { siteId: '12345678', key: { env: 'LYRA_KEY' }, algorithm: 'sha1' },
  shop,
};

describe('config', () => {
  it('resolves secrets from the environment and validates credentials with the adapter', () => {
    const config = resolveConfig(
      { apiKeys: [{ env: 'API_KEY' }], accounts: [account] },
      { LYRA_KEY: 'k', API_KEY: 'a' },
    );
    assert.deepEqual(config.apiKeys, ['a']);
    const resolved = config.accounts.get('shop-lyra');
    assert.equal((resolved?.credentials as { key: string } | undefined)?.key, 'k');
    assert.equal(config.database, 'sqlite:./quittance.db');
  });

  const fails = (input: unknown, pattern: RegExp, env: Record<string, string> = { LYRA_KEY: 'k' }) =>
    assert.throws(
      () => resolveConfig(input, env),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'CONFIG_INVALID');
        assert.match(e.message, pattern);
        return true;
      },
    );

  it('refuses an account the gateway cannot serve in its mode, without printing the key (a PayPlug live key on a test account)', () => {
    const payplug = (mode: 'test' | 'live') => ({
      id: 'shop-payplug',
      gateway: 'payplug',
      mode,
      credentials: { secretKey: { env: 'PAYPLUG_KEY' } },
      shop,
    });
    const env = { PAYPLUG_KEY: 'sk_live_abcdef0123456789' };
    assert.ok(resolveConfig({ accounts: [payplug('live')] }, env).accounts.get('shop-payplug'));
    assert.throws(
      () => resolveConfig({ accounts: [payplug('test')] }, env),
      (e: Error & { code?: string }) =>
        e.code === 'CONFIG_INVALID' &&
        /accounts\[0\].*LIVE secret key.*test mode/.test(e.message) &&
        !e.message.includes(env.PAYPLUG_KEY),
    );
  });

  it('names the bad field', () => {
    fails({ accounts: [{ ...account, id: 'Bad Id' }] }, /accounts\[0\]\.id/);
    fails({ accounts: [{ ...account, gateway: 'nope' }] }, /accounts\[0\]\.gateway: unknown gateway "nope"/);
    fails(
      { accounts: [{ ...account, credentials: { ...account.credentials, siteId: '12' } }] },
      /accounts\[0\]\.credentials\.siteId/,
    );
    fails(
      { accounts: [{ ...account, shop: { ...shop, successUrl: 'ftp://x' } }] },
      /accounts\[0\]\.shop\.successUrl/,
    );
    fails(
      { accounts: [account] },
      /accounts\[0\]\.credentials\.key: environment variable LYRA_KEY is not set/,
      {},
    );
    fails({ accounts: [account, account] }, /accounts\[1\]\.id: account id "shop-lyra" is used twice/);
    fails({ accounts: [{ ...account, allowedIps: ['not-an-ip'] }] }, /accounts\[0\]\.allowedIps\[0\]/);
    fails({ trustedProxies: ['10.0.0.0/99'] }, /trustedProxies\[0\].*prefix/);
    fails({ databse: 'sqlite:x' }, /databse/);
  });

  it('makes the CLI exit 2 with the message on a bad config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quittance-config-'));
    const file = join(dir, 'q.json');
    writeFileSync(file, JSON.stringify({ accounts: [{ ...account, mode: 'prod' }] }));
    const r = runCli(['migrate', '--config', file], undefined, { LYRA_KEY: 'k' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /CONFIG_INVALID/);
    assert.match(r.stderr, /accounts\[0\]\.mode/);
    writeFileSync(file, '{ nope');
    assert.match(runCli(['migrate', '--config', file]).stderr, /not valid JSON/);
  });

  it('migrates a fresh database from the CLI, then says it is up to date', () => {
    const db = `sqlite:${join(mkdtempSync(join(tmpdir(), 'quittance-migrate-')), 'q.db')}`;
    const first = runCli(['migrate', '--db', db]);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /applied: 0001-init/);
    assert.match(runCli(['migrate', '--db', db]).stdout, /already up to date/);
  });
});

describe('quittance settle', () => {
  it('records an operator decision and prints it as JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quittance-settle-'));
    const file = join(dir, 'q.json');
    const db = `sqlite:${join(dir, 'q.db')}`;
    writeFileSync(file, JSON.stringify({ database: db, accounts: [account] }));
    const { startEngine } = await import('../../src/engine/engine.js');
    const { createPayment } = await import('../../src/engine/checkout.js');
    const { createStore } = await import('../../src/store/db.js');
    const { silentLogger } = await import('../../src/observability/logger.js');
    const store = createStore(db);
    const engine = await startEngine({
      store,
      config: resolveConfig({ database: db, accounts: [account] }, { LYRA_KEY: 'k' }),
      logger: silentLogger(),
      publicUrl: 'http://127.0.0.1:1',
    });
    const { payment } = await createPayment(engine, {
      account: 'shop-lyra',
      orderRef: 'o',
      amount: { value: 5, currency: 'EUR' },
    });
    await store.close();

    const args = [
      'settle',
      payment.id,
      '--status',
      'captured',
      '--reason',
      'checked',
      '--by',
      'alice',
      '--json',
      '--config',
      file,
    ];
    const r = runCli(args, undefined, { LYRA_KEY: 'k' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.settlement, 'applied');
    assert.equal(out.payment.status, 'captured');
    const bad = runCli(
      ['settle', payment.id, '--status', 'nope', '--reason', 'x', '--by', 'a', '--config', file],
      undefined,
      {
        LYRA_KEY: 'k',
      },
    );
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /VALIDATION_FAILED/);
  });
});
