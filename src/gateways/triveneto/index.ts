import { currencyToNumeric, QuittanceError } from '../../core/index.js';
import { refusalReply, unavailableReply } from '../_shared/text-reply.js';
import type { GatewayAdapter, GatewayReply, ReplyOutcome, Verdict } from '../gateway.js';
import {
  TRIVENETO_SECRET_FIELDS,
  type TrivenetoCredentials,
  trivenetoCredentialsSchema,
} from './credentials.js';
import { initPayment } from './init.js';
import { trivenetoOfflineAccount, verifyTrivenetoNotification } from './verify.js';

export type { TrivenetoCredentials } from './credentials.js';
export {
  checkoutOf,
  type InitIo,
  type InitResult,
  initPayment,
  type PaymentInitAnswer,
  type PaymentInitRequest,
  parsePaymentInitAnswer,
  paymentInitRequest,
} from './init.js';

/**
 * No document gives the hosted page's session length or how long the gateway keeps a PaymentID usable. A day is
 * conservative: without fetchStatus, reconciliation ends in an alert for a person anyway, never in a blind `expired`
 * before the customer could have paid.
 */
const ABANDONED_AFTER_MS = 24 * 60 * 60_000;

/**
 * The NotificationMessage timeout is [UNCONFIRMED] (protocols.md §4); Nexi's successor protocol (XML-Hosted) waits
 * 20 s for the merchant's answer (developer.nexi.it, "Notifica"), so we take that.
 */
const NOTIFY_TIMEOUT_MS = 20_000;

const MAX_REPLY_BYTES = 199;

/**
 * Fallback when `reply()` is given no URL (the message matched no payment, so the engine has no `next`):
 * `REDIRECT=` with nothing after it. The gateway then cannot redirect and, per protocols.md §4 ([UNCONFIRMED]),
 * sends the customer to errorURL, which is our return route: it looks the payment up and shows the right page.
 */
export const REDIRECT_FALLBACK = 'REDIRECT=';

/**
 * `REDIRECT=<absolute url>`, plain text, no HTML (protocols.md §4: the spec's revision log "Correzione del formato
 * della stringa di risposta al NotificationMessage: REDIRECT="; eduwass/woocommerce-triveneto-gateway
 * `woocommerce-triveneto-gateway.php` and the WooCommerce Activa plugin both answer `echo "REDIRECT=" . $url`). Only an absolute http(s) URL without spaces, control characters or markup is written;
 * anything else gives the fallback.
 */
export function redirectReply(url: string): GatewayReply {
  return { status: 200, contentType: 'text/plain; charset=utf-8', body: redirectLine(url) };
}

function redirectLine(url: string): string {
  if (!/^https?:\/\/[^\s<>"]+$/i.test(url) || Buffer.byteLength(url) > 2000) return REDIRECT_FALLBACK;
  try {
    new URL(url);
  } catch {
    return REDIRECT_FALLBACK;
  }
  return `REDIRECT=${url}`;
}

/**
 * accepted → 200 `REDIRECT=<detail>` when the detail is an absolute URL, else the fallback; rejected → a 4xx plain
 * line (the gateway must see a failure, and a 5xx could be read as "retry"); unavailable → 503.
 */
export function trivenetoReply(outcome: ReplyOutcome): GatewayReply {
  switch (outcome.kind) {
    case 'accepted':
      return outcome.next === undefined ? redirectReply('') : redirectReply(outcome.next);
    case 'rejected':
      return refusalReply(outcome, MAX_REPLY_BYTES);
    case 'unavailable':
      return unavailableReply(outcome, MAX_REPLY_BYTES);
  }
}

/** `YYYYMMDD-N`: the UTC day and the account's daily sequence; `trackid` of PaymentInit. */
export function trivenetoMerchantRef(input: { readonly now: Date; readonly dailySequence: number }): string {
  if (!Number.isSafeInteger(input.dailySequence) || input.dailySequence < 1) {
    throw new RangeError(`dailySequence counts from 1, got ${input.dailySequence}`);
  }
  return `${input.now.toISOString().slice(0, 10).replace(/-/g, '')}-${input.dailySequence}`;
}

export const triveneto: GatewayAdapter<TrivenetoCredentials, Verdict> = {
  id: 'triveneto',
  displayName: 'Consorzio Triveneto Payment Gateway',
  credentialsSchema: trivenetoCredentialsSchema,
  secretFields: TRIVENETO_SECRET_FIELDS,
  // No published source addresses (protocols.md §4: "No retry or IP information was found").
  sourceIps: [],
  notifyTimeoutMs: NOTIFY_TIMEOUT_MS,
  abandonedAfterMs: ABANDONED_AFTER_MS,
  supportsCurrency: (currency) => currencyToNumeric(currency) !== undefined,
  merchantRef: trivenetoMerchantRef,
  createPayment: () => {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      'Triveneto needs a server-to-server PaymentInit: call initPayment (src/gateways/triveneto) at checkout; ' +
        'createPayment cannot build the redirect without the PaymentID the gateway returns.',
    );
  },
  verifyNotification: verifyTrivenetoNotification,
  // The errorURL / browser return carries nothing signed: the engine must look the payment up instead.
  readReturn: () => null,
  // The customer reaches errorURL (our return route) only when the gateway could not use our answer to its
  // NotificationMessage (protocols.md §4, [UNCONFIRMED]); on success it follows our `REDIRECT=`. With no status API,
  // a payment still open there is flagged for a person (engine/return.ts).
  returnMeansUndelivered: true,
  async initPayment(account, request, io) {
    const { checkout, paymentId } = await initPayment(account, request, io);
    return { checkout, gatewayRef: paymentId };
  },
  reply: trivenetoReply,
  // No fetchStatus: the PaymentQuery API (TVB IPG manual rel. 1.1.0) and an inquiry action are [UNCONFIRMED]
  // (protocols.md §4), so reconciliation raises `reconcile-impossible` for a person, by design.
  offlineAccount: trivenetoOfflineAccount,
};
