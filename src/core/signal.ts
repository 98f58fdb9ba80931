import type { Money } from './money.js';
import type { PaymentStatus } from './status.js';

export const SIGNAL_SOURCES = ['notification', 'return', 'poll', 'operator'] as const;
export type SignalSource = (typeof SIGNAL_SOURCES)[number];

export const SETTLEMENTS = ['applied', 'duplicate', 'stale', 'conflict', 'rejected'] as const;
export type Settlement = (typeof SETTLEMENTS)[number];

/** One observation of a payment's state. Every signal is journaled, applied or not. */
export interface Signal {
  readonly source: SignalSource;
  readonly status: PaymentStatus;
  /** The amount the observation speaks of, when the protocol says it. Compared with the order's. */
  readonly amount?: Money | undefined;
  /** The gateway's own transaction reference (Lyra's vads_trans_uuid, Sips' transactionReference...). */
  readonly gatewayRef?: string | undefined;
  /** The gateway's own word for the status (AUTHORISED, 00, CAPTURED...), kept for people. */
  readonly gatewayStatus?: string | undefined;
  /** Why, in words: an operator's reason, a refusal's code. */
  readonly note?: string | undefined;
  /**
   * Operator signals only: a person decided, after review, that the payment IS in `status`. It is
   * applied whatever the current status, clears the review flag, and `ref` (the decision's id) keys
   * its effects so the shop hears of the decision even if it heard of the same milestone before.
   */
  readonly override?: { readonly ref: string } | undefined;
}
