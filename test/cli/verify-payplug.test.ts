import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  type PayplugSimulator,
  payAsCustomer,
  startPayplugSimulator,
} from '../../src/simulator/payplug/index.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const KEY = 'sk_test_verifycli0123456789';

/** The CLI as a child process; async, since the simulator it asks lives in this process. */
function runCli(args: readonly string[], input: string): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      env: { ...process.env, QUITTANCE_CONFIG: '' },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout }));
    child.stdin.end(input);
  });
}

describe('quittance verify payplug: PayPlug signs nothing, so verify asks PayPlug', () => {
  let simulator: PayplugSimulator;
  let paid: Record<string, unknown>;
  before(async () => {
    simulator = await startPayplugSimulator({ secretKeys: [KEY], retries: false });
    const created = await fetch(`${simulator.apiBase}/v1/payments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${KEY}`,
        'content-type': 'application/json',
        'payplug-version': '2019-08-06',
      },
      body: JSON.stringify({
        amount: 1250,
        currency: 'EUR',
        hosted_payment: { return_url: 'http://127.0.0.1:9/return', cancel_url: 'http://127.0.0.1:9/cancel' },
        notification_url: 'http://127.0.0.1:9/notify',
        metadata: { quittance_payment_id: 'pay_verifycli', order_ref: 'VERIFY-1' },
      }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const payment = (await created.json()) as { id: string; hosted_payment: { payment_url: string } };
    await payAsCustomer({
      checkout: { method: 'GET', url: payment.hosted_payment.payment_url },
      scenario: 'paid',
      followReturn: false,
    });
    const fetched = await fetch(`${simulator.apiBase}/v1/payments/${payment.id}`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    paid = (await fetched.json()) as Record<string, unknown>;
    assert.equal(paid.is_paid, true);
  });
  after(() => simulator.close());

  const verify = (body: unknown, key = KEY) =>
    runCli(['verify', 'payplug', '--secret', key, '--api-base', simulator.apiBase], JSON.stringify(body));

  it('confirms a genuine notification with what PayPlug says, and exits 0', async () => {
    const r = await verify(paid);
    assert.equal(r.status, 0, r.stdout);
    const out = JSON.parse(r.stdout);
    assert.equal(out.valid, true);
    assert.equal(out.checkedBy, 'fetch-back');
    assert.equal(out.signals[0].status, 'captured');
    assert.ok(!r.stdout.includes(KEY), 'the key is never printed');
  });

  it('refuses a body naming a payment PayPlug does not have, and one whose claim PayPlug contradicts', async () => {
    const unknown = await verify({ ...paid, id: 'pay_doesnotexist000' });
    assert.equal(unknown.status, 1);
    assert.equal(JSON.parse(unknown.stdout).code, 'UNKNOWN_AT_GATEWAY');
    const contradicted = await verify({
      ...paid,
      is_paid: false,
      failure: { code: 'card_declined', message: 'x' },
    });
    assert.equal(contradicted.status, 1);
    assert.equal(JSON.parse(contradicted.stdout).code, 'NOTIFICATION_MISMATCH');
  });

  it('says PayPlug refused the key, without printing it', async () => {
    const r = await verify(paid, 'sk_test_notthekey000000');
    assert.equal(r.status, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out.valid, false);
    assert.ok(!r.stdout.includes('sk_test_notthekey000000'));
  });
});
