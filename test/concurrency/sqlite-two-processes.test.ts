/**
 * SQLite keeps the guarantee with two writers: two `quittance serve` processes on one database file
 * (one writer at a time, the other waits through busy_timeout). Processes, not two connections in
 * this thread: better-sqlite3 waits synchronously, so a thread would block the lock holder itself.
 * Started at the same moment, they also exercise migrate()'s BEGIN IMMEDIATE.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { encodeForm } from '../../src/gateways/_shared/form-codec.js';
import { createStore } from '../../src/store/db.js';
import type { Store } from '../../src/store/dialect.js';
import {
  ALGORITHM,
  createPayment,
  lyraFields,
  type Quittance,
  SHOP,
  SITE_ID,
  TEST_KEY,
} from '../e2e/harness.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const ROUNDS = Number(process.env.QUITTANCE_RACE_ROUNDS ?? 100);
const API_KEY = `sqlite2_${randomBytes(8).toString('hex')}`;

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startServe(configFile: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, 'serve', '--config', configFile, '--port', String(port), '--role', 'api'],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, QUITTANCE_CONFIG: '' } },
  );
  let errors = '';
  child.stderr?.on('data', (d) => {
    errors += d;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve exited at start: ${errors}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { child, url };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`serve did not become ready: ${errors}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('SQLite: two serve processes on one file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quittance-sqlite2-'));
  const database = `sqlite:${join(dir, 'q.db')}`;
  const configFile = join(dir, 'quittance.json');
  let processes: Array<{ child: ChildProcess; url: string }> = [];
  let store: Store;

  before(async () => {
    writeFileSync(
      configFile,
      JSON.stringify({
        database,
        publicUrl: 'https://pay.example',
        apiKeys: [API_KEY],
        logLevel: 'warn',
        accounts: [
          {
            id: 'shop',
            gateway: 'lyra',
            mode: 'test',
            credentials: { siteId: SITE_ID, key: TEST_KEY, algorithm: ALGORITHM },
            shop: {
              ...SHOP,
              webhookUrl: 'https://shop.example/webhooks',
              webhookSecret: `whsec_${randomBytes(24).toString('base64')}`,
            },
          },
        ],
      }),
    );
    processes = await Promise.all([startServe(configFile), startServe(configFile)]);
    store = createStore(database);
  });
  after(async () => {
    for (const p of processes) p.child.kill('SIGKILL');
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`the same notification POSTed to both at once: one applied, one duplicate, one effect each (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const target = processes[round % 2] as { url: string };
      const q = { url: target.url, apiKey: API_KEY } as unknown as Quittance;
      const payment = await createPayment(q, { orderRef: `SQ2-${round}` });
      const body = encodeForm(lyraFields(payment, 'CAPTURED'));
      const answers = await Promise.all(
        processes.map((p) =>
          fetch(`${p.url}/notify/shop`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body,
          }),
        ),
      );
      for (const answer of answers) {
        assert.equal(answer.status, 200, `round ${round}: ${answer.status} ${await answer.text()}`);
      }
      const signals = await store.db
        .selectFrom('signals')
        .select(['settlement'])
        .where('payment_id', '=', payment.id)
        .execute();
      assert.deepEqual(signals.map((s) => s.settlement).sort(), ['applied', 'duplicate'], `round ${round}`);
      const events = await store.db
        .selectFrom('events')
        .select(['type'])
        .where('payment_id', '=', payment.id)
        .execute();
      const types = events.map((e) => e.type).sort();
      assert.deepEqual(types, ['payment.authorized', 'payment.captured'], `round ${round}`);
      const jobs = await store.db
        .selectFrom('jobs')
        .select(['id'])
        .where('task', '=', 'deliver-webhook')
        .where('payload_json', 'like', `%${payment.id}%`)
        .execute();
      assert.equal(jobs.length, types.length, `round ${round}: one delivery job per event`);
    }
  });
});
