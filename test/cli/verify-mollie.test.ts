import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type MollieSimulator,
  payAsCustomer,
  startMollieSimulator,
} from '../../src/simulator/mollie/index.js';
import { runCliAsync } from './run-cli.js';

const KEY = 'test_verifycli0123456789abcdefghij';
const OTHER_KEY = 'test_someoneelse0123456789abcdefgh';

describe('quittance verify mollie: the webhook is an id only, so verify asks Mollie', () => {
  let simulator: MollieSimulator;
  let paidId: string;
  let otherId: string;
  before(async () => {
    simulator = await startMollieSimulator({ apiKeys: [KEY, OTHER_KEY], retries: false });
    const create = async (key: string) => {
      const res = await fetch(`${simulator.apiBase}/v2/payments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          amount: { currency: 'EUR', value: '12.50' },
          description: 'Verify',
          redirectUrl: 'http://127.0.0.1:9/return',
          metadata: { quittance_payment_id: 'pay_verifycli' },
        }),
      });
      assert.equal(res.status, 201, await res.clone().text());
      return (await res.json()) as { id: string; _links: { checkout: { href: string } } };
    };
    const payment = await create(KEY);
    await payAsCustomer({
      checkout: { method: 'GET', url: payment._links.checkout.href },
      scenario: 'paid',
      followReturn: false,
    });
    paidId = payment.id;
    otherId = (await create(OTHER_KEY)).id;
  });
  after(() => simulator.close());

  const verify = (body: string, key = KEY) =>
    runCliAsync(['verify', 'mollie', '--secret', key, '--api-base', simulator.apiBase], body);

  it('confirms a genuine webhook with what Mollie says, and exits 0', async () => {
    const r = await verify(`id=${paidId}`);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.valid, true);
    assert.equal(out.checkedBy, 'fetch-back');
    assert.equal(out.signals[0].status, 'captured');
    assert.equal(out.signals[0].lookup.paymentId, 'pay_verifycli');
    assert.ok(!r.stdout.includes(KEY), 'the key is never printed');
  });

  it('refuses an id Mollie does not know, and another merchant’s payment, as UNKNOWN_AT_GATEWAY', async () => {
    for (const id of ['tr_doesnotexist0', otherId]) {
      const r = await verify(`id=${id}`);
      assert.equal(r.status, 1, r.stdout);
      assert.equal(JSON.parse(r.stdout).code, 'UNKNOWN_AT_GATEWAY');
    }
  });

  it('refuses a malformed body without asking Mollie, and a key that is not a Mollie key as a usage error', async () => {
    const r = await verify('id=re_4qqhO89gsT');
    assert.equal(r.status, 1);
    assert.equal(JSON.parse(r.stdout).code, 'INVALID_FIELD');
    const bad = await verify(`id=${paidId}`, 'sk_test_notmollie');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /Mollie API key/);
  });

  it('says Mollie refused the key, without printing it', async () => {
    const r = await verify(`id=${paidId}`, 'test_notthekey000000000000000000000');
    assert.equal(r.status, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out.code, 'UNAUTHORIZED');
    assert.ok(!r.stdout.includes('test_notthekey000000000000000000000'));
  });
});
