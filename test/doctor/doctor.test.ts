import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runDoctor } from '../../src/doctor/index.js';
import { DOCTOR_CLASSES, type DoctorReport } from '../../src/doctor/types.js';
import type { GatewayAccount } from '../../src/gateways/gateway.js';
import type { LyraCredentials } from '../../src/gateways/lyra/credentials.js';
import {
  ALGORITHM,
  inboxAt,
  type Quittance,
  SITE_ID,
  startGatewayQuittance,
  startQuittance,
  TEST_KEY,
} from '../e2e/harness.js';
import { type Endpoints, startBrokenEndpoints } from './broken-endpoints.js';

describe('quittance doctor against deliberately broken endpoints', () => {
  let harness: Endpoints;
  before(async () => {
    harness = await startBrokenEndpoints();
  });
  after(async () => {
    await harness.close();
  });

  it('diagnoses every endpoint with its class and explains it with the key advice', async () => {
    const covered = new Set<string>();
    for (const endpoint of harness.endpoints) {
      const report = await runDoctor({
        url: endpoint.url,
        gateway: endpoint.gateway,
        timeoutMs: endpoint.timeoutMs ?? 5_000,
        extraCa: endpoint.extraCa,
      });
      const where = `${endpoint.name}: ${JSON.stringify(report, null, 2)}`;
      assert.equal(report.class, endpoint.expect, where);
      assert.equal(report.ok, endpoint.expect === 'ok', where);
      if (endpoint.status !== undefined) assert.equal(report.status, endpoint.status, where);
      for (const mention of endpoint.mentions) assert.match(report.explanation, mention, where);
      assertShape(report);
      covered.add(report.class);
    }
    // Every failure class named by the issue has an endpoint (exactly the list, less "ok" counted once above).
    assert.deepEqual([...covered].sort(), [...DOCTOR_CLASSES].sort());
  });

  it('reports the Location of a redirect and never follows it', async () => {
    const endpoint = harness.endpoints.find((e) => e.name === '302 to www');
    assert.ok(endpoint);
    const report = await runDoctor({ url: endpoint.url, timeoutMs: 5_000 });
    assert.equal(report.location, 'http://www.shop.example/moved-to-www');
    assert.deepEqual(
      report.steps.map((s) => s.name),
      ['dns', 'tcp', 'http', 'answer'],
    );
  });

  it('reports the certificate facts of a good chain: protocol, days left, no warning', async () => {
    const endpoint = harness.endpoints.find((e) => e.name === 'complete chain');
    assert.ok(endpoint);
    const report = await runDoctor({ url: endpoint.url, timeoutMs: 5_000, extraCa: endpoint.extraCa });
    const tls = report.steps.find((s) => s.name === 'tls');
    assert.ok(tls?.ok);
    assert.match(String(tls.data?.protocol), /^TLSv1\.[23]$/);
    assert.ok(Number(tls.data?.daysLeft) > 14);
    assert.deepEqual(tls.data?.warnings, []);
  });

  it('warns when the certificate expires within 14 days, without failing the URL', async () => {
    const endpoint = harness.endpoints.find((e) => e.name === 'complete chain');
    assert.ok(endpoint);
    // The leaf is valid for 90 days: seen from 85 days ahead, it has about 5 left.
    const report = await runDoctor({
      url: endpoint.url,
      timeoutMs: 5_000,
      extraCa: endpoint.extraCa,
      now: new Date(Date.now() + 85 * 86_400_000),
    });
    assert.equal(report.class, 'ok');
    assert.match(report.explanation, /Warning: the certificate expires in \d day/);
  });

  it('without the test CA, the complete chain is untrusted: only the default CA list counts', async () => {
    const endpoint = harness.endpoints.find((e) => e.name === 'complete chain');
    assert.ok(endpoint);
    const report = await runDoctor({ url: endpoint.url, timeoutMs: 5_000 });
    assert.equal(report.class, 'tls');
    assert.equal(report.ok, false);
  });

  it('uses the gateway timeout unless told, and says so', async () => {
    const endpoint = harness.endpoints.find((e) => e.name === 'oversize answer (lyra)');
    assert.ok(endpoint);
    const lyra = await runDoctor({ url: endpoint.url, gateway: 'lyra' });
    assert.equal(lyra.timeoutMs, 35_000);
    assert.equal(lyra.gateway, 'lyra');
    const none = await runDoctor({ url: endpoint.url });
    assert.equal(none.timeoutMs, 30_000);
    assert.equal(none.gateway, null);
    // Without Lyra's 512-character rule, the same answer is judged by quittance's own advice (1024).
    assert.equal(none.class, 'ok');
  });

  it('refuses bad usage with VALIDATION_FAILED', async () => {
    await assert.rejects(runDoctor({ url: 'not a url' }), { code: 'VALIDATION_FAILED' });
    await assert.rejects(runDoctor({ url: 'ftp://example.com/x' }), { code: 'VALIDATION_FAILED' });
    await assert.rejects(runDoctor({ url: 'https://example.com/x', gateway: 'nope' }), {
      code: 'VALIDATION_FAILED',
    });
    await assert.rejects(runDoctor({ url: 'https://example.com/x', timeoutMs: 0 }), {
      code: 'VALIDATION_FAILED',
    });
  });

  it('uses an injected lookup', async () => {
    const endpoint = harness.endpoints.find((e) => e.name === '404');
    assert.ok(endpoint);
    const port = new URL(endpoint.url).port;
    const report = await runDoctor({
      url: `http://shop.test:${port}/renamed`,
      timeoutMs: 5_000,
      lookup: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    assert.equal(report.class, 'not-found');
    assert.match(report.steps[0]?.detail ?? '', /shop\.test resolves to 127\.0\.0\.1/);
  });
});

describe('quittance doctor against quittance itself', () => {
  let q: Quittance;
  before(async () => {
    q = await startQuittance();
  });
  after(async () => {
    await q.close();
  });

  const account: GatewayAccount<LyraCredentials> = {
    id: 'shop',
    gateway: 'lyra',
    mode: 'test',
    credentials: { siteId: SITE_ID, key: TEST_KEY, algorithm: ALGORITHM, brand: 'lyra' },
  };

  it('with the account: ok, and the signed probe is stored as unmatched, touching no payment', async () => {
    const report = await runDoctor({ url: `${q.url}/notify/shop`, gateway: 'lyra', account });
    assert.equal(report.class, 'ok', report.explanation);
    assert.equal(report.ok, true);
    assert.equal(report.status, 200);
    const entries = await inboxAt(q, '/notify/shop');
    const probe = entries.at(-1);
    assert.ok(probe);
    assert.equal(probe.verdict, 'unmatched');
    assert.match(report.explanation, /unmatched/);
    const http = report.steps.find((s) => s.name === 'http');
    assert.equal(http?.data?.signed, true);
    assert.match(String(http?.data?.orderRef), /^doctor-probe-\d+$/);
  });

  it('without an account: the unsigned probe is refused by quittance (401), which means the URL works', async () => {
    const report = await runDoctor({ url: `${q.url}/notify/shop`, gateway: 'lyra' });
    assert.equal(report.status, 401);
    assert.equal(report.class, 'ok');
    assert.equal(report.ok, true);
    assert.match(report.explanation, /reaches quittance/);
    assert.match(report.explanation, /SIGNATURE_MISSING/);
  });

  it('a wrong account id in /notify/:accountId is not-found, named as such', async () => {
    const report = await runDoctor({ url: `${q.url}/notify/shopp`, gateway: 'lyra' });
    assert.equal(report.class, 'not-found');
    assert.match(report.explanation, /no account "shopp"/);
  });

  it("a path quittance does not serve is not-found, from quittance's JSON error", async () => {
    const report = await runDoctor({ url: `${q.url}/notfy/shop`, gateway: 'lyra' });
    assert.equal(report.class, 'not-found');
    assert.match(report.explanation, /\/notify\/<account id>/);
  });

  it('an account of another gateway than --gateway is bad usage', async () => {
    await assert.rejects(runDoctor({ url: `${q.url}/notify/shop`, gateway: 'sips', account }), {
      code: 'VALIDATION_FAILED',
    });
  });
});

describe('quittance doctor signs header-signed probes as the gateway would', () => {
  const accounts = [
    {
      id: 'shop-stripe',
      gateway: 'stripe',
      credentials: { secretKey: 'sk_test_doctor0123456789', webhookSecret: 'whsec_doctor_probe_secret_0123' },
    },
    {
      id: 'shop-sw',
      gateway: 'standard-webhooks',
      credentials: {
        secret: 'whsec_ZG9jdG9yLXByb2JlLXNlY3JldC0wMTIzNDU2Nzg5',
        checkoutUrl: 'https://pay.example/checkout',
      },
    },
  ] as const;

  for (const input of accounts) {
    it(`${input.gateway}: the signed probe (headers included) is verified and stored as unmatched`, async (t) => {
      const q = await startGatewayQuittance(t, {
        account: input,
        worker: false,
        simulator: { close: async () => {} },
      });
      const account = q.engine.config.accounts.get(input.id);
      assert.ok(account);
      const url = `${q.url}/notify/${input.id}`;
      const report = await runDoctor({ url, gateway: input.gateway, account });
      assert.equal(report.class, 'ok', report.explanation);
      assert.equal(report.status, 200);
      const entries = await inboxAt(q, `/notify/${input.id}`);
      assert.equal(entries.at(-1)?.verdict, 'unmatched', JSON.stringify(entries.at(-1)));

      // Unsigned, the same probe reaches quittance and is refused: the URL works, the account is needed to sign.
      const unsigned = await runDoctor({ url, gateway: input.gateway });
      assert.equal(unsigned.status, 401);
      assert.equal(unsigned.class, 'ok');
      assert.match(unsigned.explanation, /SIGNATURE_MISSING/);
    });
  }
});

function assertShape(report: DoctorReport): void {
  assert.ok(DOCTOR_CLASSES.includes(report.class));
  assert.ok(report.explanation.length > 40, 'an explanation in words');
  assert.ok(report.steps.length >= 1);
  for (const step of report.steps) {
    assert.equal(typeof step.name, 'string');
    assert.equal(typeof step.ok, 'boolean');
    assert.equal(typeof step.durationMs, 'number');
    assert.ok(step.detail.length > 0);
  }
  // The failing step, if any, is the last one reached before the diagnosis (answer problems excepted).
  assert.equal(typeof report.timeoutMs, 'number');
}
