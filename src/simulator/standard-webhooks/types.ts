import type { DeliveryRecord } from '../_shared/notifier.js';
import type { Fault, Scenario } from '../platform.js';

export interface SimNotification extends DeliveryRecord {
  /** The message's webhook-id: the same on every attempt and on the duplicate copy. */
  readonly msgId: string;
  /** The status word the payload carries. */
  readonly status: string;
  readonly forged: boolean;
}

export interface SimPayment {
  readonly txn: string;
  readonly reference: string;
  readonly orderAmount: number;
  readonly currency: string;
  readonly returnUrl: string;
  readonly notifyUrl: string;
  scenario: Scenario | null;
  settledAmount: number;
  faults: Fault[];
  readonly notifications: SimNotification[];
}

export interface StandardWebhooksSimulatorOptions {
  /** The endpoint's signing secret (`whsec_…`). */
  readonly secret: string;
  readonly timeScale?: number;
  readonly seed?: number;
  readonly retries?: boolean;
}

export interface StandardWebhooksSimulator {
  /** The payment page quittance sends customers to (`credentials.checkoutUrl`). */
  readonly checkoutUrl: string;
  payment(txn: string): SimPayment | undefined;
  idle(): Promise<void>;
  close(): Promise<void>;
}
