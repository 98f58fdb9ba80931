import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import {
  type DeliveryRig,
  inTurn,
  newEvent,
  type ShopAnswer,
  settledJobs,
  startDeliveryRig,
  startWebhookShop,
  status,
  type WebhookShop,
} from '../../test/e2e/webhook-shop.js';
import { enqueue } from '../jobs/queue.js';
import { createStore } from '../store/db.js';
import { migrate } from '../store/migrations/index.js';
import { listAlerts } from '../store/repos/alerts.js';
import { listDeliveries } from '../store/repos/deliveries.js';
import {
  disableEndpoint,
  enableEndpoint,
  ensureEndpoint,
  getEndpoint,
  recordEndpointFailure,
  recordEndpointSuccess,
} from '../store/repos/endpoints.js';
import { displayUrl, parseRetryAfter, truncateUtf8 } from './deliver.js';
import { getPaymentView } from './payments.js';

describe('deliver-webhook', () => {
  let shop: WebhookShop;
  let rig: DeliveryRig | undefined;
  before(async () => {
    shop = await startWebhookShop();
  });
  after(() => shop.close());
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
    shop.requests.length = 0;
    shop.answer(status(204));
  });
  const start = async (settings: Parameters<typeof startDeliveryRig>[1] = {}) => {
    rig = await startDeliveryRig(shop, settings);
    return rig;
  };
  const hooks = () => shop.requests.filter((r) => r.path.startsWith('/hooks'));

  /** No stored row, job error or alert contains the webhook secret or the URL's token. */
  async function assertNoSecretStored(r: DeliveryRig) {
    const db = r.engine.store.db;
    const rows = [
      ...(await db.selectFrom('deliveries').selectAll().execute()),
      ...(await db.selectFrom('endpoints').selectAll().execute()),
      ...(await db.selectFrom('alerts').selectAll().execute()),
      ...(await db.selectFrom('jobs').selectAll().execute()),
    ];
    const text = JSON.stringify(rows);
    assert.ok(!text.includes(r.secret.slice('whsec_'.length)), 'the secret is stored somewhere');
    assert.ok(!text.includes('shop-url-token-SECRET'), "the URL's query token is stored somewhere");
  }

  it('POSTs the event signed per Standard Webhooks: the package verifies it', async () => {
    const r = await start();
    const event = await newEvent(r.engine);
    const [job] = await settledJobs(r.engine, event.id);
    assert.equal(job?.state, 'done');
    assert.equal(job?.maxAttempts, 3, 'enqueued with delivery.maxAttempts');

    const [request, ...more] = hooks();
    assert.ok(request, 'the shop received the event');
    assert.equal(more.length, 0);
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/hooks?token=shop-url-token-SECRET');
    assert.equal(request.headers['webhook-id'], event.id);
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['user-agent'], 'quittance');
    assert.match(request.headers['webhook-timestamp'] ?? '', /^\d{10}$/);
    const verified = new Webhook(r.secret).verify(request.body, request.headers);
    assert.deepEqual(verified, {
      type: 'payment.failed',
      timestamp: event.createdAt.toISOString(),
      data: JSON.parse(JSON.stringify(event.payload)),
    });
    assert.throws(() => new Webhook(r.secret).verify(`${request.body} `, request.headers));

    const [delivery] = await listDeliveries(r.engine.store.db, { eventId: event.id });
    assert.equal(delivery?.ok, true);
    assert.equal(delivery?.statusCode, 204);
    assert.equal(delivery?.attempt, 1);
    assert.equal(delivery?.error, null);
    assert.equal(delivery?.url, `${shop.base}/hooks?token=…`);
    assert.ok((delivery?.latencyMs ?? -1) >= 0);
    const endpoint = await getEndpoint(r.engine.store.db, 'shop');
    assert.equal(endpoint?.consecutiveFailures, 0);
    assert.ok(endpoint?.lastSuccessAt);
    await assertNoSecretStored(r);
  });

  it('500 then 200: two attempts recorded, the same webhook-id, delivered once', async () => {
    const r = await start();
    shop.answer(inTurn(status(500, 'database down'), status(200, 'thanks')));
    const event = await newEvent(r.engine);
    const [job] = await settledJobs(r.engine, event.id);
    assert.equal(job?.state, 'done');
    assert.equal(job?.attempts, 2);
    assert.deepEqual(
      hooks().map((h) => h.headers['webhook-id']),
      [event.id, event.id],
    );
    const [first, second] = hooks();
    assert.equal(first?.body, second?.body, 'the same bytes on every attempt');
    const deliveries = await listDeliveries(r.engine.store.db, { eventId: event.id });
    assert.deepEqual(
      deliveries.map((d) => [d.attempt, d.statusCode, d.ok, d.responseExcerpt]),
      [
        [1, 500, false, 'database down'],
        [2, 200, true, 'thanks'],
      ],
    );
    assert.match(deliveries[0]?.error ?? '', /^HTTP 500/);
    const endpoint = await getEndpoint(r.engine.store.db, 'shop');
    assert.equal(endpoint?.consecutiveFailures, 0, 'a success resets the failure streak');
    assert.equal(endpoint?.failingSince, null);
    assert.deepEqual(await listAlerts(r.engine.store.db), []);
    const view = await getPaymentView(r.engine, event.paymentId);
    assert.deepEqual(
      view?.events.find((e) => e.id === event.id)?.deliveries.map((d) => [d.attempt, d.statusCode, d.ok]),
      [
        [1, 500, false],
        [2, 200, true],
      ],
      'the API shows every attempt',
    );
  });

  it('302 is a failure and is not followed; the last attempt raises delivery-failed', async () => {
    const r = await start({ maxAttempts: 2 });
    shop.answer(status(302, 'moved', { location: '/elsewhere?key=abc' }));
    const event = await newEvent(r.engine);
    const [job] = await settledJobs(r.engine, event.id);
    assert.equal(job?.state, 'dead');
    assert.equal(job?.attempts, 2);
    assert.match(job?.lastError ?? '', /attempt 2\/2: HTTP 302.*not followed/);
    assert.ok(
      shop.requests.every((req) => req.path.startsWith('/hooks')),
      'the redirect target was never requested',
    );
    const deliveries = await listDeliveries(r.engine.store.db, { eventId: event.id });
    assert.deepEqual(
      deliveries.map((d) => [d.statusCode, d.ok]),
      [
        [302, false],
        [302, false],
      ],
    );
    assert.match(
      deliveries[0]?.error ?? '',
      /redirect to http:\/\/127\.0\.0\.1:\d+\/elsewhere\?key=… not followed/,
    );
    const alerts = await listAlerts(r.engine.store.db, { kind: 'delivery-failed' });
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]?.paymentId, event.paymentId);
    assert.match(alerts[0]?.message ?? '', new RegExp(`event ${event.id} \\(payment.failed`));
    assert.match(alerts[0]?.message ?? '', new RegExp(`quittance replay ${event.id}`));
    await assertNoSecretStored(r);
  });

  it('an answer slower than the timeout is a failure recorded as a timeout', async () => {
    const r = await start({ timeout: '150ms', maxAttempts: 1 });
    const pending: Array<() => void> = [];
    shop.answer(
      (_req, res) =>
        new Promise<void>((resolve) => {
          pending.push(() => {
            res.destroy();
            resolve();
          });
        }),
    );
    const event = await newEvent(r.engine);
    const [job] = await settledJobs(r.engine, event.id);
    for (const release of pending) release();
    assert.equal(job?.state, 'dead');
    const [delivery] = await listDeliveries(r.engine.store.db, { eventId: event.id });
    assert.equal(delivery?.statusCode, null);
    assert.equal(delivery?.ok, false);
    assert.match(delivery?.error ?? '', /^timeout: no answer within 150 ms/);
    assert.equal(delivery?.responseExcerpt, null);
  });

  it('a connection refused is a failure with its reason', async () => {
    const closed = await startWebhookShop();
    await closed.close();
    const r = await startDeliveryRig(closed, { maxAttempts: 1 });
    rig = r;
    const event = await newEvent(r.engine);
    await settledJobs(r.engine, event.id);
    const [delivery] = await listDeliveries(r.engine.store.db, { eventId: event.id });
    assert.equal(delivery?.statusCode, null);
    assert.match(delivery?.error ?? '', /connection refused \(ECONNREFUSED\)/);
  });

  it('a huge, endless or garbage answer: at most 1 KB read and kept', async () => {
    const r = await start();
    const endless: ShopAnswer = (_req, res) =>
      new Promise<void>((resolve) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = randomBytes(64 * 1024);
        const write = () => {
          while (!res.destroyed && res.write(chunk)) {}
          if (res.destroyed) resolve();
          else res.once('drain', write);
        };
        res.once('close', resolve);
        write();
      });
    shop.answer(endless);
    const event = await newEvent(r.engine);
    const [job] = await settledJobs(r.engine, event.id);
    assert.equal(job?.state, 'done', 'an endless 200 is still a 200, and does not hang the attempt');
    const [delivery] = await listDeliveries(r.engine.store.db, { eventId: event.id });
    assert.equal(delivery?.statusCode, 200);
    assert.equal(delivery?.ok, true);
    const excerpt = delivery?.responseExcerpt ?? '';
    assert.ok(excerpt.length > 0);
    assert.ok(Buffer.byteLength(excerpt) <= 1024, `kept ${Buffer.byteLength(excerpt)} bytes`);
    assert.ok(!excerpt.includes('\u0000'));

    shop.answer(status(500, 'é'.repeat(5000)));
    const second = await newEvent(r.engine);
    await settledJobs(r.engine, second.id);
    const [firstFailure] = await listDeliveries(r.engine.store.db, { eventId: second.id });
    assert.equal(firstFailure?.responseExcerpt, 'é'.repeat(512), 'cut at a character boundary');
  });

  it('410 Gone disables the endpoint at once with an alert; later events die without a request', async () => {
    const r = await start({ maxAttempts: 5 });
    shop.answer(status(410, 'gone'));
    const event = await newEvent(r.engine);
    const [job] = await settledJobs(r.engine, event.id);
    assert.equal(job?.state, 'dead');
    assert.equal(job?.attempts, 1, 'no retry after 410');
    assert.match(job?.lastError ?? '', /PermanentJobError: .*HTTP 410.*now disabled/);
    const endpoint = await getEndpoint(r.engine.store.db, 'shop');
    assert.ok(endpoint?.disabledAt);
    assert.equal(endpoint?.disabledReason, 'the shop answered 410 Gone');
    const alerts = await listAlerts(r.engine.store.db, { kind: 'endpoint-disabled' });
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]?.accountId, 'shop');
    assert.match(alerts[0]?.message ?? '', /quittance endpoints enable shop/);
    assert.deepEqual(await listAlerts(r.engine.store.db, { kind: 'delivery-failed' }), []);

    const before = hooks().length;
    const later = await newEvent(r.engine);
    const [laterJob] = await settledJobs(r.engine, later.id);
    assert.equal(laterJob?.state, 'dead');
    assert.equal(laterJob?.attempts, 1);
    assert.match(laterJob?.lastError ?? '', /endpoint of account shop is disabled since .*re-enable it/);
    assert.equal(hooks().length, before, 'nothing was sent to a disabled endpoint');
    assert.deepEqual(await listDeliveries(r.engine.store.db, { eventId: later.id }), []);
    await assertNoSecretStored(r);
  });

  it('sustained failure past disableAfter disables the endpoint with one alert', async () => {
    const r = await start({ maxAttempts: 10, disableAfter: '1ms', schedule: '10ms' });
    shop.answer(status(500, 'still down'));
    const event = await newEvent(r.engine);
    const [job] = await settledJobs(r.engine, event.id);
    assert.equal(job?.state, 'dead');
    assert.ok((job?.attempts ?? 0) >= 2, 'the first failure starts the streak, a later one ends it');
    assert.match(
      job?.lastError ?? '',
      /now disabled \(failing since .* failed attempts in a row, the last: HTTP 500/,
    );
    const endpoint = await getEndpoint(r.engine.store.db, 'shop');
    assert.ok(endpoint?.disabledAt);
    assert.equal(endpoint?.consecutiveFailures, job?.attempts);
    const alerts = await listAlerts(r.engine.store.db, { kind: 'endpoint-disabled' });
    assert.equal(alerts.length, 1);
    assert.match(alerts[0]?.message ?? '', /quittance replay --since \d{4}-\d\d-\d\dT/);

    const later = await newEvent(r.engine);
    const [laterJob] = await settledJobs(r.engine, later.id);
    assert.equal(laterJob?.state, 'dead');
    assert.match(laterJob?.lastError ?? '', /disabled since/);
  });

  it('honours Retry-After on 429: the next attempt is no earlier', async () => {
    const r = await start({ schedule: '10ms' });
    shop.answer(inTurn(status(429, 'slow down', { 'retry-after': '1' }), status(200)));
    const event = await newEvent(r.engine);
    const [job] = await settledJobs(r.engine, event.id);
    assert.equal(job?.state, 'done');
    const [first, second] = hooks();
    assert.ok(first && second);
    assert.ok(
      second.at - first.at >= 1000,
      `retried ${second.at - first.at} ms later, before the shop's Retry-After`,
    );
    const deliveries = await listDeliveries(r.engine.store.db, { eventId: event.id });
    assert.deepEqual(
      deliveries.map((d) => d.statusCode),
      [429, 200],
    );
  });

  it('completes without sending when the account has no webhook URL any more', async () => {
    const r = await start();
    const event = await newEvent(r.engine, 'quiet');
    await enqueue(r.engine.store.db, {
      id: r.engine.ids('job'),
      task: 'deliver-webhook',
      payload: { eventId: event.id },
      runAt: new Date(),
      now: new Date(),
    });
    r.worker.wake();
    const [job] = await settledJobs(r.engine, event.id);
    assert.equal(job?.state, 'done');
    assert.equal(hooks().length, 0);
  });
});

