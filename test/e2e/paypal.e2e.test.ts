/**
 * PayPal end to end: quittance on real HTTP with a paypal account whose checkoutUrl and verifyUrl are the PayPal
 * simulator's, the job worker started as `serve` starts it. Every IPN is stored `pending`, answered with an empty
 * 200, and settled only once the simulator answers VERIFIED to its postback; the simulator vouches only for bytes
 * it sent, so a forged IPN ends rejected.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { Fault } from '../../src/simulator/faults.js';
import {
  type PaypalScenario,
  type PaypalSimulator,
  type PaypalSimulatorOptions,
  payAsCustomer,
  SIM_ACCOUNT,
  startPaypalSimulator,
} from '../../src/simulator/paypal/index.js';
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

const ACCOUNT = 'shop-paypal';
const NOTIFY_PATH = `/notify/${ACCOUNT}`;

interface Setup {
  readonly q: Quittance;
  readonly sim: PaypalSimulator;
}

async function setup(
  t: TestContext,
  options: { readonly sim?: Partial<PaypalSimulatorOptions>; readonly receiverEmail?: string } = {},
): Promise<Setup> {
  const sim = await startPaypalSimulator({
    account: SIM_ACCOUNT,
    timeScale: 0.0001,
    seed: 5,
    ...options.sim,
  });
  const q = await startGatewayQuittance(t, {
    account: {
      id: ACCOUNT,
      gateway: 'paypal',
      credentials: {
        receiverEmail: options.receiverEmail ?? SIM_ACCOUNT.primaryEmail,
        verifyUrl: sim.verifyUrl,
        checkoutUrl: sim.checkoutUrl,
      },
    },
    simulator: sim,
  });
  return { q, sim };
}

async function pay(
  s: Setup,
  scenario: PaypalScenario,
  faults: Fault[] = [],
): Promise<{ payment: CreatedPayment; txn: string; returnUrl: string }> {
  const payment = await createPayment(s.q, { account: ACCOUNT });
  const { txn, returnUrl } = await payAsCustomer({
    checkout: payment.checkout,
    scenario,
    faults,
    followReturn: false,
  });
  await s.sim.idle();
  return { payment, txn, returnUrl };
}

/** Every IPN stored, once no entry waits for its postback any more. */
async function decided(q: Quittance) {
  return until('every postback answered', async () => {
    const entries = await inboxAt(q, NOTIFY_PATH);
    return entries.length > 0 && entries.every((e) => e.verdict !== 'pending') ? entries : undefined;
  });
}

