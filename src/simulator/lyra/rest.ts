/**
 * The REST API V4 status services, as the simulator's own truth tells them: `Transaction/Get {uuid}` and
 * `Order/Get {orderId}`, HTTP Basic `shopId:password`, answers wrapped in `{webService, version, applicationVersion,
 * status, answer, ...}` (docs.lyra.com/en/rest/V4.0/api/reference.html; payzen.io/en-EN/rest/V4.0/api/kb/
 * webservice_usage.html; a recorded Order/Get answer in openfun/joanie `tests/payment/lyra/responses/
 * is_already_paid.json`). Written from those documents, not from the adapter, so that an adapter bug is not mirrored.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { currencyFromNumeric } from '../../core/index.js';
import { safeEqual } from '../../gateways/_shared/crypto.js';
import type { SimClock } from '../_shared/clock.js';
import { errorPage } from '../_shared/html.js';
import { parseJsonObject, readBody, sendHtml, sendJson } from '../_shared/http.js';
import { finalStatus, type TxState } from './transactions.js';
import type { SimShop, SimTransStatus, StatusApiMode, StatusCall } from './types.js';

export const REST_PATH = '/api-payment/V4/';
const SERVICES = ['Transaction/Get', 'Order/Get'] as const;
type Service = (typeof SERVICES)[number];

/** How long a 'slow' status API holds an answer when the caller does not give up first. */
const SLOW_MS = 60_000;

export interface RestContext {
  readonly shops: ReadonlyMap<string, SimShop>;
  readonly clock: SimClock;
  /** Every transaction, in creation order. */
  transactions(): Iterable<TxState>;
  mode(siteId: string): StatusApiMode;
  record(call: StatusCall): void;
  /** Aborts when the simulator closes: nothing waits past that. */
  readonly closing: AbortSignal;
}

export async function handleRest(ctx: RestContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const service = path.slice(REST_PATH.length) as Service;
  const at = ctx.clock.now();
  const credentials = basicCredentials(req.headers.authorization);
  const siteId = credentials?.user ?? '';
  const record = (httpStatus: number, outcome: StatusCall['outcome']) =>
    ctx.record({ at, service, siteId, httpStatus, outcome });

  if (!SERVICES.includes(service)) {
    return sendJson(res, 404, { error: `the simulator serves ${SERVICES.join(' and ')} only` });
  }
  const body = await readBody(req);

  const shop = ctx.shops.get(siteId);
  const mode = shop ? ctx.mode(shop.siteId) : 'ok';
  if (mode === 'down') {
    record(503, 'down');
    return sendHtml(
      res,
      503,
      errorPage('Service Unavailable', 'The server is temporarily unable to answer.'),
    );
  }
  if (mode === 'slow') {
    record(0, 'slow');
    await heldUntilGivenUp(req, res, ctx.closing);
    if (res.destroyed || res.writableEnded || ctx.closing.aborted) return;
  }

  if (!shop?.restPassword || !credentials || !safeEqual(credentials.password, shop.restPassword)) {
    record(401, 'unauthorized');
    // A refused shop id / password pair is INT_905 (lyra/rest-php-sdk `src/Lyra/Tests/ClientTest.php`
    // `testInvalidKey`); that SDK reads JSON from HTTP 401 answers, which is what is sent here.
    return sendJson(
      res,
      401,
      envelope(service, 'ERROR', error('INT_905', 'invalid login or private key', siteId)),
    );
  }

  let input: Record<string, unknown>;
  try {
    input = parseJsonObject(body);
  } catch (err) {
    record(200, 'bad-request');
    return sendJson(
      res,
      200,
      invalidInput(service, siteId, `can't decode JSON data: ${(err as Error).message}`),
    );
  }

  const now = ctx.clock.now();
  const known = [...ctx.transactions()].filter((tx) => tx.form.shop.siteId === siteId && isCreated(tx, now));
  if (service === 'Transaction/Get') {
    if (typeof input.uuid !== 'string' || input.uuid === '') {
      record(200, 'bad-request');
      return sendJson(res, 200, invalidInput(service, siteId, 'uuid is required'));
    }
    const tx = known.find((t) => t.uuid === input.uuid);
    if (!tx) {
      record(200, 'not-found');
      return sendJson(res, 200, notFound(service, siteId));
    }
    record(200, 'found');
    return sendJson(res, 200, envelope(service, 'SUCCESS', restTransaction(tx, now)));
  }

  if (typeof input.orderId !== 'string' || input.orderId === '') {
    record(200, 'bad-request');
    return sendJson(res, 200, invalidInput(service, siteId, 'orderId is required'));
  }
  const ofOrder = known.filter((t) => t.form.orderId === input.orderId);
  if (ofOrder.length === 0) {
    // An order with no transaction: PSP_010 (openfun/joanie `responses/is_already_paid_failed.json`).
    record(200, 'not-found');
    return sendJson(res, 200, notFound(service, siteId));
  }
  record(200, 'found');
  return sendJson(
    res,
    200,
    envelope(service, 'SUCCESS', {
      orderId: input.orderId,
      shopId: siteId,
      transactions: ofOrder.map((tx) => restTransaction(tx, now)),
      _type: 'V4/OrderTransactions',
    }),
  );
}

/**
 * A transaction exists once the shopper paid or was refused. A shopper who never submitted the page, or who left with
 * "cancel" (vads_trans_status ABANDONED: "no transaction created", docs.lyra.com/en/collect/form-payment/reference/
 * vads-trans-status.html), leaves none: the REST API does not know it.
 */
function isCreated(tx: TxState, now: number): boolean {
  const status = finalStatus(tx, now);
  return status !== null && status !== 'ABANDONED';
}

