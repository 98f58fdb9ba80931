import type { Attempt } from '../_shared/attempt.js';
import type { Fault } from '../faults.js';

/** What the shopper does on the payment link's page. Adyen tells nothing when a shopper just leaves a link. */
export type AdyenScenario = 'paid' | 'refused' | 'authorised-only';
export const ADYEN_SCENARIOS: readonly AdyenScenario[] = ['paid', 'refused', 'authorised-only'];

export interface AdyenSimulatorOptions {
  /** The Checkout API keys `X-API-Key` may carry; anything else gets 401. */
  readonly apiKeys: readonly string[];
  /** The webhook's HMAC key (hex) the notifications are signed with. */
  readonly hmacKey: string;
  readonly merchantAccount: string;
  /**
   * Where the webhook goes (set in the Customer Area at Adyen, not per payment). Default: quittance's notify URL,
   * derived from each link's returnUrl (`…/return/<account>/<payment>` → `…/notify/<account>`).
   */
  readonly webhookUrl?: string;
  /** 1 = real time. Default 1. */
  readonly timeScale?: number;
  /** Retry failed notifications (clock.ts). Default true. */
  readonly retries?: boolean;
  readonly seed?: number;
  readonly host?: string;
  readonly port?: number;
}

/** One notification (one item per request, as Adyen sends them today). */
export interface SimNotification {
  readonly n: number;
  readonly eventCode: string;
  readonly forged: boolean;
  delivered: boolean;
  gaveUp: boolean;
  readonly attempts: Attempt[];
}

export interface SimLink {
  readonly id: string;
  readonly reference: string;
  readonly merchantAccount: string;
  readonly amount: { readonly value: number; readonly currency: string };
  readonly returnUrl: string;
  readonly webhookUrl: string;
  readonly url: string;
  /** The payment's pspReference once the shopper paid. */
  pspReference: string | null;
  scenario: AdyenScenario | null;
  faults: Fault[];
  settledAmount: number;
  readonly notifications: SimNotification[];
}

export interface AdyenSimulator {
  readonly url: string;
  /** A quittance account's `apiBase` (…/v72). */
  readonly apiBase: string;
  links(): SimLink[];
  link(id: string): SimLink | undefined;
  idle(): Promise<void>;
  close(): Promise<void>;
}
