import type { LyraAlgorithm } from '../../gateways/lyra/signature.js';
import type { Attempt } from '../_shared/attempt.js';
import type { Fault } from '../faults.js';
import type { Scenario } from '../platform.js';

export interface SimShop {
  readonly siteId: string;
  readonly key: string;
  readonly algorithm: LyraAlgorithm;
  /** The Back Office IPN rule URL, used when the form carries no vads_url_check. */
  readonly notifyUrl?: string;
  /** The shop's default return URL, used when the form carries no vads_url_return. */
  readonly returnUrl?: string;
  /** The REST API password (`testpassword_…`): without it every REST call for this shop is refused (401, INT_905). */
  readonly restPassword?: string;
  /** How the REST status API behaves for this shop at start; `setStatusApi` changes it later. Default 'ok'. */
  readonly statusApi?: StatusApiMode;
}

/**
 * - ok: answers as Lyra does
 * - down: HTTP 503 with an HTML page, as a load balancer in front of a dead API would
 * - slow: holds the answer until the caller gives up (or 60 s pass, then answers normally)
 */
export type StatusApiMode = 'ok' | 'down' | 'slow';
export const STATUS_API_MODES: readonly StatusApiMode[] = ['ok', 'down', 'slow'];

/** One call to the REST status API, as the simulator saw it. `at` is ms since the simulator started. */
export interface StatusCall {
  readonly at: number;
  readonly service: string;
  /** The shop id of the Basic credentials, '' when none could be read. */
  readonly siteId: string;
  readonly httpStatus: number;
  /** What the answer said: a transaction list, PSP_010, INT_905, a fault... */
  readonly outcome: 'found' | 'not-found' | 'unauthorized' | 'bad-request' | 'down' | 'slow';
}

export interface LyraSimulatorOptions {
  readonly shops: readonly SimShop[];
  /** 1 = real time; 0.001 makes a 15-minute slot last 900 ms. Default 1. */
  readonly timeScale?: number;
  /** Automatic retry enabled on the IPN rule. Default true. */
  readonly retries?: boolean;
  /** Default 4, Lyra's limit. */
  readonly maxRetries?: number;
  readonly seed?: number;
  /** Default 127.0.0.1 and 0 (any free port). */
  readonly host?: string;
  readonly port?: number;
}

export interface LyraSimulator {
  /** Base URL, e.g. http://127.0.0.1:PORT */
  readonly url: string;
  /** url + '/vads-payment/': where the checkout form posts. */
  readonly paymentUrl: string;
  /** url + '/api-payment/V4/': the REST API base (Transaction/Get, Order/Get), a Lyra account's `restUrl`. */
  readonly statusUrl: string;
  transactions(): SimTransaction[];
  /** Makes the status API of a shop work, fail or hang from now on. */
  setStatusApi(siteId: string, mode: StatusApiMode): void;
  /** Every REST status call received, oldest first. */
  statusCalls(): StatusCall[];
  /** Resolves when no delivery is scheduled or in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export type { Scenario } from '../platform.js';
export { SCENARIOS } from '../platform.js';

export type SimTransStatus = 'AUTHORISED' | 'CAPTURED' | 'REFUSED' | 'ABANDONED' | 'AUTHORISED_TO_VALIDATE';

export interface SimIpn {
  readonly n: number;
  /** The vads_trans_status it carries. */
  readonly status: SimTransStatus;
  readonly forged: boolean;
  readonly delivered: boolean;
  readonly gaveUp: boolean;
  readonly attempts: readonly Attempt[];
}

export interface SimTransaction {
  readonly txn: string;
  readonly siteId: string;
  readonly transId: string;
  readonly transDate: string;
  readonly orderId: string;
  readonly notifyUrl: string;
  readonly returnUrl: string;
  readonly orderAmount: number;
  /** Numeric, as in the form (978). */
  readonly currency: string;
  readonly settledAmount: number;
  readonly scenario: Scenario | null;
  /** The truth at the end; null until the shopper acts. */
  readonly finalStatus: SimTransStatus | null;
  readonly uuid: string;
  readonly faults: readonly Fault[];
  readonly ipns: readonly SimIpn[];
}
