import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseMajorUnits } from '../../core/index.js';
import { decodeForm, FormDecodeError, formToRecord } from '../../gateways/_shared/form-codec.js';
import { parseShopperAction, type ShopperAction } from '../_shared/action.js';
import { errorPage, page, shopperForm } from '../_shared/html.js';
import {
  BodyTooLargeError,
  isJsonBody,
  pathOf,
  readBody,
  sendHtml,
  sendJson,
  sendText,
  wantsJson,
} from '../_shared/http.js';
import { closeServer, listen } from '../_shared/listen.js';
import { createRandom } from '../_shared/random.js';
import { FaultError, type FaultKind } from '../faults.js';
import { createClock } from './clock.js';
import { createIpnNotifier } from './notifier.js';
import { act, type PaymentContext, transactionId } from './payment.js';
import {
  PAYPAL_SCENARIOS,
  type PaypalScenario,
  type PaypalSimulator,
  type PaypalSimulatorOptions,
  SIM_CHARSETS,
  type SimPayment,
  type SimPostback,
} from './types.js';

const WEBSCR_PATH = '/cgi-bin/webscr';
const ACT_PATH = '/pay-act';
const POSTBACK_PREFIX = 'cmd=_notify-validate&';

/** Faults the hosted page offers (no drop-all: IPN has no status API, so nothing could recover such a payment). */
export const PAYPAL_FAULT_KINDS: readonly FaultKind[] = [
  'drop',
  'delay',
  'duplicate',
  'reorder',
  'bad-signature',
  'wrong-amount',
];

/**
 * Starts a fake PayPal (Payments Standard + IPN): `POST /cgi-bin/webscr` takes the buyer's checkout form
 * (cmd=_xclick) and shows the payment page, or, with `cmd=_notify-validate&` first, is the IPN postback, answering
 * VERIFIED only for the exact bytes of an IPN it sent and INVALID for anything else. It speaks the protocol on its
 * own (shared/protocols.md "PayPal IPN"); it imports nothing of the adapter.
 */
