import { money, type PaymentStatus } from '../../core/index.js';
import { callApi, shownUrl } from '../_shared/api-call.js';
import { isObject, type Json, text } from '../_shared/json.js';
import { clip } from '../_shared/request.js';
import type { GatewayAccount, GatewaySignal, StatusAnswer, StatusIo, StatusQuery } from '../gateway.js';
import { type LyraCredentials, lyraRestUrl } from './credentials.js';
import { mapLyraStatus } from './map.js';

/**
 * The status API: Lyra's REST API V4 (one API for every brand; docs.lyra.com/en/rest/V4.0/api/reference.html).
 *
 * - `POST <restUrl>Transaction/Get {"uuid"}`: "retrieve all the information about a transaction"; the uuid is the
 *   form API's vads_trans_uuid (lyra/plugin-magento `Model/Method/Payzen.php` asks it with the stored uuid).
 * - `POST <restUrl>Order/Get {"orderId"}`: "retrieve all transactions linked to an Order ID" (same page); the order id
 *   is the form's vads_order_id. Answer: `{orderId, shopId, transactions: [...]}` (openfun/joanie
 *   `tests/payment/lyra/responses/is_already_paid.json`, a recorded PayZen answer).
 * - HTTP Basic `shopId:password`, JSON body (lyra/plugin-magento `Model/Api/Rest/Api.php`, lyra/rest-php-sdk
 *   `src/Lyra/Client.php`). The answer is `{webService, version, status: "SUCCESS"|"ERROR", answer}`; on ERROR,
 *   `answer` holds `errorCode`, `errorMessage`, `detailedErrorCode`, `detailedErrorMessage`
 *   (payzen.io/en-EN/rest/V4.0/api/kb/webservice_usage.html, "Error handling").
 *
 * A transaction carries `status` (PAID, RUNNING, UNPAID, ABANDONED) and `detailedStatus`, the vads_trans_status word
 * (lyra/plugin-magento `Helper/Rest.php` `convertRestResult` copies detailedStatus into vads_trans_status), so
 * `detailedStatus` goes through the same map as notifications.
 */

type Account = GatewayAccount<LyraCredentials>;

/**
 * Error codes relied on. `[PREFIX]_[CODE]`; INT = "integration error (on the merchant side)", PSP = "error on the PSP
 * side" (docs.lyra.com/en/rest/V4.0/api/errors-reference.html, which also warns new codes may appear).
 * - PSP_010 "transaction not found": Order/Get for an order with no transaction (openfun/joanie
 *   `responses/is_already_paid_failed.json`), and an unknown uuid (`responses/cancel_and_refund_failed.json`).
 * - INT_905: the shop id / password pair is refused (lyra/rest-php-sdk `src/Lyra/Tests/ClientTest.php`
 *   `testInvalidKey`; that SDK also reads JSON from HTTP 401 answers, so it may come with either status).
 */
const NOT_FOUND = 'PSP_010';
const BAD_CREDENTIALS = 'INT_905';

/**
 * What a password looks like in each mode (shared/protocols.md §3; lyra/plugin-magento `Model/Api/Rest/Api.php` tells
 * test from production by `testpassword_`). Where the merchant finds them: "Settings > Shops > REST API keys" in the
 * Back Office (lyra/plugin-magento `etc/adminhtml/system/general.xml`).
 */
const PASSWORD_PREFIXES = { test: 'testpassword_', live: 'prodpassword_' } as const;

/** Our server's and Lyra's clocks may differ a little: a transaction "created before the payment" by this much is ours. */
const CLOCK_SKEW_MS = 5 * 60_000;

const SUCCESS: ReadonlySet<PaymentStatus> = new Set(['authorized', 'captured']);