describe('PayPal end to end', { timeout: 60_000 }, () => {
  it('a paid payment: Buy Now form, IPN answered with an empty 200, settled after VERIFIED', async (t) => {
    const s = await setup(t, { sim: { charset: 'utf-8' } });
    const { payment, txn } = await pay(s, 'paid');
    assert.equal(payment.checkout.method, 'POST');
    assert.equal(payment.checkout.url, s.sim.checkoutUrl);
    assert.equal(payment.checkout.fields.custom, payment.id);
    const entries = await decided(s.q);
    assert.ok(
      entries.every((e) => e.verdict === 'verified' && e.answerStatus === 200 && e.answerBody === ''),
    );
    const stored = await paymentOf(s.q, payment.id);
    assert.equal(stored.status, 'captured');
    assert.equal(stored.gatewayRef, txn);
    assert.ok(s.sim.postbacks().length >= 1);
    assert.ok(
      s.sim
        .postbacks()
        .every((p) => p.answer === 'VERIFIED' && p.contentType === 'application/x-www-form-urlencoded'),
    );
    const ipns = s.sim.payment(txn)?.ipns ?? [];
    assert.ok(ipns.every((i) => i.delivered && i.attempts[0]?.status === 200));
    assert.deepEqual(effectTypes(await effects(s.q, payment.id)), ['payment.authorized', 'payment.captured']);
  });

  it('a windows-1252 IPN (— is %97) is read, kept byte for byte and verified', async (t) => {
    const s = await setup(t, { sim: { charset: 'windows-1252' } });
    const { payment, txn } = await pay(s, 'paid');
    const entries = await decided(s.q);
    const body = Buffer.from(entries[0]?.body ?? []).toString('latin1');
    assert.match(body, /charset=windows-1252/);
    assert.match(body, /%97/, 'the em dash in windows-1252');
    assert.equal(body, s.sim.payment(txn)?.ipns[0]?.body);
    assert.ok(entries.every((e) => e.verdict === 'verified'));
    assert.equal((await paymentOf(s.q, payment.id)).status, 'captured');
  });

  it('a duplicated IPN is stored twice and applied once', async (t) => {
    const s = await setup(t);
    const { payment } = await pay(s, 'paid', [{ kind: 'duplicate' }]);
    const entries = await decided(s.q);
    assert.ok(entries.length >= 2);
    assert.equal((await paymentOf(s.q, payment.id)).status, 'captured');
    const settlements = (await signalsOf(s.q, payment.id)).map((x) => x.settlement);
    assert.ok(settlements.includes('duplicate'));
    assert.deepEqual(effectTypes(await effects(s.q, payment.id)), ['payment.authorized', 'payment.captured']);
  });

  it('reorder: Completed arrives before Pending; the payment ends captured, the late Pending changes nothing', async (t) => {
    const s = await setup(t);
    const { payment, txn } = await pay(s, 'paid', [{ kind: 'reorder' }]);
    assert.deepEqual(
      s.sim.payment(txn)?.ipns.map((i) => i.paymentStatus),
      ['Completed', 'Pending'],
    );
    await decided(s.q);
    assert.equal((await paymentOf(s.q, payment.id)).status, 'captured');
    assert.deepEqual(effectTypes(await effects(s.q, payment.id)), ['payment.authorized', 'payment.captured']);
  });

  it('a forged IPN (PayPal never sent it) gets INVALID and is rejected; the genuine one settles', async (t) => {
    const s = await setup(t);
    const { payment } = await pay(s, 'paid', [{ kind: 'bad-signature' }]);
    const entries = await decided(s.q);
    const forged = entries.filter((e) => (e.headers['x-simulator-fault'] ?? '').includes('forged'));
    assert.equal(forged.length, 1);
    assert.equal(forged[0]?.verdict, 'rejected');
    assert.equal(forged[0]?.reasonCode, 'UNKNOWN_AT_GATEWAY');
    assert.ok(s.sim.postbacks().some((p) => p.answer === 'INVALID'));
    assert.equal((await paymentOf(s.q, payment.id)).status, 'captured');
  });

  it('an IPN whose receiver_email is not the configured one is refused (SITE_MISMATCH) and the payment stays open', async (t) => {
    // The button names another e-mail of the same PayPal account; IPNs always carry the primary one.
    const s = await setup(t, { receiverEmail: 'sales@example.com', sim: { retries: false } });
    const { payment } = await pay(s, 'paid');
    const entries = await decided(s.q);
    assert.ok(entries.every((e) => e.verdict === 'rejected' && e.reasonCode === 'SITE_MISMATCH'));
    assert.ok(entries.every((e) => (e.answerStatus ?? 0) >= 400 && (e.answerStatus ?? 0) < 500));
    assert.equal(s.sim.postbacks().length, 0, 'nothing was posted back');
    assert.equal((await paymentOf(s.q, payment.id)).status, 'created');
  });

  it('a wrong amount (VERIFIED, correctly sent) is flagged for a person, never paid', async (t) => {
    const s = await setup(t);
    const { payment } = await pay(s, 'paid', [{ kind: 'wrong-amount' }]);
    await decided(s.q);
    const stored = await paymentOf(s.q, payment.id);
    assert.equal(stored.needsReview, true);
    assert.notEqual(stored.status, 'captured');
  });

  it('refused: Pending, then Denied or Failed; cancelled: no IPN at all, the buyer goes to cancel_return', async (t) => {
    const s = await setup(t);
    const refused = await pay(s, 'refused');
    await decided(s.q);
    assert.equal((await paymentOf(s.q, refused.payment.id)).status, 'refused');
    const before = (await inboxAt(s.q, NOTIFY_PATH)).length;
    const cancelled = await pay(s, 'cancelled');
    assert.match(cancelled.returnUrl, /cancelled=1/);
    assert.equal(s.sim.payment(cancelled.txn)?.ipns.length, 0);
    assert.equal((await inboxAt(s.q, NOTIFY_PATH)).length, before);
    assert.equal((await paymentOf(s.q, cancelled.payment.id)).status, 'created');
  });
});
