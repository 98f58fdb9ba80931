import type { Attempt } from '../_shared/attempt.js';
import type { Fault } from '../faults.js';
import type { Scenario } from '../platform.js';

/**
 * The form's `SealAlgorithm` (wl-sips/sips-paypage-post-php `Common/sealCalculationPaypagePost.php`): HMAC-SHA-256, or
 * anything else / nothing for the legacy SHA-256(Data ‖ secretKey). Spelt as the adapter's credentials spell it.
 */
export type SipsSealAlgorithm = 'HMAC-SHA-256' | 'SHA-256';

/** One merchant contract at the fake Sips: what the download extranet gives a real shop. */
export interface SipsShop {
  /** The shop id (the simulation one is 002001000000001, published in the Worldline SDK READMEs). */
  readonly merchantId: string;
  readonly secretKey: string;
  /** The version of `secretKey`; a form naming another one is refused (responseCode 34). Default '1'. */
  readonly keyVersion?: string;
}

export interface SipsSimulatorOptions {
  readonly shops: readonly SipsShop[];
  /** 1 = real time; 0.0005 makes a 15-minute retry delay last 450 ms. Default 1. */
  readonly timeScale?: number;
  /** Retry a failed automatic response (see notifier.ts for the chosen policy). Default true. */
  readonly retries?: boolean;
  readonly seed?: number;
  /** Default 127.0.0.1 and 0 (any free port). */
  readonly host?: string;
  readonly port?: number;
}

export interface SipsSimulator {
  /** Base URL, e.g. http://127.0.0.1:PORT */
  readonly url: string;
  /** A Sips account's `apiBase`: the form posts to `<apiBase>/paymentInit`. */
  readonly apiBase: string;
  /** A Sips account's `officeBase`: `<officeBase>/rs-services/v2/diagnostic/getTransactionData`. */
  readonly officeBase: string;
  transactions(): SimTransaction[];
  /** One transaction by the simulator's key (`txn`, as `paymentInit` answered it). */
  transaction(txn: string): SimTransaction | undefined;
  /** Every Office call received, oldest first. */
  officeCalls(): OfficeCall[];
  /** Resolves when no automatic response is scheduled or in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * What the platform decided for a transaction, in Sips' words: the `responseCode` of its responses plus, for an
 * accepted one, the `captureMode` (AUTHOR_CAPTURE: Sips captures by itself; VALIDATION: the merchant must validate).
 */
export type SipsOutcome = 'ACCEPTED' | 'ACCEPTED_TO_VALIDATE' | 'REFUSED' | 'CANCELLED';

/** One automatic response (server-to-server POST to automaticResponseUrl). */
export interface SimResponse {
  readonly n: number;
  /** The responseCode it carries. */
  readonly responseCode: string;
  readonly forged: boolean;
  readonly delivered: boolean;
  readonly gaveUp: boolean;
  readonly attempts: readonly Attempt[];
}

export interface SimTransaction {
  readonly txn: string;
  readonly merchantId: string;
  readonly transactionReference: string;
  readonly orderId: string;
  /** Empty when the form named no automaticResponseUrl: then Sips sends no automatic response. */
  readonly automaticResponseUrl: string;
  readonly normalReturnUrl: string;
  readonly orderAmount: number;
  /** Numeric, as in the form (978). */
  readonly currencyCode: string;
  readonly settledAmount: number;
  readonly scenario: Scenario | null;
  /** null until the shopper acts. */
  readonly outcome: SipsOutcome | null;
  readonly faults: readonly Fault[];
  readonly responses: readonly SimResponse[];
}

/** One call to Sips Office, as the simulator saw it. `at` is ms since the simulator started. */
export interface OfficeCall {
  readonly at: number;
  readonly merchantId: string;
  readonly transactionReference: string;
  /** The responseCode answered: 00 found, 25 unknown, 34 bad seal, 03 unknown merchant, 30 format error. */
  readonly responseCode: string;
}
