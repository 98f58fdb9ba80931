/**
 * A small full run against the Lyra simulator: customers pay through real HTTP while the platform
 * drops, duplicates and reorders notifications, forges some and settles a few for the wrong amount.
 * Afterwards quittance must agree with the platform, or have flagged the payment for a person.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isFinal, isPaid, type PaymentStatus } from '../../src/core/index.js';
import type { Fault } from '../../src/simulator/faults.js';
import {
  type LyraSimulator,
  type PayAsCustomerResult,
  payAsCustomer,
  type Scenario,
  type SimTransaction,
  startLyraSimulator,
} from '../../src/simulator/lyra/index.js';
import {
  ALGORITHM,
  type CreatedPayment,
  createPayment,
  effects,
  paymentOf,
  type Quittance,
  SITE_ID,
  signalsFrom,
  signalsOf,
  startQuittance,
  TEST_KEY,
} from './harness.js';

const PAYMENTS = 30;
const CONCURRENCY = 6;

const SCENARIO_CYCLE: readonly Scenario[] = ['paid', 'refused', 'paid', 'cancelled', 'authorised-only'];
const FAULT_CYCLE: ReadonlyArray<readonly Fault['kind'][]> = [
  [],
  ['drop'],
  ['duplicate'],
  ['reorder'],
  ['bad-signature'],
  ['wrong-amount'],
  ['drop', 'duplicate'],
  ['reorder', 'bad-signature'],
  ['duplicate', 'bad-signature'],
  ['reorder', 'duplicate', 'drop'],
  ['wrong-amount', 'duplicate'],
];

/** What the platform's last word means in quittance's terms. */
const TRUTH: Readonly<Record<string, PaymentStatus>> = {
  AUTHORISED: 'authorized',
  AUTHORISED_TO_VALIDATE: 'authorized',
  CAPTURED: 'captured',
  REFUSED: 'refused',
  ABANDONED: 'cancelled',
};

/** The shop events a payment ending in `status` must have produced, once each. */
const EXPECTED_EFFECTS: Readonly<Record<string, readonly string[]>> = {
  authorized: ['payment.authorized'],
  captured: ['payment.authorized', 'payment.captured'],
  refused: ['payment.failed'],
  cancelled: ['payment.failed'],
};

interface Planned {
  readonly n: number;
  readonly scenario: Scenario;
  readonly faults: Fault[];
  /** Some customers close the tab: only the notification can tell. */
  readonly followReturn: boolean;
}

function plan(): Planned[] {
  return Array.from({ length: PAYMENTS }, (_, n) => ({
    n,
    scenario: SCENARIO_CYCLE[n % SCENARIO_CYCLE.length] as Scenario,
    faults: (FAULT_CYCLE[n % FAULT_CYCLE.length] ?? []).map((kind) => ({ kind }) as Fault),
    followReturn: n % 3 !== 2,
  }));
}

async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