export async function fetchLyraStatus(
  account: Account,
  query: StatusQuery,
  io: StatusIo,
): Promise<StatusAnswer> {
  const { restPassword } = account.credentials;
  const expected = PASSWORD_PREFIXES[account.mode];
  const modeName = account.mode === 'live' ? 'PRODUCTION' : 'TEST';
  if (!restPassword) {
    return failed(
      false,
      `no REST password configured: add credentials.restPassword to the account ${account.id}, the ${modeName} ` +
        `password (${expected}…) under Settings > Shops > REST API keys in the Lyra Back Office, so that quittance can ` +
        `ask Lyra for the state of its payments.`,
    );
  }
  const other = account.mode === 'live' ? PASSWORD_PREFIXES.test : PASSWORD_PREFIXES.live;
  if (restPassword.startsWith(other)) {
    return failed(
      false,
      `credentials.restPassword of the account ${account.id} is a ${account.mode === 'live' ? 'TEST' : 'PRODUCTION'} ` +
        `REST password (${other}…), but the account is ${account.mode === 'live' ? 'live' : 'in test mode'}: ` +
        `use the ${modeName} one (${expected}…).`,
    );
  }

  if (query.gatewayRef) {
    const call = await callLyra(account, 'Transaction/Get', { uuid: query.gatewayRef }, io);
    if (call.kind === 'failed') return call.answer;
    if (call.kind === 'error') {
      return call.code === NOT_FOUND
        ? notFound(`Lyra has no transaction ${clip(query.gatewayRef)} (${describe(call)}).`)
        : failedFromError(account, 'Transaction/Get', call);
    }
    const transaction = readTransaction(call.answer);
    if (typeof transaction === 'string') return unreadable('Transaction/Get', transaction);
    if (transaction.orderId !== undefined && transaction.orderId !== query.orderRef) {
      return failed(
        false,
        `Lyra says the transaction ${clip(transaction.uuid)} belongs to the order ${clip(transaction.orderId)}, not to ` +
          `${clip(query.orderRef)}: the payment's gateway reference needs a person's look.`,
      );
    }
    return found(transaction.operationType === 'CREDIT' ? [] : [signalOf(transaction, query)]);
  }

  const call = await callLyra(account, 'Order/Get', { orderId: query.orderRef }, io);
  if (call.kind === 'failed') return call.answer;
  if (call.kind === 'error') {
    return call.code === NOT_FOUND
      ? notFound(
          `Lyra has no transaction for the order ${clip(query.orderRef)} (${describe(call)}): the customer never ` +
            'submitted the payment page.',
        )
      : failedFromError(account, 'Order/Get', call);
  }
  const list = call.answer.transactions;
  if (!Array.isArray(list)) return unreadable('Order/Get', 'it has no transactions list');
  const transactions: LyraTransaction[] = [];
  for (const raw of list) {
    const transaction = readTransaction(raw);
    if (typeof transaction === 'string') return unreadable('Order/Get', transaction);
    transactions.push(transaction);
  }
  const ours = transactions.filter((t) => t.operationType !== 'CREDIT' && belongsTo(t, query));
  if (ours.length === 0) {
    return notFound(
      `Lyra knows the order ${clip(query.orderRef)}, but none of its ${transactions.length} transaction(s) is the ` +
        `payment ${clip(query.merchantRef)} (trans id and day, or amount and time, differ).`,
    );
  }
  return found(decisive(ours).map((t) => signalOf(t, query)));
}

export interface LyraTransaction {
  readonly uuid: string;
  readonly detailedStatus: string;
  readonly status?: string | undefined;
  readonly amount: number;
  readonly currency: string;
  readonly operationType?: string | undefined;
  /** Milliseconds since the epoch, when the answer gives a date we can read. */
  readonly createdAt?: number | undefined;
  /** vads_trans_id and vads_trans_date of the form, when the answer exposes them. */
  readonly legacyTransId?: string | undefined;
  readonly legacyTransDate?: string | undefined;
  readonly orderId?: string | undefined;
  readonly errorCode?: string | undefined;
  readonly detailedErrorCode?: string | undefined;
}

