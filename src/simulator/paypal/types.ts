import type { Attempt } from '../_shared/attempt.js';
import type { Fault } from '../faults.js';

/** What the buyer does at PayPal: pays (at once or by e-check), is refused, or cancels back to the shop. */
export type PaypalScenario = 'paid' | 'refused' | 'cancelled';
export const PAYPAL_SCENARIOS: readonly PaypalScenario[] = ['paid', 'refused', 'cancelled'];

/** Charsets the simulated account posts its IPNs in (the account's "PayPal button language encoding"). */
export type SimCharset = 'utf-8' | 'windows-1252';
export const SIM_CHARSETS: readonly SimCharset[] = ['utf-8', 'windows-1252'];

/** The simulated merchant account at PayPal. */
export interface SimAccount {
  /** The primary e-mail: every IPN's receiver_email. */
  readonly primaryEmail: string;
  /** Other e-mails of the account: a button may name one as `business`; IPNs still say the primary one. */
  readonly otherEmails: readonly string[];
  /** The 13-character merchant id (receiver_id). */
  readonly merchantId: string;
}

export interface PaypalSimulatorOptions {
  readonly account: SimAccount;
  /** Live PayPal (no test_ipn) instead of the sandbox (test_ipn=1). Default false. */
  readonly live?: boolean;
  /** 1 = real time; 0.001 makes the 10 s first resend last 10 ms. Default 1. */
  readonly timeScale?: number;
  /** Resend failed IPNs (clock.ts). Default true. */
  readonly retries?: boolean;
  /** Every payment's IPNs in this charset instead of one drawn per payment. */
  readonly charset?: SimCharset;
  readonly seed?: number;
  readonly host?: string;
  readonly port?: number;
}

/** One IPN: the exact body PayPal posts on every attempt. */
export interface SimIpn {
  readonly n: number;
  readonly paymentStatus: string;
  readonly body: string;
  /** Not sent by PayPal (the `bad-signature` fault): the postback answers INVALID. */
  readonly forged: boolean;
  delivered: boolean;
  gaveUp: boolean;
  readonly attempts: Attempt[];
}

export interface SimPayment {
  /** The transaction id (txn_id), also the simulator's key. */
  readonly txn: string;
  /** The checkout form as the browser posted it (utf-8, charset=utf-8). */
  readonly checkout: Readonly<Record<string, string>>;
  readonly orderAmount: number;
  readonly currency: string;
  readonly charset: SimCharset;
  scenario: PaypalScenario | null;
  faults: Fault[];
  /** What PayPal settled: the order amount, + 1 minor unit under `wrong-amount`. */
  settledAmount: number;
  readonly ipns: SimIpn[];
}

/** One postback PayPal answered. */
export interface SimPostback {
  readonly answer: 'VERIFIED' | 'INVALID';
  readonly contentType: string;
  readonly userAgent: string | undefined;
}

export interface PaypalSimulator {
  readonly url: string;
  /** The checkout form's action: a quittance account's `checkoutUrl`. */
  readonly checkoutUrl: string;
  /** The postback URL: a quittance account's `verifyUrl`. */
  readonly verifyUrl: string;
  payments(): SimPayment[];
  payment(txn: string): SimPayment | undefined;
  postbacks(): SimPostback[];
  idle(): Promise<void>;
  close(): Promise<void>;
}