describe('a full run against the Lyra simulator', () => {
  let simulator: LyraSimulator;
  let q: Quittance;
  const runs: Array<{ planned: Planned; payment: CreatedPayment; customer: PayAsCustomerResult }> = [];
  let transactions: SimTransaction[] = [];

  before(async () => {
    simulator = await startLyraSimulator({
      shops: [{ siteId: SITE_ID, key: TEST_KEY, algorithm: ALGORITHM }],
      timeScale: 0.0005,
      retries: true,
      seed: 42,
    });
    q = await startQuittance({ paymentUrl: simulator.paymentUrl });

    await forEachConcurrently(plan(), CONCURRENCY, async (planned) => {
      const payment = await createPayment(q, { amount: 1000 + planned.n, orderRef: `SIM-${planned.n}` });
      const customer = await payAsCustomer({
        checkout: payment.checkout,
        scenario: planned.scenario,
        faults: planned.faults,
        followReturn: planned.followReturn,
      });
      runs.push({ planned, payment, customer });
    });
    await simulator.idle();
    transactions = simulator.transactions();
  });

  after(async () => {
    await simulator?.close();
    await q?.close();
  });

  const has = (p: Planned, kind: Fault['kind']) => p.faults.some((f) => f.kind === kind);
  const txOf = (payment: CreatedPayment) => {
    const tx = transactions.find((t) => t.orderId === payment.orderRef);
    assert.ok(tx, `the simulator knows ${payment.orderRef}`);
    return tx;
  };

  it('every customer went through the checkout quittance built, and came back to a shop page', () => {
    assert.equal(runs.length, PAYMENTS);
    assert.equal(transactions.length, PAYMENTS);
    for (const { planned, customer } of runs) {
      if (!planned.followReturn) continue;
      assert.equal(customer.returnStatus, 303, `return of #${planned.n}`);
      // A shop page, or quittance's waiting page while the payment is not final yet.
      assert.match(
        customer.location ?? '',
        /^(https:\/\/shop\.example\/order\/(success|failure|pending)\?|http:\/\/127\.0\.0\.1:\d+\/pay\/pay_\w+\/wait\?since=\d+$)/,
      );
    }
  });

  it('every payment the platform finalised is final in quittance, or flagged for review', async () => {
    for (const { planned, payment } of runs) {
      const tx = txOf(payment);
      assert.ok(tx.finalStatus, `#${planned.n} was finalised by the platform`);
      const stored = await paymentOf(q, payment.id);
      assert.ok(
        isFinal(stored.status) || stored.needsReview,
        `#${planned.n} (${planned.scenario}, ${planned.faults.map((f) => f.kind).join('+') || 'no fault'}) ` +
          `is ${stored.status} in quittance, ${tx.finalStatus} at the platform`,
      );
      if (has(planned, 'wrong-amount')) {
        assert.equal(stored.needsReview, true, `#${planned.n}: a wrong amount is flagged`);
        assert.equal(isPaid(stored.status), false, `#${planned.n}: a wrong amount is never taken as paid`);
        assert.ok(
          (await signalsOf(q, payment.id)).every((s) => s.settlement === 'conflict'),
          `#${planned.n}: every signal of a wrong amount is a conflict`,
        );
      } else {
        // Nothing was lost for good (drop only loses first attempts), so quittance must match exactly.
        assert.equal(
          stored.status,
          TRUTH[tx.finalStatus as string],
          `#${planned.n} agrees with the platform`,
        );
        assert.equal(stored.needsReview, false, `#${planned.n} has nothing to review`);
      }
    }
  });

  it('every genuine notification was acknowledged; every forged one refused and never applied', async () => {
    let forgedSent = 0;
    for (const tx of transactions) {
      for (const ipn of tx.ipns) {
        if (ipn.forged) {
          forgedSent++;
          assert.equal(ipn.delivered, false, `forged IPN of ${tx.orderId} was not acknowledged`);
          for (const attempt of ipn.attempts.filter((a) => a.status !== undefined)) {
            assert.equal(attempt.status, 401, `forged IPN of ${tx.orderId}: ${attempt.bodyStart}`);
            assert.match(attempt.bodyStart, /^KO SIGNATURE_MISMATCH/);
          }
        } else {
          assert.equal(
            ipn.delivered,
            true,
            `IPN #${ipn.n} (${ipn.status}) of ${tx.orderId} was acknowledged`,
          );
          for (const attempt of ipn.attempts.filter((a) => a.status !== undefined)) {
            assert.equal(attempt.status, 200, `IPN #${ipn.n} of ${tx.orderId}: ${attempt.bodyStart}`);
          }
        }
      }
    }
    assert.ok(forgedSent > 0, 'the run did include forgeries');

    const notifications = await q.engine.store.db
      .selectFrom('inbox')
      .select(['id', 'verdict', 'reason_code', 'headers_json'])
      .where('kind', '=', 'notification')
      .execute();
    const forged = notifications.filter((e) =>
      String(JSON.parse(e.headers_json)['x-simulator-fault'] ?? '').includes('forged'),
    );
    assert.equal(forged.length, forgedSent, 'every forged delivery is in the inbox');
    for (const entry of forged) {
      assert.equal(entry.verdict, 'rejected', `forged entry ${entry.id}`);
      assert.equal(entry.reason_code, 'SIGNATURE_MISMATCH');
      assert.deepEqual(await signalsFrom(q, entry.id), [], `forged entry ${entry.id} produced no signal`);
    }
    for (const entry of notifications.filter((e) => !forged.includes(e))) {
      assert.equal(entry.verdict, 'verified', `genuine entry ${entry.id}: ${entry.reason_code}`);
    }
  });

  it('no effect was enqueued twice, and each payment told the shop exactly its milestones', async () => {
    const all = await effects(q);
    const keys = all.map((e) => `${e.paymentId}:${e.type}`);
    assert.equal(new Set(keys).size, keys.length, 'no duplicate effect');

    for (const { planned, payment } of runs) {
      const types = (await effects(q, payment.id)).map((e) => e.type).sort();
      if (has(planned, 'wrong-amount')) {
        assert.deepEqual(types, ['payment.conflict'], `#${planned.n}`);
      } else {
        const status = TRUTH[txOf(payment).finalStatus as string] as string;
        assert.deepEqual(types, [...(EXPECTED_EFFECTS[status] ?? [])].sort(), `#${planned.n} (${status})`);
      }
    }
  });

  it('every observation was journaled with one applied transition per status', async () => {
    for (const { planned, payment } of runs) {
      const signals = await signalsOf(q, payment.id);
      assert.ok(signals.length > 0, `#${planned.n} has its signals`);
      const applied = signals.filter((s) => s.settlement === 'applied').map((s) => s.status);
      assert.equal(new Set(applied).size, applied.length, `#${planned.n}: ${applied.join(', ')}`);
      if (has(planned, 'duplicate') && !has(planned, 'wrong-amount')) {
        assert.ok(
          signals.some((s) => s.settlement === 'duplicate'),
          `#${planned.n}: the duplicated notice is journaled as a duplicate`,
        );
      }
    }
  });
});
