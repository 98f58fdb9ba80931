import type { PaymentStatus } from '../core/index.js';
import type { Fault, FaultKind } from './faults.js';

export type { Fault, FaultKind } from './faults.js';

/**
 * What the simulated customer does on the gateway's page:
 * - paid: pays; the gateway captures (at once, or after an authorization where the protocol shows both steps);
 * - refused: the card is refused;
 * - cancelled: the customer gives up on the page (where the protocol tells the shop so);
 * - authorised-only: authorized, never captured (protocols with a separate capture).
 */
export type Scenario = 'paid' | 'refused' | 'cancelled' | 'authorised-only';
export const SCENARIOS: readonly Scenario[] = ['paid', 'refused', 'cancelled', 'authorised-only'];

/** What a platform ended with for one payment, in quittance's words: what the demo and e2e tests compare with. */
export interface PlatformOutcome {
  /** Our reading of the gateway's last word; null while the customer has not acted. */
  readonly truth: PaymentStatus | null;
  /** Minor units, as the order was sent to the gateway. */
  readonly orderAmount: number;
  /** Minor units the gateway settled (differs under the `wrong-amount` fault). */
  readonly settledAmount: number;
}

export interface PayInput {
  /** The checkout quittance answered to `POST /api/payments` (method, url, fields). */
  readonly checkout: {
    readonly method: string;
    readonly url: string;
    readonly fields: Readonly<Record<string, string>>;
  };
  readonly scenario: Scenario;
  readonly faults: readonly Fault[];
  /** Whether the customer's browser comes back to quittance's return URL afterwards. */
  readonly returns: boolean;
}

/**
 * One simulated gateway, driven the same way whatever its protocol, so `quittance demo --gateway <id>` and the
 * end-to-end tests run every gateway with one loop. Every simulator:
 * - plays the customer (`pay`): opens the checkout as a browser would, acts per scenario, comes back if asked;
 * - sends its notifications to the URL the checkout named, with its real retry policy (time-scaled) and the
 *   faults asked (see faults.ts); each forged request carries the header `x-simulator-fault: forged` (comma-separated
 *   list of the request's faults) so the judge can tell forgeries apart in quittance's inbox;
 * - answers its status API (where the gateway has one) from the same transactions.
 */
export interface SimulatedPlatform {
  /** The gateway adapter id quittance uses for it (`lyra`, `sips`…). */
  readonly gateway: string;
  /** The `credentials` of a quittance account that talks to this simulator (secrets included, apiBase set). */
  readonly credentials: Readonly<Record<string, unknown>>;
  /** Scenarios the protocol can express. */
  readonly scenarios: readonly Scenario[];
  /** Faults this simulator can commit. */
  readonly faultKinds: readonly FaultKind[];
  /** Currency of the demo payments (EUR unless the gateway takes none). */
  readonly currency: string;
  /** Plays one customer; resolves with the simulator's key for the transaction, for `outcome`. */
  pay(input: PayInput): Promise<string>;
  outcome(key: string): PlatformOutcome | undefined;
  /** Resolves when no notification is scheduled or in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface PlatformOptions {
  readonly seed: number;
  /** Gateway time per real time: 0.0005 turns a 15-minute retry slot into 450 ms. */
  readonly timeScale: number;
}

export type PlatformFactory = (options: PlatformOptions) => Promise<SimulatedPlatform>;
