/**
 * Standard Webhooks end to end: quittance on real HTTP with a standard-webhooks account whose checkoutUrl is the
 * generic sender simulator; the customer follows the checkout link, acts, and the simulator posts signed JSON with
 * its retry schedule (time-scaled) and the faults asked.
 *
 * Waiting: `until` polls what quittance stored until a condition holds; its deadline is a safety net for a broken
 * build, never an assertion on how fast anything is.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import { secretKey, signStandardWebhook } from '../../src/gateways/standard-webhooks/signature.js';
import { fetchJson, land, postAction } from '../../src/simulator/_shared/customer.js';
import type { Fault } from '../../src/simulator/faults.js';
import type { Scenario } from '../../src/simulator/platform.js';
import { startStandardWebhooksSimulator } from '../../src/simulator/standard-webhooks/server.js';
import type { StandardWebhooksSimulator } from '../../src/simulator/standard-webhooks/types.js';
import {
  type CreatedPayment,
  createPayment,
  effects,
  effectTypes,
  inboxAt,
  paymentOf,
  type Quittance,
  signalsOf,
  startGatewayQuittance,
  until,
} from './harness.js';

const ACCOUNT = 'shop-sw';
const NOTIFY_PATH = `/notify/${ACCOUNT}`;

interface Setup {
  readonly q: Quittance;
  readonly sim: StandardWebhooksSimulator;
  readonly secret: string;
}

async function setup(t: TestContext): Promise<Setup> {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const sim = await startStandardWebhooksSimulator({ secret, timeScale: 0.0001, seed: 9 });
  const q = await startGatewayQuittance(t, {
    account: {
      id: ACCOUNT,
      gateway: 'standard-webhooks',
      credentials: { secret, checkoutUrl: sim.checkoutUrl },
    },
    simulator: sim,
  });
  return { q, sim, secret };
}

async function pay(
  s: Setup,
  scenario: Scenario,
  faults: Fault[] = [],
): Promise<{ payment: CreatedPayment; txn: string }> {
  const payment = await createPayment(s.q, { account: ACCOUNT });
  const { txn } = await fetchJson<{ txn: string }>('checkout', payment.checkout.url, {
    headers: { accept: 'application/json' },
  });
  const { returnUrl } = await postAction<{ returnUrl: string }>(new URL('/pay-act', payment.checkout.url), {
    txn,
    scenario,
    faults,
  });
  await land(returnUrl);
  await s.sim.idle();
  return { payment, txn };
}

describe('Standard Webhooks end to end', { timeout: 60_000 }, () => {
  it('a paid payment: authorized then succeeded, both verified, effects once, webhook-id kept', async (t) => {
    const s = await setup(t);
    const { payment, txn } = await pay(s, 'paid');
    assert.equal(payment.checkout.method, 'GET');
    assert.ok(payment.checkout.url.startsWith(s.sim.checkoutUrl));
    const stored = await paymentOf(s.q, payment.id);
    assert.equal(stored.status, 'captured');
    assert.equal(stored.needsReview, false);
    const entries = await inboxAt(s.q, NOTIFY_PATH);
    assert.deepEqual(
      entries.map((e) => [e.verdict, e.answerStatus]),
      [
        ['verified', 200],
        ['verified', 200],
      ],
    );
    const sent = s.sim.payment(txn)?.notifications ?? [];
    const signals = await signalsOf(s.q, payment.id);
    assert.deepEqual(
      signals.map((x) => [x.status, x.settlement, x.gatewayRef, x.facts?.['webhook-id']]),
      sent.map((n) => [n.status === 'succeeded' ? 'captured' : 'authorized', 'applied', txn, n.msgId]),
    );
    assert.deepEqual(effectTypes(await effects(s.q, payment.id)), ['payment.authorized', 'payment.captured']);
  });

  it('duplicate, reorder and a forgery: captured once, the forgery rejected, the copy a duplicate', async (t) => {
    const s = await setup(t);
    const faults: Fault[] = [
      { kind: 'drop' },
      { kind: 'duplicate' },
      { kind: 'reorder' },
      { kind: 'bad-signature' },
    ];
    const { payment, txn } = await pay(s, 'paid', faults);
    const sent = s.sim.payment(txn)?.notifications ?? [];
    assert.deepEqual(
      sent.map((n) => [n.status, n.forged, n.delivered]),
      [
        ['succeeded', false, true],
        ['authorized', false, true],
        ['failed', true, false],
      ],
    );
    const entries = await until('every attempt stored', async () => {
      const all = await inboxAt(s.q, NOTIFY_PATH);
      return all.length === 5 ? all : undefined;
    });
    const forged = entries.filter((e) => (e.headers['x-simulator-fault'] ?? '').includes('forged'));
    assert.deepEqual(
      forged.map((e) => [e.verdict, e.reasonCode, e.answerStatus]),
      [['rejected', 'SIGNATURE_MISMATCH', 401]],
    );
    const stored = await paymentOf(s.q, payment.id);
    assert.equal(stored.status, 'captured');
    assert.equal(stored.needsReview, false);
    const settlements = (await signalsOf(s.q, payment.id)).map((x) => x.settlement).sort();
    // succeeded applied and its copy a duplicate; authorized, arriving after, is stale (both copies).
    assert.deepEqual(settlements, ['applied', 'duplicate', 'stale', 'stale']);
    assert.deepEqual(effectTypes(await effects(s.q, payment.id)).sort(), [
      'payment.authorized',
      'payment.captured',
    ]);
  });

  it('a dropped first attempt is retried on the schedule, under the same webhook-id, re-signed', async (t) => {
    const s = await setup(t);
    const { payment, txn } = await pay(s, 'refused', [{ kind: 'drop' }]);
    const [sent] = s.sim.payment(txn)?.notifications ?? [];
    assert.equal(sent?.attempts.length, 2);
    assert.equal(sent?.attempts[0]?.error, 'dropped in transit (fault)');
    assert.equal(sent?.attempts[1]?.status, 200);
    const [entry] = await inboxAt(s.q, NOTIFY_PATH);
    assert.equal(entry?.headers['webhook-id'], sent?.msgId);
    assert.equal((await paymentOf(s.q, payment.id)).status, 'refused');
    assert.deepEqual(effectTypes(await effects(s.q, payment.id)), ['payment.failed']);
  });

  it('a genuine message replayed after the tolerance is rejected as stale and changes nothing', async (t) => {
    const s = await setup(t);
    const payment = await createPayment(s.q, { account: ACCOUNT });
    const body = JSON.stringify({
      type: 'payment.succeeded',
      data: { id: 'txn_old', reference: payment.id, status: 'succeeded', amount: 1250, currency: 'EUR' },
    });
    const timestamp = Math.floor(Date.now() / 1000) - 400;
    const res = await fetch(`${s.q.url}${NOTIFY_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_replayed',
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signStandardWebhook(
          secretKey(s.secret) as Buffer,
          'msg_replayed',
          timestamp,
          Buffer.from(body),
        ),
      },
      body,
    });
    assert.equal(res.status, 401);
    assert.match(await res.text(), /^KO TIMESTAMP_OUT_OF_TOLERANCE/);
    const [entry] = await inboxAt(s.q, NOTIFY_PATH);
    assert.equal(entry?.verdict, 'rejected');
    assert.equal(entry?.reasonCode, 'TIMESTAMP_OUT_OF_TOLERANCE');
    assert.equal((await paymentOf(s.q, payment.id)).status, 'created');
  });

  it('a wrong amount, correctly signed, is flagged as a conflict and never paid', async (t) => {
    const s = await setup(t);
    const { payment } = await pay(s, 'refused', [{ kind: 'wrong-amount' }]);
    const refused = await paymentOf(s.q, payment.id);
    assert.equal(refused.needsReview, true);
    assert.notEqual(refused.status, 'captured');
  });
});
