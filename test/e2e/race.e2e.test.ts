/**
 * The customer's return and the gateway's notification for one payment arrive at the same moment
 * (they usually do: Lyra calls the IPN URL while it redirects the browser). Whatever the interleaving,
 * each payment is applied once and tells the shop once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeForm } from '../../src/gateways/_shared/form-codec.js';
import {
  type CreatedPayment,
  createPayment,
  customerReturn,
  effects,
  inboxEntry,
  lyraFields,
  notify,
  paymentOf,
  type Quittance,
  SHOP,
  signalsOf,
  startQuittance,
} from './harness.js';

const PAYMENTS = 50;

describe('return and notification racing for the same payment', () => {
  let q: Quittance;
  before(async () => {
    q = await startQuittance();
  });
  after(async () => {
    await q?.close();
  });

  async function race(copies: number): Promise<void> {
    const payments: CreatedPayment[] = await Promise.all(
      Array.from({ length: PAYMENTS }, () => createPayment(q)),
    );

    // Everything for every payment at once: 50 × (1 return + `copies` notifications) requests in flight.
    const outcomes = await Promise.all(
      payments.map(async (payment) => {
        const body = encodeForm(lyraFields(payment, 'AUTHORISED'));
        const [back, ...notices] = await Promise.all([
          customerReturn(q, 'shop', payment.id, lyraFields(payment, 'AUTHORISED', { source: 'return' })),
          ...Array.from({ length: copies }, () => notify(q, 'shop', body)),
        ]);
        return { payment, back, notices };
      }),
    );

    for (const { payment, back, notices } of outcomes) {
      assert.ok(back);
      assert.equal(back.status, 303, back.text);
      const location = new URL(back.location ?? '');
      assert.equal(`${location.origin}${location.pathname}`, SHOP.successUrl);
      assert.equal(location.searchParams.get('status'), 'authorized');
      for (const n of notices) {
        assert.equal(n.status, 200, n.text);
        assert.match(n.text, /^OK /);
        assert.equal((await inboxEntry(q, n.inboxId)).verdict, 'verified');
      }

      const stored = await paymentOf(q, payment.id);
      assert.equal(stored.status, 'authorized', payment.id);
      assert.equal(stored.needsReview, false);

      const signals = await signalsOf(q, payment.id);
      assert.equal(signals.length, 1 + copies, 'every observation is journaled');
      const applied = signals.filter((s) => s.settlement === 'applied');
      assert.equal(applied.length, 1, `exactly one applied signal for ${payment.id}`);
      assert.equal(applied[0]?.status, 'authorized');
      assert.deepEqual(
        signals.filter((s) => s.settlement !== 'applied').map((s) => s.settlement),
        Array.from({ length: copies }, () => 'duplicate'),
      );
      assert.deepEqual(
        signals.map((s) => s.source).sort(),
        ['return', ...Array.from({ length: copies }, () => 'notification')].sort(),
      );

      const jobs = await effects(q, payment.id);
      assert.deepEqual(
        jobs.map((j) => j.type),
        ['payment.authorized'],
        `exactly one effect for ${payment.id}`,
      );
      assert.equal(jobs[0]?.signalId, applied[0]?.id, 'the effect comes from the applied signal');
    }
  }

  it(`${PAYMENTS} payments, return and notification at once`, async () => {
    await race(1);
  });

  it(`${PAYMENTS} payments, return and a notification delivered twice, all at once`, async () => {
    await race(2);
  });
});
