import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { register as globalRegistry } from 'prom-client';
import { type JobQueueStat, Metrics, UNKNOWN_ACCOUNT } from './metrics.js';
import { parseExposition, sampleValue } from './testkit.js';

const ACCOUNTS = new Map([
  ['shop', 'lyra'],
  ['other', 'sips'],
]);

async function scrape(metrics: Metrics) {
  return parseExposition((await metrics.scrape()).body);
}

describe('Metrics', () => {
  it('counts verdicts, settlements and deliveries under bounded labels', async () => {
    const metrics = new Metrics({ accounts: ACCOUNTS, processMetrics: false });
    metrics.inboxVerdict({ accountId: 'shop', kind: 'notification', verdict: 'verified', ackSeconds: 0.02 });
    metrics.inboxVerdict({ accountId: 'shop', kind: 'notification', verdict: 'verified', ackSeconds: 12 });
    metrics.inboxVerdict({ accountId: 'shop', kind: 'return', verdict: 'verified', ackSeconds: 99 });
    metrics.inboxVerdict({
      accountId: 'other',
      kind: 'notification',
      verdict: 'rejected',
      ackSeconds: 0.001,
    });
    metrics.settlement('shop', 'return', 'applied');
    metrics.settlement('shop', 'notification', 'duplicate');
    metrics.webhookDelivery('shop', 'ok');
    metrics.webhookDelivery('shop', 'timeout');
    const e = await scrape(metrics);
    const n = 'quittance_notifications_total';
    assert.equal(
      sampleValue(e, n, { account: 'shop', gateway: 'lyra', kind: 'notification', verdict: 'verified' }),
      2,
    );
    assert.equal(sampleValue(e, n, { account: 'shop', kind: 'return', verdict: 'verified' }), 1);
    assert.equal(sampleValue(e, n, { account: 'other', gateway: 'sips', verdict: 'rejected' }), 1);
    // Returns are not gateway acknowledgements: only notifications are timed.
    assert.equal(sampleValue(e, 'quittance_notification_ack_seconds_count', { account: 'shop' }), 2);
    assert.equal(
      sampleValue(e, 'quittance_notification_ack_seconds_bucket', { account: 'shop', le: '10' }),
      1,
    );
    assert.equal(
      sampleValue(e, 'quittance_notification_ack_seconds_bucket', { account: 'shop', le: '35' }),
      2,
    );
    assert.equal(
      sampleValue(e, 'quittance_notification_ack_seconds_bucket', { account: 'other', le: '0.005' }),
      1,
    );
    assert.equal(
      sampleValue(e, 'quittance_settlements_total', {
        account: 'shop',
        source: 'return',
        settlement: 'applied',
      }),
      1,
    );
    assert.equal(
      sampleValue(e, 'quittance_webhook_deliveries_total', { account: 'shop', result: 'timeout' }),
      1,
    );
    assert.equal(e.types.get('quittance_notification_ack_seconds'), 'histogram');
  });

  it('counts every account that is not configured under one "unknown" label, whatever it is called', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ minLength: 0, maxLength: 40 }), { minLength: 1, maxLength: 30 }),
        async (ids) => {
          const metrics = new Metrics({ accounts: ACCOUNTS, processMetrics: false });
          const unknown = ids.filter((id) => !ACCOUNTS.has(id));
          for (const id of ids)
            metrics.inboxVerdict({ accountId: id, kind: 'notification', verdict: 'rejected' });
          metrics.inboxVerdict({ accountId: null, kind: 'notification', verdict: 'rejected' });
          metrics.settlement('no-such-account', 'poll', 'applied');
          metrics.webhookDelivery('no-such-account', 'ok');
          const e = await scrape(metrics);
          const accounts = new Set(e.samples.map((s) => s.labels.account).filter((a) => a !== undefined));
          for (const a of accounts) assert.ok(a === UNKNOWN_ACCOUNT || ACCOUNTS.has(a), `label value ${a}`);
          assert.equal(
            sampleValue(e, 'quittance_notifications_total', {
              account: UNKNOWN_ACCOUNT,
              gateway: UNKNOWN_ACCOUNT,
            }),
            unknown.length + 1,
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it('keeps each engine on a registry of its own, never the global one', async () => {
    const a = new Metrics({ accounts: ACCOUNTS, processMetrics: false });
    const b = new Metrics({ accounts: ACCOUNTS, processMetrics: false });
    a.settlement('shop', 'poll', 'applied');
    assert.equal(sampleValue(await scrape(a), 'quittance_settlements_total', { account: 'shop' }), 1);
    assert.equal(sampleValue(await scrape(b), 'quittance_settlements_total', { account: 'shop' }), 0);
    assert.equal(globalRegistry.getSingleMetric('quittance_settlements_total'), undefined);
  });

  it('reads the job queue once per scrape, and forgets groups that emptied', async () => {
    const now = new Date('2030-01-01T12:00:00Z');
    let calls = 0;
    let rows: JobQueueStat[] = [
      { task: 'deliver-webhook', state: 'ready', count: 3, oldestDueAt: new Date(now.getTime() - 90_000) },
      { task: 'deliver-webhook', state: 'dead', count: 1, oldestDueAt: new Date(now.getTime() - 999_000) },
      { task: 'reconcile', state: 'ready', count: 2, oldestDueAt: null },
      { task: 'reconcile', state: 'done', count: 7, oldestDueAt: null },
    ];
    const metrics = new Metrics({
      accounts: ACCOUNTS,
      processMetrics: false,
      clock: () => now,
      jobQueue: async () => {
        calls++;
        return rows;
      },
    });
    let e = await scrape(metrics);
    assert.equal(calls, 1, 'one query feeds both gauges');
    assert.equal(sampleValue(e, 'quittance_jobs', { task: 'deliver-webhook', state: 'ready' }), 3);
    assert.equal(sampleValue(e, 'quittance_jobs', { task: 'reconcile', state: 'done' }), 7);
    // Only ready jobs wait: a dead job's old run time is not a queue delay.
    assert.equal(sampleValue(e, 'quittance_job_oldest_due_age_seconds', { task: 'deliver-webhook' }), 90);
    assert.equal(sampleValue(e, 'quittance_job_oldest_due_age_seconds', { task: 'reconcile' }), 0);

    rows = [{ task: 'reconcile', state: 'done', count: 9, oldestDueAt: null }];
    e = await scrape(metrics);
    assert.equal(calls, 2);
    assert.ok(
      !e.samples.some((s) => s.labels.task === 'deliver-webhook'),
      'an emptied group leaves no series',
    );
    assert.equal(sampleValue(e, 'quittance_jobs', { task: 'reconcile', state: 'done' }), 9);
  });

  it('exposes process metrics with the quittance_ prefix, in a text that parses', async () => {
    const metrics = new Metrics({ accounts: ACCOUNTS });
    metrics.inboxVerdict({ accountId: 'shop', kind: 'notification', verdict: 'verified', ackSeconds: 0.1 });
    const { contentType, body } = await metrics.scrape();
    assert.match(contentType, /^text\/plain; version=0\.0\.4/);
    const e = parseExposition(body);
    assert.ok(e.types.has('quittance_process_cpu_user_seconds_total'));
    assert.ok(e.types.has('quittance_nodejs_heap_size_used_bytes'));
    assert.ok(![...e.types.keys()].some((name) => !name.startsWith('quittance_')));
  });
});