describe('delivery helpers', () => {
  it('parses Retry-After as seconds or a date, capped at a day', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('120', now)?.toISOString(), '2026-01-01T00:02:00.000Z');
    assert.equal(
      parseRetryAfter('Thu, 01 Jan 2026 00:05:00 GMT', now)?.toISOString(),
      '2026-01-01T00:05:00.000Z',
    );
    assert.equal(parseRetryAfter('9999999', now)?.toISOString(), '2026-01-02T00:00:00.000Z');
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });

  it('shows URLs without user-info or query values', () => {
    assert.equal(displayUrl('https://u:p@shop.example/h?token=x&a=1'), 'https://shop.example/h?token=…&a=…');
    assert.equal(displayUrl('/x', 'https://shop.example/h'), 'https://shop.example/x');
  });

  it('cuts text at a UTF-8 character boundary', () => {
    assert.equal(truncateUtf8('aé€', 4), 'aé');
    assert.equal(truncateUtf8('abc', 3), 'abc');
  });
});

describe('endpoints repository', () => {
  it('tracks the failing streak, disables, enables, and starts over when the URL changes', async () => {
    const store = createStore('sqlite::memory:');
    try {
      await migrate(store);
      await store.db
        .insertInto('accounts')
        .values({ id: 'a', gateway: 'lyra', mode: 'test', created_at: 0, updated_at: 0 })
        .execute();
      const db = store.db;
      const t = (ms: number) => new Date(1_000_000 + ms);
      await ensureEndpoint(db, { accountId: 'a', url: 'https://s.example/h', now: t(0) });
      assert.deepEqual(await recordEndpointFailure(db, 'a', t(10)), {
        consecutiveFailures: 1,
        failingSince: t(10),
        failingForMs: 0,
      });
      assert.deepEqual(await recordEndpointFailure(db, 'a', t(70)), {
        consecutiveFailures: 2,
        failingSince: t(10),
        failingForMs: 60,
      });
      await recordEndpointSuccess(db, 'a', t(80));
      const healthy = await getEndpoint(db, 'a');
      assert.equal(healthy?.consecutiveFailures, 0);
      assert.equal(healthy?.failingSince, null);
      assert.deepEqual(healthy?.lastSuccessAt, t(80));

      assert.equal(await disableEndpoint(db, 'a', 'gone', t(90)), true);
      assert.equal(await disableEndpoint(db, 'a', 'again', t(95)), false, 'the first reason is kept');
      const same = await ensureEndpoint(db, { accountId: 'a', url: 'https://s.example/h', now: t(100) });
      assert.deepEqual(same.disabledAt, t(90));
      assert.equal(same.disabledReason, 'gone');
      const moved = await ensureEndpoint(db, { accountId: 'a', url: 'https://s.example/new', now: t(110) });
      assert.equal(moved.disabledAt, null, 'a new URL is a new endpoint');
      assert.equal(moved.url, 'https://s.example/new');

      await disableEndpoint(db, 'a', 'gone', t(120));
      assert.equal(await enableEndpoint(db, 'a', t(130)), true);
      assert.equal(await enableEndpoint(db, 'a', t(140)), false);
    } finally {
      await store.close();
    }
  });
});