export async function startPaypalSimulator(options: PaypalSimulatorOptions): Promise<PaypalSimulator> {
  const clock = createClock(options.timeScale ?? 1);
  const random = createRandom(options.seed);
  const notifier = createIpnNotifier({ clock, retries: options.retries ?? true });
  const sent = new Set<string>();
  const ctx: PaymentContext = {
    clock,
    random,
    notifier,
    account: options.account,
    live: options.live ?? false,
    sent,
  };
  const byTxn = new Map<string, SimPayment>();
  const postbacks: SimPostback[] = [];
  const receivers = new Set(
    [options.account.primaryEmail, ...options.account.otherEmails, options.account.merchantId].map((e) =>
      e.toLowerCase(),
    ),
  );
  let baseUrl = '';

  function postback(req: IncomingMessage, res: ServerResponse, body: Buffer) {
    const rest = body.subarray(POSTBACK_PREFIX.length).toString('latin1');
    const answer = sent.has(rest) ? 'VERIFIED' : 'INVALID';
    postbacks.push({
      answer,
      contentType: req.headers['content-type'] ?? '',
      userAgent: req.headers['user-agent'],
    });
    sendText(res, 200, answer);
  }

  function checkout(req: IncomingMessage, res: ServerResponse, body: Buffer) {
    let fields: Record<string, string>;
    try {
      // The button says charset=utf-8 (quittance's does); what the simulator decodes the form with.
      fields = formToRecord(decodeForm(body, 'utf-8'));
    } catch (err) {
      if (err instanceof FormDecodeError) return sendHtml(res, 400, errorPage('Bad request', err.message));
      throw err;
    }
    const problem = checkoutProblem(fields, receivers);
    if (problem) {
      return wantsJson(req)
        ? sendJson(res, 400, { error: { code: 'bad-field', message: problem } })
        : sendHtml(res, 400, errorPage('PayPal cannot process this payment', problem));
    }
    const currency = fields.currency_code ?? '';
    const orderAmount = parseMajorUnits(fields.amount ?? '', currency) ?? 0;
    const txn = transactionId(random);
    const charset =
      options.charset ?? SIM_CHARSETS[Number(random.digits(1)) % SIM_CHARSETS.length] ?? 'utf-8';
    byTxn.set(txn, {
      txn,
      checkout: fields,
      orderAmount,
      currency,
      charset,
      scenario: null,
      faults: [],
      settledAmount: orderAmount,
      ipns: [],
    });
    if (wantsJson(req)) return sendJson(res, 200, { txn });
    sendHtml(
      res,
      200,
      page(
        'PayPal',
        `<h1>Pay ${fields.amount} ${currency} to ${fields.business}</h1>` +
          shopperForm({
            action: ACT_PATH,
            txn,
            faultKinds: PAYPAL_FAULT_KINDS,
            scenarios: PAYPAL_SCENARIOS,
            labels: { paid: 'Pay now', refused: 'Pay (will be refused)', cancelled: 'Cancel and return' },
          }),
      ),
    );
  }

  async function shopperActs(req: IncomingMessage, res: ServerResponse) {
    let action: ShopperAction;
    try {
      action = parseShopperAction(await readBody(req), isJsonBody(req));
    } catch (err) {
      if (err instanceof FaultError || err instanceof SyntaxError || err instanceof FormDecodeError) {
        return sendJson(res, 400, { error: { code: 'bad-field', message: err.message } });
      }
      throw err;
    }
    const unsupported = action.faults.find((f) => !PAYPAL_FAULT_KINDS.includes(f.kind));
    if (unsupported) {
      return sendJson(res, 400, {
        error: {
          code: 'bad-field',
          field: 'faults',
          message: `PayPal's simulator has no ${unsupported.kind} fault`,
        },
      });
    }
    const payment = typeof action.txn === 'string' ? byTxn.get(action.txn) : undefined;
    if (!payment)
      return sendJson(res, 404, { error: { code: 'bad-field', field: 'txn', message: 'unknown payment' } });
    if (!PAYPAL_SCENARIOS.includes(action.scenario as PaypalScenario)) {
      return sendJson(res, 400, {
        error: {
          code: 'bad-field',
          field: 'scenario',
          message: `scenario must be one of ${PAYPAL_SCENARIOS.join(', ')}`,
        },
      });
    }
    if (payment.scenario !== null) {
      return sendJson(res, 409, {
        error: { code: 'bad-field', field: 'txn', message: 'this payment is already over' },
      });
    }
    const next = act(ctx, payment, action.scenario as PaypalScenario, action.faults);
    if (wantsJson(req)) return sendJson(res, 200, next);
    res.writeHead(302, { location: next.returnUrl, 'content-length': 0 });
    res.end();
  }

  const server = createServer((req, res) => {
    const path = pathOf(req);
    const method = req.method ?? 'GET';
    const handle = async () => {
      if (path === WEBSCR_PATH && method === 'POST') {
        const body = await readBody(req);
        if (body.subarray(0, POSTBACK_PREFIX.length).toString('latin1') === POSTBACK_PREFIX) {
          return postback(req, res, body);
        }
        return checkout(req, res, body);
      }
      if (path === ACT_PATH && method === 'POST') return shopperActs(req, res);
      sendHtml(res, 404, errorPage('Not found', path));
    };
    handle().catch((err: unknown) => {
      if (res.headersSent) return;
      if (err instanceof BodyTooLargeError) return sendText(res, 413, err.message);
      sendText(res, 500, 'Unexpected server error.');
    });
  });
  baseUrl = await listen(server, options.host, options.port);

  return {
    url: baseUrl,
    checkoutUrl: `${baseUrl}${WEBSCR_PATH}`,
    verifyUrl: `${baseUrl}${WEBSCR_PATH}`,
    payments: () => [...byTxn.values()].map((p) => structuredClone(p)),
    payment: (txn) => {
      const p = byTxn.get(txn);
      return p ? structuredClone(p) : undefined;
    },
    postbacks: () => postbacks.map((p) => ({ ...p })),
    idle: () => notifier.idle(),
    async close() {
      notifier.close();
      await Promise.all([closeServer(server), notifier.idle()]);
    },
  };
}

/** What PayPal checks on a Buy Now button before showing its page, as far as the simulator models it. */
function checkoutProblem(
  fields: Readonly<Record<string, string>>,
  receivers: ReadonlySet<string>,
): string | undefined {
  if (fields.cmd !== '_xclick')
    return `cmd must be _xclick (a Buy Now button), not ${fields.cmd ?? 'absent'}`;
  if (!receivers.has((fields.business ?? '').toLowerCase()))
    return 'business names no PayPal account known here';
  const currency = fields.currency_code ?? '';
  if (!/^[A-Z]{3}$/.test(currency)) return 'currency_code must be a currency code';
  const amount = parseMajorUnits(fields.amount ?? '', currency);
  if (amount === undefined || amount <= 0)
    return `amount ${fields.amount ?? ''} is not a positive amount in ${currency}`;
  for (const name of ['notify_url', 'return', 'cancel_return']) {
    try {
      const url = new URL(fields[name] ?? '');
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${name} must be an http(s) URL`;
    } catch {
      return `${name} must be an absolute URL`;
    }
  }
  return undefined;
}
