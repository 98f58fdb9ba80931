/**
 * Stripe end to end: quittance on real HTTP with a stripe account whose apiBase is the Stripe simulator, the job
 * worker started as `serve` starts it. Payments start as Checkout Sessions; the simulator posts signed events (each
 * attempt signed afresh), with the faults asked; returns and reconciliation ask the simulated API.
 *
 * Waiting: `until` polls what quittance stored until a condition holds; its deadline is a safety net for a broken
 * build, never an assertion on how fast anything is.
 */
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import type { Fault } from '../../src/simulator/faults.js';
import { payAsCustomer } from '../../src/simulator/stripe/customer.js';
import { startStripeSimulator } from '../../src/simulator/stripe/server.js';
import type { StripeScenario, StripeSimulator } from '../../src/simulator/stripe/types.js';
import {
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

const ACCOUNT = 'shop-stripe';
const NOTIFY_PATH = `/notify/${ACCOUNT}`;

interface Setup {
  readonly q: Quittance;
  readonly sim: StripeSimulator;
  readonly webhookSecret: string;
}

async function setup(
  t: TestContext,
  options: { readonly reconcile?: string; readonly roll?: boolean } = {},
): Promise<Setup> {
  const secretKey = `sk_test_${randomBytes(12).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(18).toString('base64url')}`;
  const previousWebhookSecret = `whsec_${randomBytes(18).toString('base64url')}`;
  // During a roll Stripe signs with both secrets: one v1 each.
  const sim = await startStripeSimulator({
    secretKeys: [secretKey],
    webhookSecrets: options.roll ? [previousWebhookSecret, webhookSecret] : [webhookSecret],
    timeScale: 0.0001,
    seed: 23,
  });
  const q = await startGatewayQuittance(t, {
    account: {
      id: ACCOUNT,
      gateway: 'stripe',
      credentials: {
        secretKey,
        webhookSecret,
        ...(options.roll && { previousWebhookSecret }),
        apiBase: sim.apiBase,
      },
    },
    ...(options.reconcile && { reconcile: options.reconcile }),
    simulator: sim,
  });
  return { q, sim, webhookSecret };
}

async function pay(s: Setup, scenario: StripeScenario, faults: Fault[] = [], followReturn = false) {
  const payment = await createPayment(s.q, { account: ACCOUNT });
  const result = await payAsCustomer({ checkout: payment.checkout, scenario, faults, followReturn });
  return { payment, txn: result.txn, returnStatus: result.returnStatus };
}

describe('Stripe end to end', { timeout: 60_000 }, () => {
  it('a paid Checkout Session: two signed events, captured once, the PaymentIntent becomes the reference', async (t) => {
    const s = await setup(t);
    const { payment, txn } = await pay(s, 'paid', [{ kind: 'duplicate' }, { kind: 'reorder' }]);
    assert.equal(payment.checkout.method, 'GET');
    assert.match(payment.checkout.url, new RegExp(`^${s.sim.url}/c/pay/cs_test_`));
    await s.sim.idle();
    const stored = await until('captured', async () => {
      const p = await paymentOf(s.q, payment.id);
      return p.status === 'captured' ? p : undefined;
    });
    assert.equal(stored.needsReview, false);
    assert.equal(stored.gatewayRef, s.sim.session(txn)?.intent?.id);
    const entries = await inboxAt(s.q, NOTIFY_PATH);
    assert.equal(entries.length, 4, 'two events, each sent twice');
    assert.ok(entries.every((e) => e.verdict === 'verified' && e.answerStatus === 200));
    const settlements = (await signalsOf(s.q, payment.id)).map((x) => x.settlement).sort();
    assert.deepEqual(settlements, ['applied', 'duplicate', 'duplicate', 'duplicate']);
    assert.deepEqual(effectTypes(await effects(s.q, payment.id)), ['payment.authorized', 'payment.captured']);
  });

  it('a failed delayed debit ends refused; a session given up ends expired', async (t) => {
    const s = await setup(t);
    const refused = await pay(s, 'refused');
    const expired = await pay(s, 'cancelled', [], true);
    assert.equal(expired.returnStatus !== null && expired.returnStatus < 500, true);
    await s.sim.idle();
    await until('both final', async () => {
      const [a, b] = [await paymentOf(s.q, refused.payment.id), await paymentOf(s.q, expired.payment.id)];
      return a.status === 'refused' && b.status === 'expired';
    });
    assert.equal((await paymentOf(s.q, refused.payment.id)).needsReview, false);
    assert.deepEqual(effectTypes(await effects(s.q, refused.payment.id)), ['payment.failed']);
  });

  it('forged events (another secret, or no signature) are kept as rejected and change nothing', async (t) => {
    const s = await setup(t);
    const { payment } = await pay(s, 'paid', [{ kind: 'bad-signature' }]);
    const open = await createPayment(s.q, { account: ACCOUNT });
    const body = JSON.stringify({
      id: 'evt_forged',
      object: 'event',
      type: 'checkout.session.completed',
      livemode: false,
      data: {
        object: {
          id: 'cs_test_a1forged',
          object: 'checkout.session',
          amount_total: 1250,
          currency: 'eur',
          client_reference_id: open.id,
          payment_status: 'paid',
          status: 'complete',
        },
      },
    });
    const t0 = Math.floor(Date.now() / 1000);
    const wrong = createHmac('sha256', 'whsec_not_the_endpoint').update(`${t0}.${body}`).digest('hex');
    for (const signature of [`t=${t0},v1=${wrong}`, undefined]) {
      const answer = await fetch(`${s.q.url}${NOTIFY_PATH}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-simulator-fault': 'forged',
          ...(signature && { 'stripe-signature': signature }),
        },
        body,
      });
      assert.ok(answer.status >= 400 && answer.status < 500, `answered ${answer.status}`);
    }
    await s.sim.idle();
    await until('captured', async () => (await paymentOf(s.q, payment.id)).status === 'captured');
    const entries = await inboxAt(s.q, NOTIFY_PATH);
    const forged = entries.filter((e) =>
      (e.headers['x-simulator-fault'] ?? '').split(',').includes('forged'),
    );
    assert.equal(forged.length, 3);
    for (const entry of forged)
      assert.equal(entry.verdict, 'rejected', `${entry.reasonCode} ${entry.reason}`);
    assert.equal((await paymentOf(s.q, payment.id)).needsReview, false);
    assert.equal((await paymentOf(s.q, open.id)).status, 'created');
    assert.deepEqual(await effects(s.q, open.id), []);
  });

  it('a stale replay of a genuine event is refused (TIMESTAMP_OUT_OF_TOLERANCE)', async (t) => {
    const s = await setup(t);
    const open = await createPayment(s.q, { account: ACCOUNT });
    const body = JSON.stringify({
      id: 'evt_old',
      object: 'event',
      type: 'payment_intent.succeeded',
      livemode: false,
      data: {
        object: {
          id: 'pi_3old',
          object: 'payment_intent',
          amount: 1250,
          currency: 'eur',
          status: 'succeeded',
          metadata: { quittance_payment_id: open.id },
        },
      },
    });
    const old = Math.floor(Date.now() / 1000) - 301;
    const v1 = createHmac('sha256', s.webhookSecret).update(`${old}.${body}`).digest('hex');
    const answer = await fetch(`${s.q.url}${NOTIFY_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': `t=${old},v1=${v1}` },
      body,
    });
    assert.equal(answer.status, 401);
    const [entry] = await inboxAt(s.q, NOTIFY_PATH);
    assert.equal(entry?.reasonCode, 'TIMESTAMP_OUT_OF_TOLERANCE');
    assert.equal((await paymentOf(s.q, open.id)).status, 'created');
  });

  it('during a secret roll, events signed with both secrets verify', async (t) => {
    const s = await setup(t, { roll: true });
    const { payment } = await pay(s, 'paid');
    await s.sim.idle();
    await until('captured', async () => (await paymentOf(s.q, payment.id)).status === 'captured');
    const entries = await inboxAt(s.q, NOTIFY_PATH);
    assert.ok(entries.length >= 2 && entries.every((e) => e.verdict === 'verified'));
    assert.match(entries[0]?.headers['stripe-signature'] ?? '', /^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
  });

  it('every event lost: reconciliation asks the Checkout Session and settles, amounts checked', async (t) => {
    const s = await setup(t, { reconcile: '1s,2s,4s' });
    const paid = await pay(s, 'paid', [{ kind: 'drop-all' }]);
    const refused = await pay(s, 'refused', [{ kind: 'drop-all' }]);
    const wrong = await pay(s, 'paid', [{ kind: 'drop-all' }, { kind: 'wrong-amount' }]);
    await until('reconciled', async () => {
      const [a, b, c] = await Promise.all(
        [paid, refused, wrong].map(({ payment }) => paymentOf(s.q, payment.id)),
      );
      return a?.status === 'captured' && b?.status === 'refused' && c?.needsReview === true;
    });
    const polls = (await signalsOf(s.q, paid.payment.id)).filter((x) => x.settlement === 'applied');
    assert.deepEqual(
      polls.map((x) => [x.source, x.status]),
      [['poll', 'captured']],
    );
    assert.equal((await paymentOf(s.q, wrong.payment.id)).status, 'created', 'a wrong amount is never paid');
  });
});
