/**
 * Faults a test can ask a simulated platform to commit on one payment (every simulator speaks these; "IPN" below is
 * the gateway's notification, whatever its protocol calls it). Each is deterministic given the list:
 * - drop: the first attempt of each IPN is lost in transit (a failed attempt; retries may recover it)
 * - drop-all: every attempt is lost, nothing is ever delivered
 * - delay: `ms` (unscaled) before the first attempt of each IPN
 * - duplicate: each delivered IPN is sent once more, right after the delivery
 * - reorder: for `paid`, the CAPTURED IPN goes out before the AUTHORISED one
 * - bad-signature: an extra forged IPN claims the opposite outcome with a wrong signature
 * - wrong-amount: the platform settles the order amount + 1 minor unit, correctly signed
 */
export type Fault =
  | { readonly kind: 'drop' }
  | { readonly kind: 'drop-all' }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'reorder' }
  | { readonly kind: 'bad-signature' }
  | { readonly kind: 'wrong-amount' };

export type FaultKind = Fault['kind'];

export const FAULT_KINDS: readonly FaultKind[] = [
  'drop',
  'drop-all',
  'delay',
  'duplicate',
  'reorder',
  'bad-signature',
  'wrong-amount',
];

export class FaultError extends Error {
  override readonly name = 'FaultError';
}

/** Validates faults that arrived as JSON. */
export function parseFaults(input: unknown): Fault[] {
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input)) throw new FaultError('faults must be an array');
  return input.map((item: unknown, i) => {
    const kind = isObject(item) ? item.kind : undefined;
    if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
      throw new FaultError(`faults[${i}]: kind must be one of ${FAULT_KINDS.join(', ')}`);
    }
    if (kind !== 'delay') return { kind } as Fault;
    const ms = isObject(item) ? item.ms : undefined;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new FaultError(`faults[${i}]: delay needs ms, a non-negative number`);
    }
    return { kind, ms };
  });
}

export function hasFault(faults: readonly Fault[], kind: FaultKind): boolean {
  return faults.some((f) => f.kind === kind);
}

/** Total unscaled delay before a first attempt. */
export function delayOf(faults: readonly Fault[]): number {
  return faults.reduce((sum, f) => sum + (f.kind === 'delay' ? f.ms : 0), 0);
}

/** Whether attempt `index` (0 = first) of a genuine IPN never leaves the platform. */
export function dropsAttempt(faults: readonly Fault[], index: number): boolean {
  return hasFault(faults, 'drop-all') || (index === 0 && hasFault(faults, 'drop'));
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}
