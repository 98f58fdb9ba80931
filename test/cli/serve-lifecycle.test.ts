/**
 * `quittance serve` as a real process: roles, and the graceful stop on SIGTERM (a request in flight
 * still gets its answer, a job in flight finishes or is released, exit code 0).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createStore } from '../../src/store/db.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const API_KEY = `lifecycle_${randomBytes(8).toString('hex')}`;

/** A shop whose webhook endpoint answers after `delayMs`; `received` resolves on each arrival. */
class SlowShop {
  delayMs = 0;
  readonly arrivals: string[] = [];
  #waiters: Array<() => void> = [];
  readonly server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      this.arrivals.push(body);
      for (const wake of this.#waiters.splice(0)) wake();
      const timer = setTimeout(() => res.end('ok'), this.delayMs);
      res.on('close', () => clearTimeout(timer));
    });
  });
  nextArrival(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Instance {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
  output(): string;
}

async function startServe(configFile: string, args: readonly string[]): Promise<Instance> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, 'serve', '--config', configFile, '--port', String(port), ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, QUITTANCE_CONFIG: '' } },
  );
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve exited at start:\n${output}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`serve did not become ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, url, exited, output: () => output };
}

async function call(instance: Instance, method: string, path: string, body?: unknown) {
  const response = await fetch(`${instance.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

let orders = 0;
async function paidPayment(instance: Instance): Promise<string> {
  const created = await call(instance, 'POST', '/api/payments', {
    account: 'shop',
    orderRef: `LIFE-${++orders}`,
    amount: { value: 1000, currency: 'EUR' },
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const id = created.json.id as string;
  const settled = await call(instance, 'POST', `/api/payments/${id}/settle`, {
    status: 'captured',
    reason: 'bank confirmed by phone',
    by: 'ops@shop.example',
  });
  assert.equal(settled.status, 200, JSON.stringify(settled.json));
  return id;
}

describe('quittance serve: roles and graceful stop', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quittance-lifecycle-'));
  const database = `sqlite:${join(dir, 'q.db')}`;
  const configFile = join(dir, 'quittance.json');
  const shop = new SlowShop();

  before(async () => {
    await new Promise<void>((resolve) => shop.server.listen(0, '127.0.0.1', resolve));
    const { port } = shop.server.address() as { port: number };
    writeFileSync(
      configFile,
      JSON.stringify({
        database,
        publicUrl: 'https://pay.example',
        apiKeys: [API_KEY],
        logLevel: 'info',
        worker: { enabled: true, concurrency: 2, pollInterval: '100ms', lease: '30s' },
        delivery: { schedule: '1h', maxAttempts: 5, timeout: '30s', disableAfter: '1d' },
        accounts: [
          {
            id: 'shop',
            gateway: 'lyra',
            mode: 'test',
            credentials: { siteId: '12345678', key: 'lifecycle-test-key-0011223344' },
            shop: {
              successUrl: 'https://shop.example/ok',
              failureUrl: 'https://shop.example/ko',
              pendingUrl: 'https://shop.example/wait',
              webhookUrl: `http://127.0.0.1:${port}/webhooks`,
              webhookSecret: `whsec_${randomBytes(24).toString('base64')}`,
            },
          },
        ],
      }),
    );
  });
  after(async () => {
    shop.server.closeAllConnections();
    await new Promise((resolve) => shop.server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  async function jobsOf(paymentId: string) {
    const store = createStore(database);
    try {
      const rows = await store.db
        .selectFrom('jobs')
        .select(['task', 'state', 'attempts', 'locked_by', 'locked_until', 'payload_json'])
        .where('task', '=', 'deliver-webhook')
        .execute();
      return rows.filter((row) => row.payload_json.includes(paymentId));
    } finally {
      await store.close();
    }
  }

  it('SIGTERM: a request and a job in flight both finish, then exit 0', async () => {
    const q = await startServe(configFile, ['--grace', '10s']);
    try {
      shop.delayMs = 1_500;
      const arrived = shop.nextArrival();
      const paid = await paidPayment(q);
      await arrived; // the webhook job is running: the shop holds its answer for 1.5 s
      const open = await call(q, 'POST', '/api/payments', {
        account: 'shop',
        orderRef: `LIFE-${++orders}`,
        amount: { value: 500, currency: 'EUR' },
      });
      const openId = open.json.id as string;
      // A long-poll that will run its full 2 s: in flight when the signal comes.
      const inFlight = call(q, 'GET', `/api/payments/${openId}?wait=2`);
      await new Promise((r) => setTimeout(r, 200));
      q.child.kill('SIGTERM');
      const answer = await inFlight;
      assert.equal(answer.status, 200);
      assert.equal((answer.json as { id?: string }).id, openId);
      assert.equal(q.child.exitCode, null, 'answered before the process exits');
      assert.equal(await q.exited, 0, q.output());
      await assert.rejects(fetch(`${q.url}/healthz`), 'nothing listens after the stop');
      const [job] = await jobsOf(paid);
      assert.equal(job?.state, 'done', 'the delivery in flight completed');
      assert.match(q.output(), /stopping: no new requests or jobs/);
    } finally {
      q.child.kill('SIGKILL');
    }
  });

  it('SIGTERM: a job still running after --grace is released for another worker, exit 0', async () => {
    const q = await startServe(configFile, ['--grace', '500ms']);
    try {
      shop.delayMs = 20_000;
      const arrived = shop.nextArrival();
      const paid = await paidPayment(q);
      await arrived;
      const [running] = await jobsOf(paid);
      assert.equal(running?.state, 'ready');
      assert.ok(running?.locked_by, 'leased while running');
      assert.equal(running?.attempts, 1);
      q.child.kill('SIGTERM');
      assert.equal(await q.exited, 0, q.output());
      const [released] = await jobsOf(paid);
      assert.equal(released?.state, 'ready');
      assert.equal(released?.locked_by, null, 'the lease is given back');
      assert.equal(released?.locked_until, null);
      assert.equal(released?.attempts, 0, 'the interrupted attempt does not count');
    } finally {
      q.child.kill('SIGKILL');
    }
  });

  it('--role worker runs jobs and serves only the probes; --role api serves HTTP and runs no job', async () => {
    shop.delayMs = 0;
    const api = await startServe(configFile, ['--role', 'api']);
    let worker: Instance | undefined;
    try {
      const paid = await paidPayment(api);
      await new Promise((r) => setTimeout(r, 500));
      const [waiting] = await jobsOf(paid);
      assert.equal(waiting?.state, 'ready');
      assert.equal(waiting?.attempts, 0, 'no worker in an api-role process');

      const arrived = shop.nextArrival();
      worker = await startServe(configFile, ['--role', 'worker']);
      await arrived;
      assert.equal((await fetch(`${worker.url}/readyz`)).status, 200);
      assert.equal((await fetch(`${worker.url}/healthz`)).status, 200);
      assert.equal((await fetch(`${worker.url}/api/payments`)).status, 404);
      api.child.kill('SIGTERM');
      worker.child.kill('SIGTERM');
      assert.equal(await api.exited, 0, api.output());
      assert.equal(await worker.exited, 0, worker.output());
      const [job] = await jobsOf(paid);
      assert.equal(job?.state, 'done');
    } finally {
      api.child.kill('SIGKILL');
      worker?.child.kill('SIGKILL');
    }
  });

  it('--no-worker is --role api; it contradicts --role worker', async () => {
    const q = await startServe(configFile, ['--no-worker']);
    try {
      assert.match(q.output(), /"role":"api"/);
      q.child.kill('SIGINT');
      assert.equal(await q.exited, 0, q.output());
    } finally {
      q.child.kill('SIGKILL');
    }
    await assert.rejects(startServe(configFile, ['--no-worker', '--role', 'worker']), /contradicts/);
  });
});
