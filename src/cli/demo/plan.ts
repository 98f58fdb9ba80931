import type { Fault, FaultKind, Scenario } from '../../simulator/platform.js';

export interface PlannedPayment {
  readonly orderRef: string;
  readonly amount: number;
  readonly scenario: Scenario;
  readonly faults: readonly Fault[];
}

/** How often each fault is injected, per payment. Several may hit the same payment. */
export const FAULT_RATES: ReadonlyArray<{
  readonly fault: Fault;
  readonly rate: number;
  readonly paidOnly?: boolean;
}> = [
  { fault: { kind: 'drop' }, rate: 0.15 },
  { fault: { kind: 'delay', ms: 40 }, rate: 0.1 },
  { fault: { kind: 'duplicate' }, rate: 0.15 },
  { fault: { kind: 'reorder' }, rate: 0.15, paidOnly: true },
  { fault: { kind: 'bad-signature' }, rate: 0.1 },
  { fault: { kind: 'wrong-amount' }, rate: 0.03 },
  { fault: { kind: 'drop-all' }, rate: 0.03 },
];

const SCENARIOS: ReadonlyArray<{ readonly scenario: Scenario; readonly weight: number }> = [
  { scenario: 'paid', weight: 0.7 },
  { scenario: 'refused', weight: 0.15 },
  { scenario: 'cancelled', weight: 0.1 },
  { scenario: 'authorised-only', weight: 0.05 },
];

/** What the simulated gateway can play; by default everything (Lyra). */
export interface PlanLimits {
  readonly scenarios: readonly Scenario[];
  readonly faultKinds: readonly FaultKind[];
}

/**
 * The same seed always gives the same payments, scenarios and faults. A gateway that cannot play a
 * scenario or commit a fault draws the same random numbers and skips it, so plans stay comparable.
 */
export function planPayments(count: number, random: () => number, limits?: PlanLimits): PlannedPayment[] {
  return Array.from({ length: count }, (_, i) => {
    const drawn = pickWeighted(random());
    const scenario = !limits || limits.scenarios.includes(drawn) ? drawn : 'paid';
    const faults = FAULT_RATES.filter(
      (f) =>
        random() < f.rate &&
        (!f.paidOnly || scenario === 'paid') &&
        (!limits || limits.faultKinds.includes(f.fault.kind)),
    ).map((f) => f.fault);
    return {
      orderRef: `demo-${String(i + 1).padStart(5, '0')}`,
      amount: 100 + Math.floor(random() * 99_900),
      scenario,
      faults,
    };
  });
}

function pickWeighted(unit: number): Scenario {
  let rest = unit;
  for (const { scenario, weight } of SCENARIOS) {
    rest -= weight;
    if (rest < 0) return scenario;
  }
  return 'paid';
}
