import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { type TestEngine, testEngine } from '../testkit.js';
import { ALERT_EVENT_TYPE, alertWebhookTask } from './deliver-webhook.js';
import { ALERT_WEBHOOK_TASK, raiseAlert } from './raise.js';
import { jobOf, runTask, withCapturedLogs } from './testkit.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

interface Hit {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A local receiver answering `status` to every POST, recording what came. */
async function receiver(status: number) {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status, { 'content-type': 'text/plain' }).end('thanks');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts?token=abc`;
  return { url, hits, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let t: TestEngine | undefined;
let hook: Awaited<ReturnType<typeof receiver>> | undefined;
afterEach(async () => {
  await t?.close();
  await hook?.close();
  t = undefined;
  hook = undefined;
});

async function setUp(status: number) {
  hook = await receiver(status);
  t = await testEngine({
    start: new Date(),
    config: { alerts: { webhook: { url: hook.url, secret: SECRET } } },
  });
  const captured = withCapturedLogs({ ...t.engine, fetch: globalThis.fetch });
  const { alert } = await raiseAlert(captured.engine, captured.engine.store.db, {
    kind: 'endpoint-disabled',
    accountId: 'acc1',
    subject: 'https://shop.example/hook',
    message: 'webhook endpoint of account acc1 disabled',
  });
  return { ...captured, alert };
}

describe('alert-webhook', () => {
  it('POSTs the alert signed per Standard Webhooks: the standardwebhooks package verifies it', async () => {
    const { engine, alert } = await setUp(204);
    await runTask(alertWebhookTask(engine), await jobOf(engine, ALERT_WEBHOOK_TASK));
    assert.equal(hook?.hits.length, 1);
    const hit = hook?.hits[0];
    assert.ok(hit);
    assert.equal(hit.headers['webhook-id'], alert.id);
    assert.equal(hit.headers['content-type'], 'application/json');
    const verified = new Webhook(SECRET).verify(hit.body, {
      'webhook-id': String(hit.headers['webhook-id']),
      'webhook-timestamp': String(hit.headers['webhook-timestamp']),
      'webhook-signature': String(hit.headers['webhook-signature']),
    }) as { type: string; data: Record<string, unknown> };
    assert.equal(verified.type, ALERT_EVENT_TYPE);
    assert.equal(verified.data.id, alert.id);
    assert.equal(verified.data.kind, 'endpoint-disabled');
    assert.equal(verified.data.cause, 'endpoint-disabled:acc1:https://shop.example/hook');
    assert.equal(verified.data.severity, 'critical');
    assert.equal(verified.data.count, 1);

    // Signed with another secret, the same bytes do not verify.
    assert.throws(() =>
      new Webhook('whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXk=').verify(hit.body, {
        'webhook-id': String(hit.headers['webhook-id']),
        'webhook-timestamp': String(hit.headers['webhook-timestamp']),
        'webhook-signature': String(hit.headers['webhook-signature']),
      }),
    );
  });

  it('a non-2xx answer fails the attempt; the URL query and the secret are not logged', async () => {
    const { engine, lines } = await setUp(500);
    const job = await jobOf(engine, ALERT_WEBHOOK_TASK);
    await assert.rejects(runTask(alertWebhookTask(engine), job), /attempt 1\/12: HTTP 500/);
    assert.equal(hook?.hits.length, 1);
    const logs = lines.join('');
    assert.match(logs, /alert delivery failed; retrying/);
    assert.ok(!logs.includes('token=abc'), 'query values hidden');
    assert.ok(!logs.includes(SECRET.slice(6)));
  });

  it('the last attempt failing is logged as an error', async () => {
    const { engine, lines } = await setUp(503);
    const job = await jobOf(engine, ALERT_WEBHOOK_TASK, 12);
    await assert.rejects(runTask(alertWebhookTask(engine), job), /attempt 12\/12/);
    assert.match(lines.join(''), /alert not delivered: out of attempts/);
  });
});