/** The simplified status beside detailedStatus (docs.lyra.com/en/rest/V4.0/api/kb/status_reference.html). */
const SIMPLE_STATUS: Readonly<Record<SimTransStatus, string>> = {
  AUTHORISED: 'PAID',
  CAPTURED: 'PAID',
  // Waits for the merchant's validation: still running (Lyra's plugins count it as pending).
  AUTHORISED_TO_VALIDATE: 'RUNNING',
  REFUSED: 'UNPAID',
  ABANDONED: 'ABANDONED',
};

function restTransaction(tx: TxState, now: number): Record<string, unknown> {
  const { form } = tx;
  const detailedStatus = finalStatus(tx, now) as SimTransStatus;
  const currency = currencyFromNumeric(form.currency) ?? form.currency;
  const created = isoSeconds(tx.actedAt ?? new Date());
  const refused = detailedStatus === 'REFUSED';
  return {
    shopId: form.shop.siteId,
    uuid: tx.uuid,
    paymentMethodType: 'CARD',
    paymentMethodToken: null,
    detailedStatus,
    status: SIMPLE_STATUS[detailedStatus],
    amount: tx.settledAmount,
    currency,
    creationDate: created,
    // The refusal codes' shape only: the acquirer's word in detailedErrorCode, as vads_result 05 in the form API.
    errorCode: refused ? 'ACQ_001' : null,
    errorMessage: refused ? 'payment refused' : null,
    detailedErrorCode: refused ? '05' : null,
    detailedErrorMessage: null,
    effectiveStrongAuthentication: 'ENABLED',
    transactionDetails: {
      liabilityShift: refused ? 'NO' : 'YES',
      effectiveAmount: tx.settledAmount,
      effectiveCurrency: currency,
      creationContext: 'CHARGE',
      cardDetails: {
        paymentSource: 'EC',
        manualValidation: detailedStatus === 'AUTHORISED_TO_VALIDATE' ? 'YES' : 'NO',
        expectedCaptureDate: created,
        effectiveBrand: 'CB',
        pan: '497010XXXXXX0055',
        // The form's vads_trans_id and vads_trans_date ("the equivalent of the vads_trans_date parameter is
        // transactions[0].transactionDetails.cardDetails.legacyTransDate", docs.lyra.com/en/collect/form-payment/
        // reference/vads-trans-date.html).
        legacyTransId: form.transId,
        legacyTransDate: isoSeconds(fromLyraDate(form.transDate)),
        authorizationResponse: {
          amount: refused ? null : tx.settledAmount,
          currency: refused ? null : currency,
          authorizationDate: refused ? null : created,
          authorizationNumber: refused ? null : tx.authNumber,
          authorizationResult: refused ? '5' : '0',
          authorizationMode: 'FULL',
          _type: 'V4/PaymentMethod/Details/Cards/CardAuthorizationResponse',
        },
        captureResponse: {
          captureDate: detailedStatus === 'CAPTURED' ? isoSeconds(new Date()) : null,
          captureFileNumber: null,
          refundAmount: null,
          refundCurrency: null,
          _type: 'V4/PaymentMethod/Details/Cards/CardCaptureResponse',
        },
        _type: 'V4/PaymentMethod/Details/CardDetails',
      },
      parentTransactionUuid: null,
      mid: '6969696',
      sequenceNumber: 1,
      _type: 'V4/TransactionDetails',
    },
    orderDetails: {
      orderTotalAmount: form.amount,
      orderEffectiveAmount: null,
      orderPaidAmount: null,
      orderCurrency: currency,
      mode: form.fields.vads_ctx_mode ?? 'TEST',
      orderId: form.orderId || null,
      metadata: null,
      _type: 'V4/OrderDetails',
    },
    operationType: 'DEBIT',
    metadata: null,
    _type: 'V4/Transaction',
  };
}

function envelope(webService: string, status: 'SUCCESS' | 'ERROR', answer: unknown): Record<string, unknown> {
  return {
    webService,
    version: 'V4',
    applicationVersion: 'simulator',
    status,
    answer,
    ticket: null,
    serverDate: isoSeconds(new Date()),
    applicationProvider: 'LYRA',
    metadata: null,
    mode: 'TEST',
    serverUrl: 'simulator',
    _type: 'V4/WebService/Response',
  };
}

function error(
  errorCode: string,
  errorMessage: string,
  shopId: string,
  detailedErrorMessage: string | null = null,
) {
  return {
    errorCode,
    errorMessage,
    detailedErrorCode: null,
    detailedErrorMessage,
    ticket: 'null',
    shopId,
    _type: 'V4/WebService/WebServiceError',
  };
}

function notFound(service: Service, shopId: string) {
  return envelope(service, 'ERROR', error('PSP_010', 'transaction not found', shopId));
}

/** INT_902 "web-service input data validation error" (payzen.io/en-EN/rest/V4.0/api/kb/webservice_usage.html). */
function invalidInput(service: Service, shopId: string, detail: string) {
  return envelope(
    service,
    'ERROR',
    error('INT_902', 'web-service input data validation error', shopId, detail),
  );
}

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Resolves when the caller hangs up, the simulator closes, or SLOW_MS pass. */
function heldUntilGivenUp(req: IncomingMessage, res: ServerResponse, closing: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off('close', done);
      req.off('aborted', done);
      closing.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, SLOW_MS);
    res.on('close', done);
    req.on('aborted', done);
    closing.addEventListener('abort', done, { once: true });
  });
}

/** `YYYYMMDDHHMMSS` (UTC) → Date. */
function fromLyraDate(date: string): Date {
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((i, k) =>
    Number(date.slice(i, i + (k === 0 ? 4 : 2))),
  );
  return new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0));
}

/** `2025-01-08T11:45:49+00:00`, the date format of Lyra's REST answers. */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
