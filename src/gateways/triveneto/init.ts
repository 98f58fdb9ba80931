import { currencyToNumeric, formatMajorUnits, type Money, QuittanceError } from '../../core/index.js';
import { encodeForm } from '../_shared/form-codec.js';
import { clip } from '../_shared/request.js';
import type { Checkout, CheckoutRequest, GatewayAccount } from '../gateway.js';
import { paymentInitUrl, TRIVENETO_ACTIONS, type TrivenetoCredentials } from './credentials.js';
import { securityCode } from './security-code.js';

type Account = GatewayAccount<TrivenetoCredentials>;

/** The server-to-server PaymentInit call, built without any I/O. */
export interface PaymentInitRequest {
  readonly url: string;
  /** application/x-www-form-urlencoded. */
  readonly body: string;
  /** The udf4 security code (security-code.ts), also inside `body`. */
  readonly securityCode: string;
}

export type PaymentInitAnswer =
  | { readonly paymentId: string; readonly paymentUrl: string }
  | { readonly error: string };

/**
 * `amt` is a decimal with the currency's exponent ("12.50"): the WooCommerce Activa plugin for Consorzio Triveneto
 * sends WooCommerce's `order_total` as is (WC_Gateway_Activa::process_payment), and the e24 clients a decimal string.
 */
export function formatAmount(amount: Money): string {
  return formatMajorUnits(amount);
}

/** udf2: the amount in minor units and its currency, echoed back by the gateway and covered by the security code. */
export function amountField(amount: Money): string {
  return `${amount.value} ${amount.currency}`;
}

/**
 * PaymentInit fields (PgConsTriv `sendVal_PI`: id, password, action, amt, currencycode, langid, responseURL, errorURL,
 * trackid, udf4 = its security code; the same names in the WooCommerce Activa plugin's `$DataToSend`, with udf1).
 */
export function paymentInitRequest(account: Account, request: CheckoutRequest): PaymentInitRequest {
  const { credentials } = account;
  const currencycode = currencyToNumeric(request.amount.currency);
  if (currencycode === undefined) {
    throw new QuittanceError(
      'UNSUPPORTED_CURRENCY',
      `Consorzio Triveneto takes ISO-4217 numeric currency codes; ${request.amount.currency} has none.`,
    );
  }
  const udf2 = amountField(request.amount);
  const code = securityCode(credentials.secret, request.paymentId, udf2, request.merchantRef);
  const fields: Record<string, string> = {
    id: credentials.id,
    password: credentials.password,
    action: TRIVENETO_ACTIONS[credentials.action],
    amt: formatAmount(request.amount),
    currencycode,
    langid: credentials.langid,
    responseURL: request.urls.notify,
    // The customer lands there when the gateway cannot use our NotificationMessage answer; the lead routes it to a
    // handler that looks the payment up instead of showing a failure blindly (issue 4).
    errorURL: request.urls.return,
    trackid: request.merchantRef,
    udf1: request.paymentId,
    udf2,
    udf4: code,
  };
  return { url: paymentInitUrl(credentials), body: encodeForm(fields), securityCode: code };
}

/**
 * The PaymentInit answer: `PaymentID:PaymentURL`, split at the FIRST colon (the URL has its own, `https://…`), or a
 * text containing `!ERROR!`. Sources: mikilion/e24PaymentPipe.net `e24PaymentPipe/PaymentPipe.cs`
 * `PerformPaymentInitialization` refuses an answer that is empty, starts with `!ERROR!` or has no `:`, then splits at
 * `IndexOf(":")`; PgConsTriv `setVal_ResponsePayInit` splits at the first `strpos($r, ":")` and treats any answer
 * containing `ERROR` as an error; the WooCommerce Activa plugin tests `substr($r,0,7) == '!ERROR!'`. We look for
 * `!ERROR!` anywhere, and refuse what is not `<id>:<absolute http(s) URL>`.
 */
