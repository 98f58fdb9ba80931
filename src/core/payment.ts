import type { Money } from './money.js';
import type { PaymentStatus } from './status.js';

/** The state `settle()` reads and writes. Storage details (version, timestamps) live outside core. */
export interface PaymentState {
  readonly id: string;
  readonly amount: Money;
  readonly status: PaymentStatus;
  readonly gatewayRef: string | null;
  /** Set once a conflicting signal was seen; cleared only by a person. */
  readonly needsReview: boolean;
}
