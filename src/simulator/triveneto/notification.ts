import type { PaymentStatus } from '../../core/index.js';
import type { Scenario } from '../platform.js';
import type { PaymentInit } from './payment-init.js';
import type { SimRandom } from './random.js';
import type { CustomerDestination, Delivery, InitAction, TrivenetoResult } from './types.js';

/**
 * What the shopper can do on the hosted page, by PaymentInit action. Success is CAPTURED for action 1 (Purchase) and
 * APPROVED for action 4 (Authorization) (PgConsTriv `getURL_NM`): `paid` needs a Purchase terminal, `authorised-only`
 * an Authorization one (the capture is a later PaymentTranHTTPServlet call by the merchant, action 5, which sends no
 * NotificationMessage). `cancelled` is left out: no document says what the gateway sends when the shopper gives up on
 * the page (no result word for it in PgConsTriv nor in the e24 clients; perhaps errorURL) — [UNCONFIRMED].
 */
export const SCENARIOS_BY_ACTION: Readonly<Record<InitAction, readonly Scenario[]>> = {
  '1': ['paid', 'refused'],
  '4': ['authorised-only', 'refused'],
};

/** How often a refusal is the risk engine's (DENIED BY RISK) rather than the issuer's: a made-up mix. */
const DENIED_BY_RISK_SHARE = 0.2;

/** The gateway's result for a scenario, or undefined when the terminal's action cannot express it. */
export function resultOf(
  scenario: Scenario,
  action: InitAction,
  random: SimRandom,
): TrivenetoResult | undefined {
  if (!SCENARIOS_BY_ACTION[action].includes(scenario)) return undefined;
  if (scenario === 'paid') return 'CAPTURED';
  if (scenario === 'authorised-only') return 'APPROVED';
  if (random.unit() < DENIED_BY_RISK_SHARE) return 'DENIED BY RISK';
  return action === '1' ? 'NOT CAPTURED' : 'NOT APPROVED';
}

/** The result a forgery claims: the opposite outcome. */
export function oppositeOf(result: TrivenetoResult, action: InitAction): TrivenetoResult {
  const success = action === '1' ? 'CAPTURED' : 'APPROVED';
  return result === success ? (action === '1' ? 'NOT CAPTURED' : 'NOT APPROVED') : success;
}

/** The platform's last word, in quittance's words (the demo and e2e tests compare with it). */
export const TRUTH: Readonly<Record<TrivenetoResult, PaymentStatus>> = {
  CAPTURED: 'captured',
  APPROVED: 'authorized',
  'NOT CAPTURED': 'refused',
  'NOT APPROVED': 'refused',
  'DENIED BY RISK': 'refused',
  'HOST TIMEOUT': 'error',
};

export function isSuccess(result: TrivenetoResult): boolean {
  return result === 'CAPTURED' || result === 'APPROVED';
}

export interface NotificationFacts {
  readonly paymentId: string;
  readonly init: PaymentInit;
  readonly tranid: string;
  readonly auth: string;
  /** MMDD of the transaction. */
  readonly postdate: string;
}

/**
 * The NotificationMessage form: `paymentid`, `tranid`, `result`, `auth`, `postdate`, `trackid`, `udf1..udf5` echoed
 * from PaymentInit (the fields PgConsTriv and the WooCommerce Activa plugin read; protocols.md §4). No amount: neither
 * list has `amt`. `auth` is empty unless the result is a success. `ref`, `responsecode`, `cardtype` of the generic e24
 * client are [UNCONFIRMED] for Triveneto and not sent.
 */
export function notificationFields(
  facts: NotificationFacts,
  result: TrivenetoResult,
): Record<string, string> {
  return {
    paymentid: facts.paymentId,
    tranid: facts.tranid,
    result,
    auth: isSuccess(result) ? facts.auth : '',
    postdate: facts.postdate,
    trackid: facts.init.trackid,
    ...facts.init.udf,
  };
}

/**
 * A forgery by someone who knows the payment (PaymentID, trackid, udf1, udf2) but not the merchant's security code:
 * the opposite result, and a udf4 of the right shape that is not the one the merchant sent at PaymentInit.
 */
export function forgedFields(
  genuine: Readonly<Record<string, string>>,
  action: InitAction,
  random: SimRandom,
): Record<string, string> {
  const result = oppositeOf(genuine.result as TrivenetoResult, action);
  let udf4 = random.hex(64);
  if (udf4 === genuine.udf4) udf4 = udf4.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  return {
    ...genuine,
    tranid: random.digits(16),
    result,
    auth: isSuccess(result) ? random.digits(6) : '',
    udf4,
  };
}

/** `errorURL?PaymentID=<id>`: the query the gateway adds is [UNCONFIRMED] (protocols.md §4: ErrorURL use not read). */
export function errorUrlOf(errorURL: string, paymentId: string): string {
  const url = new URL(errorURL);
  url.searchParams.set('PaymentID', paymentId);
  return url.toString();
}

/**
 * Where the customer goes after the NotificationMessage exchange. The merchant must answer `REDIRECT=<absolute url>`
 * in plain text (protocols.md §4, the spec's revision log and the WooCommerce plugins' `echo "REDIRECT=".$url`); the
 * gateway then redirects the cardholder there. Anything else — no answer (lost, timeout, refused connection), a
 * non-2xx status, a body without `REDIRECT=` or with no absolute http(s) URL after it — means the merchant could not
 * be reached, and the customer goes to errorURL. Surrounding whitespace is tolerated ([UNCONFIRMED]).
 */
export function destinationOf(
  delivery: Delivery | null,
  errorURL: string,
  paymentId: string,
): CustomerDestination {
  const target = delivery ? redirectTarget(delivery) : undefined;
  return target !== undefined
    ? { via: 'redirect', location: target }
    : { via: 'error-url', location: errorUrlOf(errorURL, paymentId) };
}

export function redirectTarget(delivery: Delivery): string | undefined {
  if (delivery.status === undefined || delivery.status < 200 || delivery.status > 299) return undefined;
  const line = delivery.answer.trim();
  if (!line.startsWith('REDIRECT=')) return undefined;
  const url = line.slice('REDIRECT='.length);
  if (!/^https?:\/\/\S+$/i.test(url) || !URL.canParse(url)) return undefined;
  return url;
}

/** MMDD, UTC. */
export function postdateOf(date: Date): string {
  return date.toISOString().slice(5, 10).replace('-', '');
}