export function parsePaymentInitAnswer(text: string): PaymentInitAnswer {
  const answer = text.trim();
  const marker = answer.indexOf('!ERROR!');
  if (marker !== -1) {
    const message = answer.slice(marker + '!ERROR!'.length).trim();
    return { error: `Consorzio Triveneto refused the PaymentInit: ${clip(message || '(no message)', 120)}` };
  }
  const colon = answer.indexOf(':');
  if (colon <= 0)
    return { error: `Consorzio Triveneto gave an unreadable PaymentInit answer: ${clip(answer, 120)}` };
  const paymentId = answer.slice(0, colon);
  const paymentUrl = answer.slice(colon + 1);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(paymentId)) {
    return { error: `Consorzio Triveneto gave an unreadable PaymentID in its answer: ${clip(answer, 120)}` };
  }
  let url: URL;
  try {
    url = new URL(paymentUrl);
  } catch {
    return { error: `Consorzio Triveneto gave a PaymentURL that is not a URL: ${clip(paymentUrl, 120)}` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { error: `Consorzio Triveneto gave a PaymentURL that is not http(s): ${clip(paymentUrl, 120)}` };
  }
  return { paymentId, paymentUrl };
}

/** Where the customer goes: `PaymentURL?PaymentID=<id>` (PgConsTriv `getPaymentURL_PI`; e24PaymentPipe.net `PaymentPipe.cs`). */
export function checkoutOf(answer: { readonly paymentId: string; readonly paymentUrl: string }): Checkout {
  const url = new URL(answer.paymentUrl);
  url.searchParams.set('PaymentID', answer.paymentId);
  return { method: 'GET', url: url.toString(), fields: {} };
}

export interface InitIo {
  readonly fetch: typeof fetch;
  readonly signal: AbortSignal;
}

export interface InitResult {
  readonly paymentId: string;
  readonly paymentUrl: string;
  readonly checkout: Checkout;
}

/**
 * PaymentInit over the network. Throws QuittanceError GATEWAY_UNAVAILABLE (unreachable, timed out, HTTP error,
 * unreadable) or VALIDATION_FAILED (`!ERROR!`: the gateway refused what we sent, asking again will not help).
 * The gateway's PaymentID is the notification's `paymentid`: the caller stores it as the payment's gatewayRef.
 */
export async function initPayment(
  account: Account,
  request: CheckoutRequest,
  io: InitIo,
): Promise<InitResult> {
  const call = paymentInitRequest(account, request);
  let text: string;
  try {
    const response = await io.fetch(call.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: call.body,
      redirect: 'manual',
      signal: io.signal,
    });
    text = await response.text();
    if (response.status < 200 || response.status > 299) {
      throw new QuittanceError(
        'GATEWAY_UNAVAILABLE',
        `Consorzio Triveneto answered the PaymentInit with HTTP ${response.status}.`,
      );
    }
  } catch (error) {
    if (error instanceof QuittanceError) throw error;
    const timedOut = io.signal.aborted;
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      timedOut
        ? 'Consorzio Triveneto did not answer the PaymentInit in time.'
        : `Consorzio Triveneto could not be reached for the PaymentInit (${describe(error)}).`,
      undefined,
      { cause: error },
    );
  }
  const answer = parsePaymentInitAnswer(text);
  if ('error' in answer) {
    const refused = text.includes('!ERROR!');
    // The answer may echo what we sent: the password is taken out before the message is built (and clipped).
    const scrubbed = parsePaymentInitAnswer(text.split(account.credentials.password).join('…'));
    const message =
      'error' in scrubbed ? scrubbed.error : 'Consorzio Triveneto gave an unreadable PaymentInit answer.';
    throw new QuittanceError(refused ? 'VALIDATION_FAILED' : 'GATEWAY_UNAVAILABLE', message);
  }
  return { ...answer, checkout: checkoutOf(answer) };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const cause = error.cause as { code?: unknown } | undefined;
  return typeof cause?.code === 'string' ? `${error.message}: ${cause.code}` : error.message;
}
