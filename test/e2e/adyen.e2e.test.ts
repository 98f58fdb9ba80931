/**
 * Adyen end to end: quittance on real HTTP with an adyen account whose apiBase is the Adyen simulator (payment links,
 * signed standard notifications with Adyen's retry policy, faults), the job worker started as `serve` starts it.
 *
 * Waiting: `until` polls what quittance stored until a condition holds; its deadline is a safety net for a broken
 * build, never an assertion on how fast anything is.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import { payAsCustomer } from '../../src/simulator/adyen/customer.js';
import { startAdyenSimulator } from '../../src/simulator/adyen/server.js';
import type { AdyenScenario, AdyenSimulator } from '../../src/simulator/adyen/types.js';
import type { Fault } from '../../src/simulator/faults.js';
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

const ACCOUNT = 'shop-adyen';
const NOTIFY_PATH = `/notify/${ACCOUNT}`;
const MERCHANT_ACCOUNT = 'QuittanceE2EECOM';

interface Setup {
  readonly q: Quittance;
  readonly sim: AdyenSimulator;
}

async function setup(t: TestContext): Promise<Setup> {
  const apiKey = `AQE_${randomBytes(12).toString('hex')}`;
  const hmacKey = randomBytes(32).toString('hex').toUpperCase();
  const sim = await startAdyenSimulator({
    apiKeys: [apiKey],
    hmacKey,
    merchantAccount: MERCHANT_ACCOUNT,
    timeScale: 0.0001,
    seed: 9,
  });
  const q = await startGatewayQuittance(t, {
    account: {
      id: ACCOUNT,
      gateway: 'adyen',
      credentials: {
        merchantAccount: MERCHANT_ACCOUNT,
        hmacKey,
        apiKey,
        environment: 'test',
        capture: 'manual',
        apiBase: sim.apiBase,
      },
    },
    simulator: sim,
  });
  return { q, sim };
}

async function pay(
  s: Setup,
  scenario: AdyenScenario,
  faults: Fault[] = [],
  followReturn = false,
): Promise<{ payment: CreatedPayment; linkId: string }> {
  const payment = await createPayment(s.q, { account: ACCOUNT });
  const { txn } = await payAsCustomer({ checkout: payment.checkout, scenario, faults, followReturn });
  await s.sim.idle();
  return { payment, linkId: txn };
}

describe('Adyen end to end', { timeout: 60_000 }, () => {
  it('a paid link: AUTHORISATION then CAPTURE, each answered [accepted], one effect per milestone', async (t) => {
    const s = await setup(t);
    const { payment, linkId } = await pay(s, 'paid');
    assert.equal(payment.checkout.method, 'GET');
    assert.equal(payment.checkout.url, `${s.sim.url}/link/${linkId}`);
    assert.equal(
      (await paymentOf(s.q, payment.id)).gatewayRef,
      linkId,
      'the link id is the gateway reference',
    );
    const entries = await inboxAt(s.q, NOTIFY_PATH);
    assert.deepEqual(
      entries.map((e) => [e.verdict, e.answerStatus, e.answerBody]),
      [
        ['verified', 200, '[accepted]'],
        ['verified', 200, '[accepted]'],
      ],
    );
    const stored = await paymentOf(s.q, payment.id);
    assert.equal(stored.status, 'captured');
    assert.equal(stored.needsReview, false);
    assert.deepEqual(
      (await signalsOf(s.q, payment.id)).map((x) => [x.source, x.status, x.settlement]),
      [
        ['notification', 'authorized', 'applied'],
        ['notification', 'captured', 'applied'],
      ],
    );
    assert.deepEqual(effectTypes(await effects(s.q, payment.id)), ['payment.authorized', 'payment.captured']);
  });

  it('lost first attempts, duplicates and CAPTURE before AUTHORISATION still end captured, each effect once', async (t) => {
    const s = await setup(t);
    const { payment, linkId } = await pay(s, 'paid', [
      { kind: 'drop' },
      { kind: 'duplicate' },
      { kind: 'reorder' },
    ]);
    const notifications = s.sim.link(linkId)?.notifications ?? [];
    assert.deepEqual(
      notifications.map((n) => [n.eventCode, n.delivered]),
      [
        ['CAPTURE', true],
        ['AUTHORISATION', true],
      ],
    );
    assert.ok(
      notifications.every((n) => n.attempts.length >= 2),
      'dropped, retried, duplicated',
    );
    const stored = await paymentOf(s.q, payment.id);
    assert.equal(stored.status, 'captured');
    assert.equal(stored.needsReview, false);
    assert.deepEqual(effectTypes(await effects(s.q, payment.id)), ['payment.authorized', 'payment.captured']);
  });

  it('a forged notification (another key) is kept as rejected with a 4xx and changes nothing', async (t) => {
    const s = await setup(t);
    const { payment } = await pay(s, 'refused', [{ kind: 'bad-signature' }]);
    const entries = await inboxAt(s.q, NOTIFY_PATH);
    const forged = entries.filter((e) => (e.headers['x-simulator-fault'] ?? '').includes('forged'));
    assert.equal(forged.length, 1);
    assert.equal(forged[0]?.verdict, 'rejected');
    assert.equal(forged[0]?.reasonCode, 'SIGNATURE_MISMATCH');
    assert.equal(forged[0]?.answerStatus, 401);
    assert.equal((await paymentOf(s.q, payment.id)).status, 'refused');
  });

  it('another amount, correctly signed, is flagged and never paid', async (t) => {
    const s = await setup(t);
    const { payment } = await pay(s, 'paid', [{ kind: 'wrong-amount' }]);
    const stored = await paymentOf(s.q, payment.id);
    assert.equal(stored.status, 'created');
    assert.equal(stored.needsReview, true);
    assert.deepEqual(effectTypes(await effects(s.q, payment.id)), ['payment.conflict']);
  });

  it('every notification lost: the return asks the payment link and settles the payment', async (t) => {
    const s = await setup(t);
    const { payment } = await pay(s, 'authorised-only', [{ kind: 'drop-all' }], true);
    const stored = await until('the return settles', async () => {
      const p = await paymentOf(s.q, payment.id);
      return p.status === 'authorized' ? p : undefined;
    });
    assert.equal(stored.needsReview, false);
    assert.deepEqual(await inboxAt(s.q, NOTIFY_PATH), []);
    assert.deepEqual(
      (await signalsOf(s.q, payment.id)).map((x) => [x.source, x.status, x.settlement]),
      [['poll', 'authorized', 'applied']],
    );
  });
});
