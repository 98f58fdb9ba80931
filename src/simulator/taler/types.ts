import type { Attempt } from '../_shared/attempt.js';
import type { DeliveryRecord } from '../_shared/notifier.js';
import type { Fault } from '../faults.js';

/**
 * What the simulated wallet does with an order. Taler has no refusal: a wallet either pays the contract or never does
 * (the order then expires at its pay deadline). So `refused` and `authorised-only` have no meaning here.
 */
export type TalerScenario = 'paid' | 'cancelled';
export const TALER_SCENARIOS: readonly TalerScenario[] = ['paid', 'cancelled'];

export interface TalerSimulatorOptions {
  /** Access tokens the private API accepts, with or without the `secret-token:` prefix; any other gets 401. */
  readonly tokens: readonly string[];
  /** The currency the backend's exchange deals in (default KUDOS); orders in another are refused. */
  readonly currency?: string;
  /** 1 = real time; scales the webhook retry delays. Default 1. */
  readonly timeScale?: number;
  /** Retry failed webhooks (RETRY_DELAYS_MS). Default true. */
  readonly retries?: boolean;
  readonly seed?: number;
  readonly host?: string;
  readonly port?: number;
  /** Refund delay when an order sets no refund_deadline (the instance default), seconds. Default one day. */
  readonly defaultRefundDelaySeconds?: number;
  /** Pay delay when an order sets no pay_deadline (the instance's default_pay_delay), seconds. Default 2 h. */
  readonly defaultPayDelaySeconds?: number;
}

export type WebhookEvent = 'pay' | 'refund';

/** A webhook as `POST /private/webhooks` registers it (docs.taler.net merchant API `WebhookAddDetails`). */
export interface SimWebhook {
  readonly webhookId: string;
  readonly eventType: string;
  readonly url: string;
  readonly httpMethod: string;
  readonly headerTemplate: string | undefined;
  readonly bodyTemplate: string | undefined;
}

export interface SimWebhookDelivery extends DeliveryRecord {
  readonly event: string;
  /** The order the body names (a forgery may name one the backend does not have). */
  readonly orderId: string;
  readonly forged: boolean;
  readonly attempts: Attempt[];
}

export interface SimRefund {
  /** The running total after this refund, in 1e-8 units. */
  readonly totalUnits: bigint;
  readonly increaseUnits: bigint;
  readonly reason: string;
  readonly timestamp: number;
}

export interface SimOrder {
  readonly id: string;
  readonly claimToken: string;
  readonly currency: string;
  /** The amount in 1e-8 units (Taler's fraction base). */
  readonly amountUnits: bigint;
  readonly summary: string;
  readonly fulfillmentUrl: string | undefined;
  readonly fulfillmentMessage: string | undefined;
  /** Seconds since the epoch. */
  readonly createdAt: number;
  readonly payDeadline: number;
  readonly refundDeadline: number;
  /** The session given at creation (the pay URI carries it). */
  readonly sessionId: string | undefined;
  status: 'unpaid' | 'claimed' | 'paid';
  paidSession: string | undefined;
  lastPayment: number | null;
  refunds: SimRefund[];
  /** Set once the wallet took up the refunds (never, in this simulator: they stay pending). */
  scenario: TalerScenario | null;
  faults: Fault[];
  /** Bumped at every change, for long-polls. */
  version: number;
  readonly webhooks: SimWebhookDelivery[];
}

export interface ApiCall {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly status: number;
  readonly heldMs: number;
}

export interface TalerSimulator {
  readonly url: string;
  /** A quittance account's `backendUrl` (default instance). */
  readonly backendUrl: string;
  orders(): SimOrder[];
  order(id: string): SimOrder | undefined;
  webhooks(): SimWebhook[];
  /** Registers the `pay` and `refund` webhooks with quittance's templates (what a merchant does once). */
  configureQuittanceWebhooks(url: string): void;
  /** Finished private API calls (a held long-poll is listed once it answers). */
  apiCalls(): ApiCall[];
  /** How many long-polls on this order are held right now. */
  held(orderId: string): number;
  idle(): Promise<void>;
  close(): Promise<void>;
}
