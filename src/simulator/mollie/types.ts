import type { ResourceNotification } from '../_shared/notifier.js';
import type { Fault } from '../faults.js';

/**
 * What the shopper can do on Mollie's hosted checkout, in Mollie's status words (docs.mollie.com/docs/status-change):
 * pay, fail (refused by the bank), cancel, let the payment expire, or be authorized only (captureMode manual).
 */
export type MollieScenario = 'paid' | 'failed' | 'canceled' | 'expired' | 'authorized';
export const MOLLIE_SCENARIOS: readonly MollieScenario[] = [
  'paid',
  'failed',
  'canceled',
  'expired',
  'authorized',
];

export interface MollieSimulatorOptions {
  /** API keys the API accepts (`test_…` / `live_…`); any other Bearer token gets 401. */
  readonly apiKeys: readonly string[];
  /** 1 = real time; 0.001 makes a 1-minute retry delay last 60 ms. Default 1. */
  readonly timeScale?: number;
  /** Retry failed webhooks (clock.ts RETRY_DELAYS_MS). Default true. */
  readonly retries?: boolean;
  readonly seed?: number;
  readonly host?: string;
  readonly port?: number;
}

/** One webhook call series; its attempts are the common Attempt (_shared/attempt.ts). */
export type SimNotification = ResourceNotification;

export interface SimPayment {
  readonly id: string;
  readonly apiKey: string;
  readonly mode: 'test' | 'live';
  readonly orderAmount: number;
  readonly currency: string;
  readonly description: string;
  readonly createdAt: string;
  readonly redirectUrl: string;
  readonly webhookUrl: string | undefined;
  readonly metadata: unknown;
  readonly checkoutUrl: string;
  status: 'open' | MollieScenario;
  scenario: MollieScenario | null;
  faults: Fault[];
  /** What Mollie settled: the order amount, + 1 under `wrong-amount`. */
  settledAmount: number;
  /** ISO time of the status change the shopper caused. */
  decidedAt: string | null;
  amountRefunded: number;
  readonly notifications: SimNotification[];
}

/** One API call, as the simulator saw it. */
export interface ApiCall {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly idempotencyKey: string | undefined;
}

export interface MollieSimulator {
  readonly url: string;
  /** url: a quittance account's `apiBase`. */
  readonly apiBase: string;
  payments(): SimPayment[];
  /** One payment (a copy), by its tr_ id. */
  payment(id: string): SimPayment | undefined;
  apiCalls(): ApiCall[];
  idle(): Promise<void>;
  close(): Promise<void>;
}
