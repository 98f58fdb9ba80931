import type { Attempt } from '../_shared/attempt.js';
import type { Fault } from '../faults.js';

/**
 * What the shopper does at Stripe Checkout: pays by card (captured at once); pays with a delayed method whose debit
 * then fails (`refused`: checkout.session.completed unpaid, then async_payment_failed); gives up (`cancelled`: back to
 * cancel_url, and the session expires).
 */
export type StripeScenario = 'paid' | 'refused' | 'cancelled';
export const STRIPE_SCENARIOS: readonly StripeScenario[] = ['paid', 'refused', 'cancelled'];

export interface StripeSimulatorOptions {
  /** Secret keys the API accepts (`sk_test_…`); any other Bearer token gets 401. */
  readonly secretKeys: readonly string[];
  /** The endpoint's signing secrets; every event carries one `v1=` per secret (two while a secret is rolled). */
  readonly webhookSecrets: readonly string[];
  /**
   * Where events go (the Dashboard's endpoint URL). Absent: `<origin of the session's success_url>/notify/<account>`,
   * the account read from a quittance return URL (`/return/<account>/<payment>`).
   */
  readonly endpointUrl?: string;
  readonly timeScale?: number;
  readonly retries?: boolean;
  readonly seed?: number;
  readonly host?: string;
  readonly port?: number;
}

export interface SimEvent {
  readonly n: number;
  readonly id: string;
  readonly type: string;
  readonly forged: boolean;
  delivered: boolean;
  gaveUp: boolean;
  readonly attempts: Attempt[];
}

export interface SimSession {
  readonly id: string;
  readonly secretKey: string;
  readonly orderAmount: number;
  readonly currency: string;
  readonly clientReferenceId: string | undefined;
  readonly metadata: Readonly<Record<string, string>>;
  readonly intentMetadata: Readonly<Record<string, string>>;
  readonly successUrl: string;
  readonly cancelUrl: string;
  readonly url: string;
  readonly created: number;
  status: 'open' | 'complete' | 'expired';
  paymentStatus: 'unpaid' | 'paid';
  /** Set once the shopper confirmed a payment (Checkout creates the PaymentIntent then). */
  intent: { readonly id: string; status: string; lastPaymentError: string | null } | null;
  scenario: StripeScenario | null;
  faults: Fault[];
  /** What Stripe settled: the order amount, + 1 under `wrong-amount`. */
  settledAmount: number;
  readonly events: SimEvent[];
}

export interface StripeSimulator {
  readonly url: string;
  readonly apiBase: string;
  sessions(): SimSession[];
  session(id: string): SimSession | undefined;
  idle(): Promise<void>;
  close(): Promise<void>;
}
