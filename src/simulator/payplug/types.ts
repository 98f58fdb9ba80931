import type { ResourceNotification } from '../_shared/notifier.js';
import type { Fault } from '../faults.js';

/** What the shopper can do on PayPlug's hosted page (no deferred capture modelled: no authorised-only). */
export type PayplugScenario = 'paid' | 'refused' | 'cancelled';
export const PAYPLUG_SCENARIOS: readonly PayplugScenario[] = ['paid', 'refused', 'cancelled'];

export interface PayplugSimulatorOptions {
  /** Secret keys the API accepts (`sk_test_…`); any other Bearer token gets 401. */
  readonly secretKeys: readonly string[];
  /** 1 = real time; 0.001 makes a 1-minute retry delay last 60 ms. Default 1. */
  readonly timeScale?: number;
  /** Retry failed notifications (clock.ts RETRY_DELAYS_MS). Default true. */
  readonly retries?: boolean;
  readonly seed?: number;
  readonly host?: string;
  readonly port?: number;
}

/** One notification; its attempts are the common Attempt (_shared/attempt.ts). */
export type SimNotification = ResourceNotification;

export interface SimPayment {
  readonly id: string;
  readonly secretKey: string;
  readonly orderAmount: number;
  readonly currency: string;
  readonly createdAt: number;
  readonly returnUrl: string;
  readonly cancelUrl: string;
  readonly notificationUrl: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly paymentUrl: string;
  scenario: PayplugScenario | null;
  faults: Fault[];
  /** What PayPlug settled: the order amount, + 1 under `wrong-amount`. */
  settledAmount: number;
  /** Seconds since the epoch, once paid. */
  paidAt: number | null;
  failure: { readonly code: string; readonly message: string } | null;
  readonly notifications: SimNotification[];
}

/** One API call, as the simulator saw it. */
export interface ApiCall {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly version: string | undefined;
}

export interface PayplugSimulator {
  readonly url: string;
  /** url: a quittance account's `apiBase`. */
  readonly apiBase: string;
  payments(): SimPayment[];
  /** One payment (a copy), by its pay_ id. */
  payment(id: string): SimPayment | undefined;
  apiCalls(): ApiCall[];
  idle(): Promise<void>;
  close(): Promise<void>;
}
