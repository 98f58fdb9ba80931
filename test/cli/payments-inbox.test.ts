import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { money } from '../../src/core/index.js';
import { startEngine } from '../../src/engine/engine.js';
import type { GatewayAccount } from '../../src/gateways/gateway.js';
import type { LyraCredentials } from '../../src/gateways/lyra/credentials.js';
import { signedNotification } from '../../src/gateways/lyra/fixtures/notification.js';
import { createApp } from '../../src/http/app.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createStore } from '../../src/store/db.js';
import { findPayment } from '../../src/store/repos/payments.js';
import { runCli } from './run-cli.js';

const KEY = 'CliTestShopKey5Hq8Zr';
const API_KEY = 'cli-test-api-key';
const CARD = '4012888888881881';

describe('quittance payments and quittance inbox', () => {
  let dir: string;
  let configFile: string;
  const ids: string[] = [];
  let verifiedInbox = '';
  let forgedInbox = '';
  const cli = (...args: string[]) => runCli([...args, '--config', configFile], undefined, { NO_COLOR: '1' });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'quittance-cli-payments-'));
    const input: ConfigInput = {
      database: `sqlite:${join(dir, 'q.db')}`,
      logLevel: 'silent',
      apiKeys: [API_KEY],
      accounts: [
        {
          id: 'shop',
          gateway: 'lyra',
          mode: 'test',
          credentials: { siteId: '12345678', key: KEY, algorithm: 'hmac-sha-256' },
          shop: {
            successUrl: 'https://shop.example/ok',
            failureUrl: 'https://shop.example/ko',
            pendingUrl: 'https://shop.example/pending',
          },
        },
      ],
    } as ConfigInput;
    configFile = join(dir, 'quittance.json');
    writeFileSync(configFile, JSON.stringify(input));
    const store = createStore(input.database as string);
    const engine = await startEngine({
      store,
      config: resolveConfig(input, {}),
      logger: silentLogger(),
      publicUrl: 'https://pay.example',
    });
    const app = createApp(engine, { peerAddress: () => '203.0.113.9' });
    for (const orderRef of ['ORDER-1', 'ORDER-2', 'ORDER-3']) {
      const res = await app.request('/api/payments', {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ account: 'shop', orderRef, amount: { value: 1250, currency: 'EUR' } }),
      });
      assert.equal(res.status, 201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    const payment = await findPayment(store.db, ids[0] as string);
    assert.ok(payment);
    const request = {
      paymentId: payment.id,
      orderRef: payment.orderRef,
      merchantRef: payment.merchantRef,
      amount: money(1250, 'EUR'),
      now: payment.createdAt,
      urls: { notify: '', return: '', wait: '' },
    };
    const account: GatewayAccount<LyraCredentials> = {
      id: 'shop',
      gateway: 'lyra',
      mode: 'test',
      credentials: { siteId: '12345678', key: KEY, algorithm: 'hmac-sha-256', brand: 'lyra' },
    };
    const post = async (raw: ReturnType<typeof signedNotification>) => {
      const res = await app.request('/notify/shop', {
        method: 'POST',
        headers: raw.headers as Record<string, string>,
        body: Buffer.from(raw.body),
      });
      assert.ok(res.status < 500);
    };
    const extra = { vads_order_info: `key ${KEY} card ${CARD}` };
    await post(
      signedNotification(
        { ...account, credentials: { ...account.credentials, key: 'other' } },
        request,
        'CAPTURED',
        extra,
      ),
    );
    await post(signedNotification(account, request, 'CAPTURED', extra));
    const entries = await store.db.selectFrom('inbox').select(['id', 'verdict']).orderBy('id').execute();
    forgedInbox = entries.find((e) => e.verdict === 'rejected')?.id ?? '';
    verifiedInbox = entries.find((e) => e.verdict === 'verified')?.id ?? '';
    assert.ok(forgedInbox && verifiedInbox, JSON.stringify(entries));
    await store.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('payments list: newest first as a table, with statuses', () => {
    const r = cli('payments', 'list');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^id +created \(UTC\) +account +order +amount +status +review +gateway ref$/m);
    const order = [...r.stdout.matchAll(/ORDER-\d/g)].map((m) => m[0]);
    assert.deepEqual(order, ['ORDER-3', 'ORDER-2', 'ORDER-1']);
    assert.match(r.stdout, new RegExp(`^${ids[0]} .* ORDER-1 +12\\.50 EUR +captured`, 'm'));
    assert.ok(!r.stdout.includes('\u001b['), 'no colours with NO_COLOR');
  });

  it('payments list --json pages with a cursor, each payment once, and filters', () => {
    const first = JSON.parse(cli('payments', 'list', '--limit', '2', '--json').stdout) as {
      payments: Array<{ id: string }>;
      nextCursor: string | null;
    };
    assert.equal(first.payments.length, 2);
    assert.ok(first.nextCursor);
    const second = JSON.parse(
      cli('payments', 'list', '--limit', '2', '--cursor', first.nextCursor, '--json').stdout,
    ) as { payments: Array<{ id: string }>; nextCursor: string | null };
    assert.deepEqual(
      [...first.payments, ...second.payments].map((p) => p.id),
      [...ids].reverse(),
    );
    assert.equal(second.nextCursor, null);
    const captured = JSON.parse(cli('payments', 'list', '--status', 'captured', '--json').stdout) as {
      payments: Array<{ id: string }>;
    };
    assert.deepEqual(
      captured.payments.map((p) => p.id),
      [ids[0]],
    );
    const search = JSON.parse(cli('payments', 'list', '--search', 'ORDER-2', '--json').stdout) as {
      payments: Array<{ id: string }>;
    };
    assert.deepEqual(
      search.payments.map((p) => p.id),
      [ids[1]],
    );
  });

  it('payments list tells the next page command; bad options exit 2', () => {
    const r = cli('payments', 'list', '--limit', '1');
    assert.match(r.stdout, /more: quittance payments list --limit 1 --config \S+ --cursor \S+/);
    assert.equal(cli('payments', 'list', '--status', 'paid').status, 2);
    assert.equal(cli('payments', 'list', '--limit', '0').status, 2);
  });

  it('payments show: the summary and the timeline of signals and events', () => {
    const r = cli('payments', 'show', ids[0] as string);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^status +captured$/m);
    assert.match(r.stdout, /notification → captured +applied/);
    assert.match(r.stdout, /event payment\.captured/);
    const json = JSON.parse(cli('payments', 'show', ids[0] as string, '--json').stdout) as {
      id: string;
      signals: Array<{ settlement: string }>;
    };
    assert.equal(json.id, ids[0]);
    assert.deepEqual(
      json.signals.map((s) => s.settlement),
      ['applied'],
    );
    const missing = cli('payments', 'show', 'pay_nothing');
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /UNKNOWN_PAYMENT/);
  });

  it('inbox list: verdicts, --rejected', () => {
    const r = cli('inbox', 'list');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${forgedInbox} .* rejected +\\S+ +\\d{3}$`, 'm'));
    assert.match(r.stdout, new RegExp(`^${verifiedInbox} .* verified`, 'm'));
    const rejected = JSON.parse(cli('inbox', 'list', '--rejected', '--json').stdout) as {
      entries: Array<{ id: string }>;
    };
    assert.deepEqual(
      rejected.entries.map((e) => e.id),
      [forgedInbox],
    );
  });

  it('inbox show: the raw request with the secret and the card number redacted, and its signals', () => {
    const r = cli('inbox', 'show', verifiedInbox);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^verdict +verified$/m);
    assert.match(r.stdout, /vads_order_info=/);
    assert.match(r.stdout, /notification → captured +applied/);
    const json = JSON.parse(cli('inbox', 'show', forgedInbox, '--json').stdout) as {
      verdict: string;
      request: { body: string };
      signals: unknown[];
    };
    assert.equal(json.verdict, 'rejected');
    assert.ok(json.request.body.includes('vads_order_info'));
    for (const out of [r.stdout, JSON.stringify(json)]) {
      assert.ok(!out.includes(KEY), 'the shop key is redacted');
      assert.ok(!out.includes(CARD), 'the card number is masked');
    }
    assert.equal(cli('inbox', 'show', 'inb_nothing').status, 1);
  });
});
