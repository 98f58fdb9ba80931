import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type {
  Effect,
  Money,
  PaymentState,
  PaymentStatus,
  Signal,
  SignalSource,
} from '../../src/core/index.js';
import { isFinal, PAYMENT_STATUSES, SIGNAL_SOURCES, settle, successRank } from '../../src/core/index.js';

const RUNS = { numRuns: 500 };

const SUCCESS: readonly PaymentStatus[] = [
  'created',
  'pending',
  'authorized',
  'captured',
  'partially_refunded',
  'refunded',
];
const FAILURES = ['refused', 'cancelled', 'expired', 'error'] as const;
const VOIDS = ['cancelled', 'expired'] as const;
const CURRENCIES = ['EUR', 'JPY', 'KWD', 'USD', 'KUDOS'] as const;

// ---------------------------------------------------------------------------------------------
// Arbitraries

const orderArb: fc.Arbitrary<Money> = fc.record({
  value: fc.integer({ min: 0, max: 10_000_000 }),
  currency: fc.constantFrom(...CURRENCIES),
});
const paymentIdArb = fc.constantFrom('pay_01a', 'pay_01b', 'pay_zz');
const gatewayRefArb = fc.constantFrom('tx_1', 'tx_2', 'TX-3');
const statusArb = fc.constantFrom(...PAYMENT_STATUSES);
const finalStatusArb = fc.constantFrom(...PAYMENT_STATUSES.filter(isFinal));
const storySourceArb = fc.constantFrom<SignalSource>('notification', 'return', 'poll');
const anySourceArb = fc.constantFrom(...SIGNAL_SOURCES);

interface Story {
  readonly kind: 'success' | 'failure' | 'void';
  /** The statuses observed, in the order the gateway went through them. */
  readonly steps: readonly PaymentStatus[];
}

/** A prefix of the success path up to its furthest step, any earlier step possibly missing. */
const successStoryArb: fc.Arbitrary<Story> = fc
  .integer({ min: 0, max: SUCCESS.length - 1 })
  .chain((furthest) =>
    fc.subarray(SUCCESS.slice(0, furthest)).map((earlier) => ({
      kind: 'success' as const,
      steps: [...earlier, SUCCESS[furthest] as PaymentStatus],
    })),
  );

const failureStoryArb: fc.Arbitrary<Story> = fc
  .tuple(fc.boolean(), fc.constantFrom(...FAILURES))
  .map(([pending, failure]) => ({
    kind: 'failure' as const,
    steps: pending ? ['pending', failure] : [failure],
  }));

const voidStoryArb: fc.Arbitrary<Story> = fc
  .tuple(fc.boolean(), fc.constantFrom(...VOIDS))
  .map(([pending, end]) => ({
    kind: 'void' as const,
    steps: pending ? ['pending', 'authorized', end] : ['authorized', end],
  }));

interface Case {
  readonly story: Story;
  readonly start: PaymentState;
  /** One signal per story step, in story order. */
  readonly signals: readonly Signal[];
  /** The same signals, some duplicated, in some delivery order. */
  readonly delivered: readonly Signal[];
}

function caseArb(storyArb: fc.Arbitrary<Story>): fc.Arbitrary<Case> {
  return fc
    .record({ story: storyArb, order: orderArb, id: paymentIdArb, ref: gatewayRefArb })
    .chain(({ story, order, id, ref }) => {
      const signalArb = (status: PaymentStatus) =>
        fc.record({ source: storySourceArb, withAmount: fc.boolean(), withRef: fc.boolean() }).map(
          ({ source, withAmount, withRef }): Signal => ({
            source,
            status,
            // a copy, equal in value to the order's amount but not the same object
            ...(withAmount ? { amount: { value: order.value, currency: order.currency } } : {}),
            ...(withRef ? { gatewayRef: ref } : {}),
          }),
        );
      const start: PaymentState = {
        id,
        amount: order,
        status: 'created',
        gatewayRef: null,
        needsReview: false,
      };
      return fc
        .tuple(
          fc.tuple(...story.steps.map(signalArb)),
          fc.array(fc.integer({ min: 1, max: 3 }), {
            minLength: story.steps.length,
            maxLength: story.steps.length,
          }),
        )
        .chain(([signals, copies]) => {
          const expanded = signals.flatMap((s, i) => Array.from({ length: copies[i] ?? 1 }, () => s));
          return fc
            .shuffledSubarray(expanded, { minLength: expanded.length, maxLength: expanded.length })
            .map((delivered): Case => ({ story, start, signals, delivered }));
        });
    });
}