/** Reads one transaction object; a string says what is wrong with it. */
export function readTransaction(raw: unknown): LyraTransaction | string {
  if (!isObject(raw)) return 'a transaction is not an object';
  const uuid = text(raw.uuid);
  if (!uuid) return 'a transaction has no uuid';
  const detailedStatus = text(raw.detailedStatus);
  if (!detailedStatus) return `the transaction ${clip(uuid)} has no detailedStatus`;
  const amount = raw.amount;
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0) {
    return `the transaction ${clip(uuid)} gives the amount ${clip(JSON.stringify(amount) ?? 'undefined')}, not a whole number of minor units`;
  }
  const currency = text(raw.currency);
  if (!currency || !/^[A-Z]{3}$/.test(currency)) {
    return `the transaction ${clip(uuid)} gives the currency ${clip(String(currency))}, not an ISO-4217 code`;
  }
  // The form's vads_trans_id / vads_trans_date: "the equivalent of the vads_trans_date parameter is
  // transactions[0].transactionDetails.cardDetails.legacyTransDate" (docs.lyra.com/en/collect/form-payment/reference/
  // vads-trans-date.html); legacyTransId becomes vads_trans_id in lyra/plugin-magento `Helper/Rest.php`. Newer answers
  // repeat both under paymentMethodDetails (openfun/joanie `responses/is_already_paid.json`).
  const details = isObject(raw.transactionDetails) ? raw.transactionDetails : {};
  const card = isObject(details.cardDetails) ? details.cardDetails : {};
  const method = isObject(details.paymentMethodDetails) ? details.paymentMethodDetails : {};
  const orderDetails = isObject(raw.orderDetails) ? raw.orderDetails : {};
  const created = text(raw.creationDate);
  const createdAt = created ? Date.parse(created) : Number.NaN;
  return {
    uuid,
    detailedStatus,
    status: text(raw.status),
    amount,
    currency,
    operationType: text(raw.operationType),
    createdAt: Number.isFinite(createdAt) ? createdAt : undefined,
    legacyTransId: text(card.legacyTransId) ?? text(method.legacyTransId),
    legacyTransDate: text(card.legacyTransDate) ?? text(method.legacyTransDate),
    orderId: text(orderDetails.orderId),
    errorCode: text(raw.errorCode),
    detailedErrorCode: text(raw.detailedErrorCode),
  };
}

/**
 * Whether an Order/Get transaction is this payment's, not another attempt at the same order: by the form's trans id
 * and UTC day (our merchantRef is `YYYYMMDD-<vads_trans_id>`, unique per shop and day) when Lyra exposes them; else by
 * amount, currency and a creation time not before the payment's.
 */
function belongsTo(transaction: LyraTransaction, query: StatusQuery): boolean {
  const [day, transId] = query.merchantRef.split('-');
  if (transaction.legacyTransId !== undefined) {
    // vads_trans_id is case-insensitive (docs.lyra.com/en/collect/form-payment/standard-payment/creating-an-immediate-payment.html).
    if (transaction.legacyTransId.toLowerCase() !== (transId ?? '').toLowerCase()) return false;
    const transDay = transaction.legacyTransDate ? utcDay(transaction.legacyTransDate) : undefined;
    return transDay !== undefined ? transDay === day : createdSince(transaction, query);
  }
  return (
    transaction.amount === query.amount.value &&
    transaction.currency === query.amount.currency &&
    createdSince(transaction, query)
  );
}

function createdSince(transaction: LyraTransaction, query: StatusQuery): boolean {
  return (
    transaction.createdAt !== undefined && transaction.createdAt >= query.createdAt.getTime() - CLOCK_SKEW_MS
  );
}

/** `2018-12-11T19:03:38+00:00` (REST) or `20181211190338` (form) → `20181211`. */
export function utcDay(date: string): string | undefined {
  if (/^\d{14}$/.test(date)) return date.slice(0, 8);
  const ms = Date.parse(date);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10).replaceAll('-', '') : undefined;
}

/**
 * Several transactions may be this payment's (a refused card then another one on the same page, when matched by
 * amount). The successful ones decide, every one of them: two paid transactions for one payment is a double payment,
 * which the core flags. With none, the latest attempt says where the payment stands.
 */
function decisive(transactions: readonly LyraTransaction[]): LyraTransaction[] {
  const byTime = [...transactions].sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0));
  const paid = byTime.filter((t) => SUCCESS.has(mapLyraStatus(t.detailedStatus).status));
  if (paid.length > 0) return paid;
  const latest = byTime.at(-1);
  return latest ? [latest] : [];
}

function signalOf(transaction: LyraTransaction, query: StatusQuery): GatewaySignal {
  const { status, note } = mapLyraStatus(transaction.detailedStatus);
  const facts: Record<string, string> = {};
  for (const name of [
    'status',
    'detailedStatus',
    'operationType',
    'errorCode',
    'detailedErrorCode',
  ] as const) {
    const value = transaction[name];
    if (value) facts[name] = clip(value, 64);
  }
  return {
    source: 'poll',
    status,
    amount: money(transaction.amount, transaction.currency),
    gatewayRef: transaction.uuid,
    gatewayStatus: transaction.detailedStatus,
    ...(note !== undefined && { note }),
    lookup: { merchantRef: query.merchantRef, gatewayRef: transaction.uuid },
    facts,
  };
}

// ---------------------------------------------------------------------------------------------
// The HTTP call

