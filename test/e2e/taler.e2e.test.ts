/**
 * GNU Taler end to end: quittance on real HTTP with a taler account whose backendUrl is the merchant backend simulator,
 * the job worker started as `serve` starts it (startEngineWorker). Taler tells by long-poll: the watch job holds
 * `GET /private/orders/$ID?timeout_ms=` open; webhooks (`pay`, `refund`) are hints stored `pending` and settled only
 * by the fetch-back job's GET of the order.
 *
 * Waiting: `until` polls what quittance stored until a condition holds; its deadline is a safety net for a broken
 * build, never an assertion on how fast anything is.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import { refundPayment } from '../../src/engine/refund.js';
import type { Fault } from '../../src/simulator/faults.js';
import { startTalerSimulator } from '../../src/simulator/taler/server.js';
import type { TalerSimulator } from '../../src/simulator/taler/types.js';
import {
  api,
  inboxAt,
  paymentOf,
  type Quittance,
  signalsOf,
  startGatewayQuittance,
  until,
} from './harness.js';

const ACCOUNT = 'shop-taler';
const NOTIFY_PATH = `/notify/${ACCOUNT}`;

interface Setup {
  readonly q: Quittance;
  readonly sim: TalerSimulator;
  startWorker(): void;
}

async function setup(
  t: TestContext,
  options: {
    readonly worker?: boolean;
    readonly payDeadlineSeconds?: number;
    readonly reconcile?: string;
  } = {},
): Promise<Setup> {
  const token = `secret-token:${randomBytes(12).toString('hex')}`;
  const sim = await startTalerSimulator({ tokens: [token], currency: 'KUDOS', timeScale: 0.0001, seed: 5 });
  const q = await startGatewayQuittance(t, {
    account: {
      id: ACCOUNT,
      gateway: 'taler',
      credentials: {
        backendUrl: sim.backendUrl,
        token,
        currency: 'KUDOS',
        refundDelaySeconds: 3600,
        ...(options.payDeadlineSeconds !== undefined && {
          payDeadlineSeconds: options.payDeadlineSeconds,
        }),
      },
    },
    ...(options.reconcile && { reconcile: options.reconcile }),
    lease: '60s',
    worker: options.worker ?? true,
    simulator: sim,
    onUrl: (url) => sim.configureQuittanceWebhooks(`${url}${NOTIFY_PATH}`),
  });
  const startWorker = q.startWorker;
  return { q, sim, startWorker };
}

let orders = 0;

async function create(
  q: Quittance,
  input: { fulfillmentUrl?: string; sessionId?: string; amount?: number } = {},
): Promise<{ id: string; checkout: { method: string; url: string; walletUri?: string } }> {
  const { status, json } = await api(q, 'POST', '/api/payments', {
    account: ACCOUNT,
    orderRef: `T-${process.pid}-${++orders}`,
    amount: { value: input.amount ?? 1250, currency: 'KUDOS' },
    ...(input.fulfillmentUrl && { fulfillmentUrl: input.fulfillmentUrl }),
    ...(input.sessionId && { sessionId: input.sessionId }),
  });
  assert.equal(status, 201, JSON.stringify(json));
  return json as { id: string; checkout: { method: string; url: string; walletUri?: string } };
}

async function walletPays(
  sim: TalerSimulator,
  walletUri: string,
  scenario: 'paid' | 'cancelled',
  faults: Fault[] = [],
) {
  const res = await fetch(`${sim.url}/wallet/pay`, {
    method: 'POST',
    body: JSON.stringify({ talerPayUri: walletUri, scenario, faults }),
  });
  assert.equal(res.status, 200, await res.clone().text());
}

const statusOf = async (q: Quittance, id: string) => (await paymentOf(q, id)).status;

describe('taler e2e', () => {
  it('creates the order with the fulfillment URL and session; the waiting page shows the taler://pay URI', async (t) => {
    const { q, sim } = await setup(t, { worker: false });
    const created = await create(q, {
      fulfillmentUrl: 'https://shop.example/article/42',
      sessionId: 'sess-A',
    });
    assert.equal(created.checkout.url, `${q.url}/pay/${created.id}/wait`);
    assert.match(created.checkout.walletUri ?? '', /^taler\+http:\/\/pay\//);
    const order = sim.order(created.id);
    assert.ok(order, 'the order id is our payment id');
    assert.equal(order.fulfillmentUrl, 'https://shop.example/article/42');
    assert.equal(order.sessionId, 'sess-A');
    assert.equal(order.currency, 'KUDOS');
    const page = await fetch(created.checkout.url);
    const html = await page.text();
    assert.ok(
      html.includes(created.checkout.walletUri?.replaceAll('&', '&amp;') ?? '-'),
      'the wallet URI is on the page',
    );
  });

  it('learns the payment through the long-poll watch job, with no webhook and no return', async (t) => {
    const { q, sim } = await setup(t);
    // No webhook: the backend tells only through the held GET.
    const created = await create(q);
    await until('the watch job holds a long-poll', async () => sim.held(created.id) > 0 || undefined);
    const hooks = sim.webhooks().length;
    assert.ok(hooks > 0);
    await walletPays(sim, created.checkout.walletUri ?? '', 'paid', [{ kind: 'drop-all' }]);
    await until('captured', async () => (await statusOf(q, created.id)) === 'captured' || undefined);
    assert.ok(sim.apiCalls().some((c) => c.path.endsWith(created.id) && c.query.includes('timeout_ms=')));
    const signals = await signalsOf(q, created.id);
    assert.ok(
      signals.some((s) => s.source === 'poll' && s.status === 'captured' && s.settlement === 'applied'),
    );
  });

  it('a pay webhook is a hint: stored, answered, confirmed by the fetch-back; a duplicate is harmless', async (t) => {
    const { q, sim } = await setup(t);
    const created = await create(q);
    await walletPays(sim, created.checkout.walletUri ?? '', 'paid', [{ kind: 'duplicate' }]);
    await sim.idle();
    const entries = await until('two webhooks verified', async () => {
      const all = await inboxAt(q, NOTIFY_PATH);
      const mine = all.filter((e) => e.verdict === 'verified');
      return mine.length >= 2 ? mine : undefined;
    });
    assert.ok(entries.length >= 2);
    assert.equal(await statusOf(q, created.id), 'captured');
    const applied = (await signalsOf(q, created.id)).filter(
      (s) => s.status === 'captured' && s.settlement === 'applied',
    );
    assert.equal(applied.length, 1, 'one capture applied, whatever told it first');
  });

  it('a forged webhook (unknown order, or paid claimed for an unpaid one) is rejected and changes nothing', async (t) => {
    const { q, sim } = await setup(t);
    const created = await create(q);
    await walletPays(sim, created.checkout.walletUri ?? '', 'cancelled', [{ kind: 'bad-signature' }]);
    await sim.idle();
    const forged = await until('the forgery is decided', async () => {
      const all = await inboxAt(q, NOTIFY_PATH);
      const decided = all.filter((e) => e.verdict !== 'pending');
      return decided.length > 0 ? decided : undefined;
    });
    for (const entry of forged) {
      assert.equal(entry.verdict, 'rejected', JSON.stringify(entry));
      assert.match(String(entry.reasonCode), /UNKNOWN_AT_GATEWAY|NOTIFICATION_MISMATCH/);
    }
    assert.equal(await statusOf(q, created.id), 'created');
  });

  it('an order the customer never pays expires after its pay deadline (reconciliation)', async (t) => {
    const { q, sim } = await setup(t, { payDeadlineSeconds: 1, reconcile: '2s,4s' });
    const created = await create(q);
    await walletPays(sim, created.checkout.walletUri ?? '', 'cancelled');
    await until('expired', async () => (await statusOf(q, created.id)) === 'expired' || undefined);
  });

  it('refunds through the adapter: a partial then the rest, the refund webhook fetched back', async (t) => {
    const { q, sim } = await setup(t);
    const created = await create(q, { amount: 1250 });
    await walletPays(sim, created.checkout.walletUri ?? '', 'paid');
    await until('captured', async () => (await statusOf(q, created.id)) === 'captured' || undefined);
    const part = await refundPayment(q.engine, {
      paymentId: created.id,
      amount: 250,
      reason: 'damaged',
      by: 'e2e',
    });
    assert.ok(part.refundId);
    assert.equal(await statusOf(q, created.id), 'partially_refunded');
    assert.equal(sim.order(created.id)?.refunds.at(-1)?.totalUnits, 250_000_000n);
    await refundPayment(q.engine, { paymentId: created.id, amount: 1000, reason: 'the rest', by: 'e2e' });
    assert.equal(await statusOf(q, created.id), 'refunded');
    assert.equal(sim.order(created.id)?.refunds.at(-1)?.totalUnits, 1_250_000_000n);
    await sim.idle();
    await until('refund webhooks decided', async () => {
      const all = await inboxAt(q, NOTIFY_PATH);
      return all.length >= 3 && all.every((e) => e.verdict !== 'pending') ? all : undefined;
    });
    assert.equal(await statusOf(q, created.id), 'refunded');
  });
});
