import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import {
  type DeliveryRig,
  deliveryJobs,
  newEvent,
  settledJobs,
  startDeliveryRig,
  startWebhookShop,
  status,
  type WebhookShop,
} from '../../test/e2e/webhook-shop.js';
import { listDeliveries } from '../store/repos/deliveries.js';
import { getEndpoint } from '../store/repos/endpoints.js';
import { enableEndpoint, endpointStatuses, type ReplayProgress, replayEvents } from './replay.js';

describe('replay and re-enabling', () => {
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
  const window = () => ({ since: new Date(Date.now() - 60_000), until: new Date(Date.now() + 60_000) });

  it('resends one event as a fresh job with the same webhook-id, freshly signed', async () => {
    const r = await start();
    const event = await newEvent(r.engine);
    await settledJobs(r.engine, event.id);
    const result = await replayEvents(r.engine, { eventId: event.id });
    assert.deepEqual(result, {
      matched: 1,
      enqueued: 1,
      skippedNoWebhook: 0,
      skippedDisabled: 0,
      disabledAccounts: [],
    });
    const jobs = await settledJobs(r.engine, event.id, 2);
    assert.deepEqual(
      jobs.map((j) => j.state),
      ['done', 'done'],
    );
    assert.match(jobs[1]?.uniqueKey ?? '', new RegExp(`^deliver-webhook:${event.id}:replay:job_`));
    assert.equal(jobs[1]?.maxAttempts, 3);
    const [first, second] = shop.requests;
    assert.equal(first?.headers['webhook-id'], event.id);
    assert.equal(second?.headers['webhook-id'], event.id, 'the replay carries the same webhook-id');
    assert.equal(second?.body, first?.body);
    assert.ok(second && new Webhook(r.secret).verify(second.body, second.headers));

    await replayEvents(r.engine, { eventId: event.id });
    await settledJobs(r.engine, event.id, 3);
    assert.equal(shop.requests.length, 3, 'a second replay is not deduplicated away either');
  });

  it('refuses an unknown event, a backwards window and an unknown account', async () => {
    const r = await start();
    await assert.rejects(replayEvents(r.engine, { eventId: 'evt_nope' }), { code: 'NOT_FOUND' });
    const now = new Date();
    await assert.rejects(replayEvents(r.engine, { since: now, until: now }), { code: 'VALIDATION_FAILED' });
    await assert.rejects(replayEvents(r.engine, { since: new Date('x'), until: now }), {
      code: 'VALIDATION_FAILED',
    });
    await assert.rejects(replayEvents(r.engine, { ...window(), account: 'nope' }), {
      code: 'UNKNOWN_ACCOUNT',
    });
    await assert.rejects(enableEndpoint(r.engine, 'nope'), { code: 'UNKNOWN_ACCOUNT' });
  });

  it('selects events by time window and account, skipping accounts without a webhook', async () => {
    const r = await start();
    const a = await newEvent(r.engine);
    const b = await newEvent(r.engine);
    await newEvent(r.engine, 'quiet');
    await settledJobs(r.engine, a.id);
    await settledJobs(r.engine, b.id);
    const progress: ReplayProgress[] = [];
    const all = await replayEvents(r.engine, window(), (p) => progress.push(p));
    assert.equal(all.matched, 3);
    assert.equal(all.enqueued, 2);
    assert.equal(all.skippedNoWebhook, 1);
    assert.deepEqual(progress.at(-1), { done: 3, total: 3 });
    await settledJobs(r.engine, a.id, 2);
    await settledJobs(r.engine, b.id, 2);

    const onlyShop = await replayEvents(r.engine, { ...window(), account: 'shop' });
    assert.equal(onlyShop.matched, 2);
    const before = await replayEvents(r.engine, {
      since: new Date(a.createdAt.getTime() - 60_000),
      until: a.createdAt,
    });
    assert.equal(before.matched, 0, 'until is exclusive');
    await settledJobs(r.engine, a.id, 3);
    await settledJobs(r.engine, b.id, 3);
  });

  it('after sustained failure: skipped while disabled; enable + replay --since/--until re-delivers', async () => {
    const r = await start({ disableAfter: '1ms', schedule: '10ms', maxAttempts: 10 });
    shop.answer(status(503, 'maintenance'));
    const first = await newEvent(r.engine);
    const [firstJob] = await settledJobs(r.engine, first.id);
    assert.equal(firstJob?.state, 'dead');
    const second = await newEvent(r.engine);
    const [secondJob] = await settledJobs(r.engine, second.id);
    assert.match(secondJob?.lastError ?? '', /disabled since/);
    assert.equal((await endpointStatuses(r.engine))[0]?.disabledAt !== null, true);

    const whileDisabled = await replayEvents(r.engine, window());
    assert.equal(whileDisabled.enqueued, 0);
    assert.equal(whileDisabled.skippedDisabled, 2);
    assert.deepEqual(whileDisabled.disabledAccounts, ['shop']);

    shop.answer(status(200, 'back'));
    const enabled = await enableEndpoint(r.engine, 'shop');
    assert.equal(enabled.wasDisabled, true);
    assert.equal(enabled.endpoint?.disabledAt, null);
    assert.equal(enabled.endpoint?.consecutiveFailures, 0);
    assert.equal((await enableEndpoint(r.engine, 'shop')).wasDisabled, false);
    const sentBefore = shop.requests.length;

    const replayed = await replayEvents(r.engine, { ...window(), account: 'shop' });
    assert.equal(replayed.enqueued, 2);
    for (const event of [first, second]) {
      const jobs = await settledJobs(r.engine, event.id, 2);
      assert.equal(jobs.at(-1)?.state, 'done');
    }
    const resent = shop.requests.slice(sentBefore);
    assert.deepEqual(resent.map((q) => q.headers['webhook-id']).sort(), [first.id, second.id].sort());
    for (const event of [first, second]) {
      const ids = new Set(
        shop.requests
          .filter(
            (q) => (JSON.parse(q.body) as { data: { paymentId: string } }).data.paymentId === event.paymentId,
          )
          .map((q) => q.headers['webhook-id']),
      );
      assert.deepEqual([...ids], [event.id], 'one event, one webhook-id, however many attempts and replays');
    }
    assert.equal((await listDeliveries(r.engine.store.db, { eventId: second.id, ok: true })).length, 1);
    assert.equal((await getEndpoint(r.engine.store.db, 'shop'))?.lastSuccessAt !== null, true);
    assert.equal((await deliveryJobs(r.engine, second.id)).length, 2);
  });

  it('lists endpoints with their health', async () => {
    const r = await start();
    const before = await endpointStatuses(r.engine);
    assert.deepEqual(before, [
      {
        account: 'shop',
        url: `${shop.base}/hooks?token=…`,
        consecutiveFailures: 0,
        failingSince: null,
        lastSuccessAt: null,
        disabledAt: null,
        disabledReason: null,
      },
    ]);
    const event = await newEvent(r.engine);
    await settledJobs(r.engine, event.id);
    const [after] = await endpointStatuses(r.engine);
    assert.ok(after?.lastSuccessAt);
  });
});
