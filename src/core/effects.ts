import type { PaymentStatus } from './status.js';
import { isFailure, successRank } from './status.js';

export const EVENT_TYPES = [
  'payment.authorized',
  'payment.captured',
  'payment.refunded',
  'payment.failed',
  'payment.conflict',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Work that follows a settlement. `key` is the idempotency key: the store keeps one job per key, and
 * `settle()` already emits each milestone once per payment whatever order signals come in.
 */
export interface Effect {
  readonly type: EventType;
  readonly key: string;
  readonly paymentId: string;
}

/** Milestones on the success path that the shop is told about. */
const MILESTONES: ReadonlyArray<{ status: PaymentStatus; type: EventType }> = [
  { status: 'authorized', type: 'payment.authorized' },
  { status: 'captured', type: 'payment.captured' },
  { status: 'refunded', type: 'payment.refunded' },
];

/**
 * Effects of an applied move. Every milestone passed over counts, so a payment that jumps from
 * `created` straight to `captured` (the authorization notice got lost or comes late) still tells the
 * shop `payment.authorized` then `payment.captured`: the same effects as the step-by-step path, which
 * is what makes the result independent of delivery order.
 */
export function effectsOfMove(paymentId: string, from: PaymentStatus, to: PaymentStatus): Effect[] {
  if (isFailure(to)) {
    return [{ type: 'payment.failed', key: `${paymentId}:payment.failed`, paymentId }];
  }
  const fromRank = successRank(from);
  const toRank = successRank(to);
  return MILESTONES.filter(({ status }) => {
    const rank = successRank(status);
    return rank > fromRank && rank <= toRank;
  }).map(({ type }) => ({ type, key: `${paymentId}:${type}`, paymentId }));
}