describe('parseExposition (the checker itself)', () => {
  it('accepts a well-formed text with escapes, +Inf and timestamps', () => {
    const e = parseExposition(
      [
        '# HELP a_total A counter.',
        '# TYPE a_total counter',
        'a_total{x="q\\"uo\\\\te",y="line\\nbreak"} 3 1700000000000',
        '# HELP h A histogram.',
        '# TYPE h histogram',
        'h_bucket{le="+Inf"} 1',
        'h_sum 0.5',
        'h_count 1',
        '',
      ].join('\n'),
    );
    assert.deepEqual(e.samples[0], {
      name: 'a_total',
      labels: { x: 'q"uo\\te', y: 'line\nbreak' },
      value: 3,
    });
    assert.equal(sampleValue(e, 'h_bucket', { le: '+Inf' }), 1);
  });

  it('refuses samples without HELP/TYPE, bad label syntax, bad values and a missing final line feed', () => {
    const head = '# HELP a A.\n# TYPE a gauge\n';
    assert.throws(() => parseExposition('a 1\n'), /no TYPE/);
    assert.throws(() => parseExposition('# TYPE a gauge\na 1\n'), /no HELP/);
    assert.throws(() => parseExposition(`${head}a{x=unquoted} 1\n`), /not "name\{labels\} value"/);
    assert.throws(() => parseExposition(`${head}a one\n`), /not "name\{labels\} value"/);
    assert.throws(() => parseExposition(`${head}a 1`), /line feed/);
    assert.throws(() => parseExposition(`${head}# TYPE a counter\n`), /second TYPE/);
  });
});