/** Reorders a void story's delivery so that every authorization comes before every void; pending stays put. */
function authorizationsFirst(delivered: readonly Signal[]): Signal[] {
  const slots = delivered.map((s, i) => (s.status === 'pending' ? -1 : i)).filter((i) => i >= 0);
  const authorizations = delivered.filter((s) => s.status === 'authorized');
  const voids = delivered.filter((s) => s.status !== 'authorized' && s.status !== 'pending');
  const out = [...delivered];
  [...authorizations, ...voids].forEach((s, k) => {
    out[slots[k] as number] = s;
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Helpers

interface Fold {
  readonly payment: PaymentState;
  readonly effects: readonly Effect[];
  readonly settlements: readonly string[];
}

function fold(start: PaymentState, signals: readonly Signal[]): Fold {
  let payment = start;
  const effects: Effect[] = [];
  const settlements: string[] = [];
  for (const signal of signals) {
    const r = settle(payment, signal);
    payment = r.payment;
    effects.push(...r.effects);
    settlements.push(r.settlement);
  }
  return { payment, effects, settlements };
}

const keysOf = (effects: readonly Effect[]) => effects.map((e) => e.key).sort();

/** What the shop must hear about for a story, written from the story alone. */
function expectedKeys(id: string, story: Story): string[] {
  const last = story.steps.at(-1) as PaymentStatus;
  const keys: string[] = [];
  if (story.kind === 'success' || story.kind === 'void') {
    const reached = story.kind === 'void' ? successRank('authorized') : successRank(last);
    if (reached >= successRank('authorized')) keys.push(`${id}:payment.authorized`);
    if (reached >= successRank('captured')) keys.push(`${id}:payment.captured`);
    if (reached >= successRank('refunded')) keys.push(`${id}:payment.refunded`);
  }
  if (story.kind !== 'success') keys.push(`${id}:payment.failed`);
  return keys.sort();
}

function assertConsistentFold(c: Case, delivered: readonly Signal[]): void {
  const furthest = c.story.steps.at(-1) as PaymentStatus;
  const inOrder = fold(c.start, c.signals);
  const shuffled = fold(c.start, delivered);

  assert.equal(shuffled.payment.status, furthest);
  assert.equal(inOrder.payment.status, furthest);
  assert.ok(!shuffled.settlements.includes('conflict'), `unexpected conflict: ${shuffled.settlements}`);
  assert.equal(shuffled.payment.needsReview, false);

  const keys = keysOf(shuffled.effects);
  assert.equal(new Set(keys).size, keys.length, `an effect key was emitted twice: ${keys}`);
  assert.deepEqual(keys, keysOf(inOrder.effects));
  assert.deepEqual(keys, expectedKeys(c.start.id, c.story));
}

// ---------------------------------------------------------------------------------------------
// Properties

describe('settle() properties', () => {
  it('(a) success and failure stories: any permutation with duplicates ends in the same state and effects', () => {
    fc.assert(
      fc.property(caseArb(fc.oneof(successStoryArb, failureStoryArb)), (c) => {
        assertConsistentFold(c, c.delivered);
      }),
      RUNS,
    );
  });

  it('(a) void stories delivered with every authorization before the void: same state and effects', () => {
    fc.assert(
      fc.property(caseArb(voidStoryArb), (c) => {
        assertConsistentFold(c, authorizationsFirst(c.delivered));
      }),
      RUNS,
    );
  });

  it('(a) void stories: an authorization arriving after the void is always flagged as a conflict', () => {
    fc.assert(
      fc.property(caseArb(voidStoryArb), ({ story, start, delivered }) => {
        const end = story.steps.at(-1) as PaymentStatus;
        const firstVoid = delivered.findIndex((s) => s.status === end);
        const firstAuth = delivered.findIndex((s) => s.status === 'authorized');
        const authAfterVoid = delivered.some((s, i) => s.status === 'authorized' && i > firstVoid);
        const r = fold(start, delivered);

        assert.equal(r.payment.status, end, 'the void wins in every order');
        assert.equal(r.payment.needsReview, authAfterVoid);
        assert.equal(r.settlements.includes('conflict'), authAfterVoid);
        const conflictKeys = r.effects.filter((e) => e.type === 'payment.conflict');
        assert.equal(conflictKeys.length > 0, authAfterVoid);

        const milestones = keysOf(r.effects.filter((e) => e.type !== 'payment.conflict'));
        assert.equal(
          new Set(milestones).size,
          milestones.length,
          `a milestone was emitted twice: ${milestones}`,
        );
        const expected = [`${start.id}:payment.failed`];
        if (firstAuth < firstVoid) expected.push(`${start.id}:payment.authorized`);
        assert.deepEqual(milestones, expected.sort());
      }),
      RUNS,
    );
  });

  it('(b) an amount or currency different from the order is always a conflict and never moves the payment', () => {
    const differentMoneyArb = (order: Money): fc.Arbitrary<Money> =>
      fc.oneof(
        fc
          .integer({ min: 0, max: Number.MAX_SAFE_INTEGER })
          .filter((v) => v !== order.value)
          .map((value) => ({ value, currency: order.currency })),
        fc
          .constantFrom(...CURRENCIES)
          .filter((cur) => cur !== order.currency)
          .map((currency) => ({ value: order.value, currency })),
        fc
          .record({ value: fc.nat(), currency: fc.constantFrom(...CURRENCIES, 'CHF', 'GBP') })
          .filter((m) => m.value !== order.value || m.currency !== order.currency),
      );
    const arb = fc
      .record({
        order: orderArb,
        id: paymentIdArb,
        status: statusArb,
        paymentRef: fc.option(gatewayRefArb, { nil: null }),
        needsReview: fc.boolean(),
        signalStatus: statusArb,
        source: anySourceArb,
        signalRef: fc.option(gatewayRefArb, { nil: undefined }),
      })
      .chain((r) => differentMoneyArb(r.order).map((amount) => ({ ...r, amount })));

    fc.assert(
      fc.property(arb, (r) => {
        const before: PaymentState = {
          id: r.id,
          amount: r.order,
          status: r.status,
          gatewayRef: r.paymentRef,
          needsReview: r.needsReview,
        };
        const signal: Signal = {
          source: r.source,
          status: r.signalStatus,
          amount: r.amount,
          gatewayRef: r.signalRef,
        };
        const out = settle(before, signal);
        assert.equal(out.settlement, 'conflict');
        assert.deepEqual(out.payment, { ...before, needsReview: true });
        assert.deepEqual(
          out.effects.map((e) => e.type),
          before.needsReview ? [] : ['payment.conflict'],
        );
      }),
      RUNS,
    );
  });

  it('(c) a final payment only moves forward on the success path or from authorized to a void', () => {
    const signalArb = (order: Money): fc.Arbitrary<Signal> =>
      fc.record({
        source: anySourceArb,
        status: statusArb,
        amount: fc.oneof(
          fc.constant(undefined),
          fc.constant({ value: order.value, currency: order.currency }),
          fc.record({ value: fc.nat(), currency: fc.constantFrom(...CURRENCIES) }),
        ),
        gatewayRef: fc.option(gatewayRefArb, { nil: undefined }),
      });
    const arb = fc
      .record({
        order: orderArb,
        status: finalStatusArb,
        ref: fc.option(gatewayRefArb, { nil: null }),
      })
      .chain(({ order, status, ref }) =>
        fc.array(signalArb(order), { minLength: 1, maxLength: 12 }).map((signals) => ({
          start: {
            id: 'pay_01final',
            amount: order,
            status,
            gatewayRef: ref,
            needsReview: false,
          } as PaymentState,
          signals,
        })),
      );

    const allowed = (from: PaymentStatus, to: PaymentStatus): boolean => {
      if (from === to) return true;
      if (successRank(from) >= 0 && successRank(to) > successRank(from)) return true;
      return from === 'authorized' && (to === 'cancelled' || to === 'expired');
    };

    fc.assert(
      fc.property(arb, ({ start, signals }) => {
        let p = start;
        for (const signal of signals) {
          const next = settle(p, signal).payment;
          assert.ok(isFinal(next.status), `${p.status} → ${next.status} left the final states`);
          assert.ok(
            allowed(p.status, next.status),
            `${p.status} → ${next.status} on ${JSON.stringify(signal)}`,
          );
          p = next;
        }
      }),
      RUNS,
    );
  });

  it('(d) settle never throws and keeps id and amount', () => {
    const moneyArb = fc.record({
      value: fc.oneof(fc.nat(), fc.integer(), fc.constant(Number.MAX_SAFE_INTEGER)),
      currency: fc.oneof(fc.constantFrom(...CURRENCIES), fc.stringMatching(/^[A-Z]{3,12}$/)),
    });
    const paymentArb: fc.Arbitrary<PaymentState> = fc.record({
      id: fc.string(),
      amount: moneyArb,
      status: statusArb,
      gatewayRef: fc.option(fc.string(), { nil: null }),
      needsReview: fc.boolean(),
    });
    const signalArb: fc.Arbitrary<Signal> = fc.record(
      {
        source: anySourceArb,
        status: statusArb,
        amount: fc.option(moneyArb, { nil: undefined }),
        gatewayRef: fc.option(fc.string(), { nil: undefined }),
        gatewayStatus: fc.option(fc.string(), { nil: undefined }),
        note: fc.option(fc.string(), { nil: undefined }),
      },
      { requiredKeys: ['source', 'status'] },
    );

    fc.assert(
      fc.property(paymentArb, fc.array(signalArb, { maxLength: 6 }), (start, signals) => {
        let p = start;
        for (const signal of signals) {
          const r = settle(p, signal);
          assert.equal(r.payment.id, start.id);
          assert.equal(r.payment.amount, start.amount);
          assert.ok(['applied', 'duplicate', 'stale', 'conflict'].includes(r.settlement));
          assert.equal(typeof r.reason, 'string');
          assert.ok(r.reason.length > 0);
          assert.equal(r.payment.status, r.settlement === 'applied' ? signal.status : p.status);
          for (const e of r.effects) assert.equal(e.paymentId, start.id);
          p = r.payment;
        }
      }),
      RUNS,
    );
  });
});