type Call =
  | { readonly kind: 'success'; readonly answer: Json }
  | { readonly kind: 'error'; readonly code: string; readonly message: string }
  | { readonly kind: 'failed'; readonly answer: StatusAnswer };

/** Only `io.fetch`, always with `io.signal`: the caller bounds the time; the password travels in the header only. */
async function callLyra(account: Account, service: string, body: Json, io: StatusIo): Promise<Call> {
  const { siteId, restPassword = '' } = account.credentials;
  const url = lyraRestUrl(account.credentials) + service;
  const where = `Lyra's REST API (${service} at ${shownUrl(url)})`;
  const result = await callApi(
    url,
    {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${siteId}:${restPassword}`, 'utf8').toString('base64')}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(body),
    },
    io,
  );
  if (result.kind === 'unreachable') {
    const why = result.timedOut ? 'did not answer in time' : `could not be reached (${result.detail})`;
    return { kind: 'failed', answer: failed(true, `${where} ${why}; asking again later.`) };
  }
  const { status } = result;
  const envelope = parseEnvelope(account, result.json);
  if (status === 401 || status === 403) {
    const code = envelope?.kind === 'error' ? `, ${clip(envelope.code, 16)}` : '';
    return {
      kind: 'failed',
      answer: badCredentials(account, `${where} refused the credentials (HTTP ${status}${code})`),
    };
  }
  if (status >= 500 || status === 408 || status === 429) {
    return { kind: 'failed', answer: failed(true, `${where} answered HTTP ${status}; asking again later.`) };
  }
  if (status >= 300 && status < 400) {
    return {
      kind: 'failed',
      answer: failed(false, `${where} answered with a redirect (HTTP ${status}): check credentials.restUrl.`),
    };
  }
  if (envelope === undefined) {
    return {
      kind: 'failed',
      answer: failed(
        false,
        `${where} answered HTTP ${status} with something that is not a Lyra REST answer: check credentials.restUrl.`,
      ),
    };
  }
  return envelope;
}

type Envelope =
  | { readonly kind: 'success'; readonly answer: Json }
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

/** Lyra's own words (error code and message) are quoted in reasons: scrubbed of the password, come what may. */
function parseEnvelope(account: Account, json: unknown): Envelope | undefined {
  if (!isObject(json) || !isObject(json.answer)) return undefined;
  if (json.status === 'SUCCESS') return { kind: 'success', answer: json.answer };
  if (json.status === 'ERROR') {
    return {
      kind: 'error',
      code: redact(account, text(json.answer.errorCode) ?? 'no error code'),
      message: redact(account, text(json.answer.errorMessage) ?? ''),
    };
  }
  return undefined;
}

function failedFromError(
  account: Account,
  service: string,
  error: { readonly code: string; readonly message: string },
): StatusAnswer {
  const where = `Lyra's REST API (${service})`;
  const said = describe(error);
  if (error.code === BAD_CREDENTIALS)
    return badCredentials(account, `${where} refused the credentials (${said})`);
  // INT_ errors are the caller's: asking the same question again gets the same answer.
  if (error.code.startsWith('INT_')) return failed(false, `${where} refused the request (${said}).`);
  return failed(true, `${where} answered an error (${said}); asking again later.`);
}

function badCredentials(account: Account, what: string): StatusAnswer {
  const modeName = account.mode === 'live' ? 'PRODUCTION' : 'TEST';
  return failed(
    false,
    `${what}: check that credentials.siteId ${account.credentials.siteId} and credentials.restPassword of the account ` +
      `${account.id} are the shop id and the ${modeName} password under Settings > Shops > REST API keys.`,
  );
}

function unreadable(service: string, problem: string): StatusAnswer {
  return failed(false, `Lyra's REST API (${service}) answered something quittance cannot read: ${problem}.`);
}

function describe(error: { readonly code: string; readonly message: string }): string {
  return error.message ? `${clip(error.code, 16)} ${clip(error.message, 127)}` : clip(error.code, 16);
}

function found(signals: readonly GatewaySignal[]): StatusAnswer {
  return { kind: 'found', signals };
}

function notFound(reason: string): StatusAnswer {
  return { kind: 'not-found', reason };
}

function failed(retryable: boolean, reason: string): StatusAnswer {
  return { kind: 'failed', code: 'GATEWAY_UNAVAILABLE', reason, retryable };
}

function redact(account: Account, said: string): string {
  const { restPassword } = account.credentials;
  return restPassword ? said.split(restPassword).join('[redacted]') : said;
}
