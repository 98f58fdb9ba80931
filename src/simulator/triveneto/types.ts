import type { Fault } from '../faults.js';
import type { Scenario } from '../platform.js';

/** A merchant terminal as Consorzio Triveneto configures it: the PaymentInit `id` and `password`. */
export interface SimTerminal {
  readonly id: string;
  readonly password: string;
}

/** The `result` words of a NotificationMessage (protocols.md §4; PgConsTriv `isCaptured_NM` … `isHostTimeout_NM`). */
export type TrivenetoResult =
  | 'CAPTURED'
  | 'NOT CAPTURED'
  | 'APPROVED'
  | 'NOT APPROVED'
  | 'DENIED BY RISK'
  | 'HOST TIMEOUT';

/** PaymentInit `action`s this simulator starts: 1 Purchase, 4 Authorization (the others go to PaymentTranHTTPServlet). */
export type InitAction = '1' | '4';

export interface TrivenetoSimulatorOptions {
  readonly terminals: readonly SimTerminal[];
  /** Gateway time per real time; only the NotificationMessage timeout is scaled (there are no retries). Default 1. */
  readonly timeScale?: number;
  readonly seed?: number;
  /** Default 127.0.0.1 and 0 (any free port). */
  readonly host?: string;
  readonly port?: number;
}

/** One POST of a NotificationMessage to responseURL. `at` is ms since the simulator started. */
export interface Delivery {
  readonly at: number;
  readonly status?: number;
  readonly error?: string;
  readonly latencyMs: number;
  /** The start of the merchant's answer (up to 4096 characters). */
  readonly answer: string;
}

export interface SimNotification {
  readonly n: number;
  readonly result: TrivenetoResult;
  /** A forgery (bad-signature fault): wrong udf4, not from the gateway. */
  readonly forged: boolean;
  /** The copy sent by the `duplicate` fault. */
  readonly duplicate: boolean;
  /** Lost in transit (drop fault): never reached the merchant. */
  readonly dropped: boolean;
  readonly fields: Readonly<Record<string, string>>;
  readonly delivery: Delivery | null;
}

/** Where the gateway sent the customer's browser after the NotificationMessage exchange. */
export interface CustomerDestination {
  /** `redirect`: the merchant's `REDIRECT=` URL; `error-url`: the merchant was unreachable or answered otherwise. */
  readonly via: 'redirect' | 'error-url';
  readonly location: string;
}

export interface SimTransaction {
  /** The PaymentID (also the hosted-page session). */
  readonly paymentId: string;
  readonly terminalId: string;
  readonly action: InitAction;
  /** As sent: a decimal ("12.50"). */
  readonly amt: string;
  /** Minor units of `amt` in the currency's exponent. */
  readonly amountMinor: number;
  /** ISO-4217 numeric, as sent (978). */
  readonly currencycode: string;
  readonly langid: string;
  readonly trackid: string;
  readonly responseURL: string;
  readonly errorURL: string;
  readonly udf: Readonly<Record<string, string>>;
  readonly scenario: Scenario | null;
  /** The gateway's result for the payment; null until the shopper acts. */
  readonly result: TrivenetoResult | null;
  readonly faults: readonly Fault[];
  readonly notifications: readonly SimNotification[];
  readonly destination: CustomerDestination | null;
}

export interface TrivenetoSimulator {
  /** Base URL, e.g. http://127.0.0.1:PORT */
  readonly url: string;
  /** url + '/cg301/servlet/': a Triveneto account's `apiBase` (PaymentInitHTTPServlet is appended). */
  readonly servletBase: string;
  /** The PaymentURL the PaymentInit answers give (its own query included). */
  readonly paymentUrl: string;
  /** Where the hosted page posts the shopper's choice (`{ txn, scenario, faults }`). */
  readonly actUrl: string;
  transactions(): SimTransaction[];
  transaction(paymentId: string): SimTransaction | undefined;
  /** Resolves when no shopper action (and so no NotificationMessage) is in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}
