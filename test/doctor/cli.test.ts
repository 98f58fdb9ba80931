import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../cli/run-cli.js';

/**
 * runCli blocks this process (spawnSync), so the endpoint the CLI probes runs in a child process of its own: a
 * handler that answers 200 "OK" to a POST and records nothing.
 */
const HANDLER = `
const server = require('node:http').createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('OK'); });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('quittance doctor (CLI)', () => {
  let child: ChildProcess;
  let okUrl: string;
  let refusedUrl: string;
  before(async () => {
    child = spawn(process.execPath, ['-e', HANDLER], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<string>((resolve) =>
      child.stdout?.once('data', (d) => resolve(String(d).trim())),
    );
    okUrl = `http://127.0.0.1:${port}/notify/shop-lyra`;
    refusedUrl = `http://127.0.0.1:${await closedPort()}/notify/shop-lyra`;
  });
  after(() => {
    child.kill();
  });

  it('--json prints one report object and exits 0 when the URL works', () => {
    const r = runCli(['doctor', okUrl, '--gateway', 'lyra', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(report).sort(), [
      'class',
      'explanation',
      'gateway',
      'ok',
      'status',
      'steps',
      'timeoutMs',
      'url',
    ]);
    assert.equal(report.ok, true);
    assert.equal(report.class, 'ok');
    assert.equal(report.status, 200);
    assert.equal(report.gateway, 'lyra');
    assert.equal(report.timeoutMs, 35_000);
    assert.deepEqual(
      report.steps.map((s: { name: string }) => s.name),
      ['dns', 'tcp', 'http', 'answer'],
    );
  });

  it('exits 1 with the class when the URL would not work', () => {
    const refused = runCli(['doctor', refusedUrl, '--json']);
    assert.equal(refused.status, 1);
    const report = JSON.parse(refused.stdout);
    assert.equal(report.ok, false);
    assert.equal(report.class, 'connection');
    assert.equal(report.gateway, null);
    assert.equal(report.timeoutMs, 30_000);

    const dns = runCli(['doctor', 'https://doctor.invalid/notify/x', '--json', '--timeout', '5']);
    assert.equal(dns.status, 1);
    assert.equal(JSON.parse(dns.stdout).class, 'dns');
    assert.equal(JSON.parse(dns.stdout).timeoutMs, 5_000);
  });

  it('prints the steps with ASCII marks, then the class and the explanation, when not on a terminal', () => {
    const r = runCli(['doctor', refusedUrl, '--gateway', 'lyra']);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /\[ok\] +dns/);
    assert.match(r.stdout, /\[FAIL\] tcp/);
    assert.match(r.stdout, /\[FAIL\] connection/);
    assert.match(r.stdout, /EMPTY code/);
    assert.match(r.stdout, /194\.50\.38\.0\/24/);
  });

  it('--config and --account sign the probe with the account key (never printed)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quittance-doctor-'));
    const file = join(dir, 'quittance.json');
    const key = 'doctor-cli-secret-key-0123456789';
    writeFileSync(
      file,
      JSON.stringify({
        accounts: [
          {
            id: 'shop-lyra',
            gateway: 'lyra',
            mode: 'test',
            credentials: { siteId: '12345678', key },
            shop: {
              successUrl: 'https://shop.example/ok',
              failureUrl: 'https://shop.example/ko',
              pendingUrl: 'https://shop.example/wait',
            },
          },
        ],
      }),
    );
    const r = runCli(['doctor', okUrl, '--config', file, '--account', 'shop-lyra', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.gateway, 'lyra', 'the gateway comes from the account');
    const http = report.steps.find((s: { name: string }) => s.name === 'http');
    assert.equal(http.data.signed, true);
    assert.ok(!r.stdout.includes(key) && !r.stderr.includes(key));

    const unknown = runCli(['doctor', okUrl, '--config', file, '--account', 'nope']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /no account "nope".*shop-lyra/);
    const mismatch = runCli([
      'doctor',
      okUrl,
      '--config',
      file,
      '--account',
      'shop-lyra',
      '--gateway',
      'sips',
    ]);
    assert.equal(mismatch.status, 2);
  });

  it('exits 2 on usage errors', () => {
    assert.equal(runCli(['doctor', okUrl, '--gateway', 'nope']).status, 2);
    assert.equal(runCli(['doctor', 'not-a-url']).status, 2);
    assert.equal(runCli(['doctor', okUrl, '--timeout', '-1']).status, 2);
    assert.equal(runCli(['doctor']).status, 2);
  });

  it('--help shows examples', () => {
    const r = runCli(['doctor', '--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Examples:/);
    assert.match(r.stdout, /--gateway/);
  });
});
