import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { decodeForm, FormDecodeError } from '../../gateways/_shared/form-codec.js';
import { parseShopperAction, type ShopperAction } from '../_shared/action.js';
import { errorPage } from '../_shared/html.js';
import {
  BodyTooLargeError,
  isJsonBody,
  pathOf,
  readBody,
  sendHtml,
  sendJson,
  wantsJson,
} from '../_shared/http.js';
import { closeServer, listen } from '../_shared/listen.js';
import { createRandom } from '../_shared/random.js';
import { FaultError } from '../faults.js';
import { SCENARIOS, type Scenario } from '../platform.js';
import { createClock } from './clock.js';
import { paymentPage, returnPage } from './html.js';
import { createNotifier } from './notifier.js';
import { handleOffice, OFFICE_STATUS_PATH } from './office.js';
import { type PaymentContext, pay } from './payment.js';
import { checkPaymentInit, type PaypageRejection } from './paypage.js';
import { snapshot, type TxState } from './transactions.js';
import type { OfficeCall, SipsShop, SipsSimulator, SipsSimulatorOptions } from './types.js';

/** The fake Paypage host (a real one is payment-webinit.simu.sips-services.com) and Office host, on one port. */
export const PAYPAGE_PREFIX = '/paypage';
export const OFFICE_PREFIX = '/office';
const INIT_PATH = `${PAYPAGE_PREFIX}/paymentInit`;
/** Where the simulated shopper acts (the simulator's own page, like the Lyra simulator's /vads-payment/pay). */
export const PAY_PATH = `${PAYPAGE_PREFIX}/pay`;
const STATUS_PATH = OFFICE_PREFIX + OFFICE_STATUS_PATH;

/** Shopper-action errors, in the simulator's words (no Sips equivalent: the real page is a browser UI). */
interface ActionError {
  readonly field?: string;
  readonly message: string;
}

/** Starts a fake Worldline Sips 2.0 platform (Paypage POST + Office getTransactionData) on its own HTTP port. */
export async function startSipsSimulator(options: SipsSimulatorOptions): Promise<SipsSimulator> {
  const shops = shopMap(options.shops);
  const clock = createClock(options.timeScale ?? 1);
  const random = createRandom(options.seed);
  const notifier = createNotifier({ clock, retries: options.retries ?? true });
  const ctx: PaymentContext = { clock, random, notifier };
  const byTxn = new Map<string, TxState>();
  const byReference = new Map<string, TxState>();
  const officeCalls: OfficeCall[] = [];

  async function paymentInit(req: IncomingMessage, res: ServerResponse) {
    const result = checkPaymentInit(decodeForm(await readBody(req)), shops, byReference);
    if (!result.ok) return refuse(req, res, result.rejection);
    const { request } = result;
    const tx: TxState = {
      txn: random.token(),
      request,
      scenario: null,
      outcome: null,
      faults: [],
      settledAmount: request.amount,
      actedAt: null,
      authorisationId: null,
      responses: [],
    };
    byTxn.set(tx.txn, tx);
    byReference.set(`${request.merchantId}/${request.transactionReference}`, tx);
    if (wantsJson(req)) return sendJson(res, 200, { txn: tx.txn });
    sendHtml(
      res,
      200,
      paymentPage(PAY_PATH, tx.txn, request.amount, request.currencyCode, request.transactionReference),
    );
  }

  async function shopperActs(req: IncomingMessage, res: ServerResponse) {
    const json = isJsonBody(req);
    const body = await readBody(req);
    const fail = (status: number, error: ActionError) =>
      json || wantsJson(req)
        ? sendJson(res, status, { error })
        : sendHtml(res, status, errorPage('Sips simulator: bad action', error.message));
    let action: ShopperAction;
    try {
      action = parseShopperAction(body, json);
    } catch (err) {
      if (err instanceof FaultError || err instanceof SyntaxError) return fail(400, { message: err.message });
      throw err;
    }
    const tx = typeof action.txn === 'string' ? byTxn.get(action.txn) : undefined;
    if (!tx) return fail(404, { field: 'txn', message: 'unknown payment session' });
    if (!SCENARIOS.includes(action.scenario as Scenario)) {
      return fail(400, { field: 'scenario', message: `scenario must be one of ${SCENARIOS.join(', ')}` });
    }
    if (tx.scenario !== null)
      return fail(409, { field: 'txn', message: 'this payment session is already over' });
    const ret = pay(ctx, tx, action.scenario as Scenario, action.faults);
    if (json || wantsJson(req)) return sendJson(res, 200, ret);
    sendHtml(res, 200, returnPage(ret.returnUrl, ret.fields));
  }

  const office = (req: IncomingMessage, res: ServerResponse) =>
    handleOffice(
      {
        shops,
        clock,
        find: (merchantId, reference) => byReference.get(`${merchantId}/${reference}`),
        record: (call) => officeCalls.push(call),
      },
      req,
      res,
    );

  const routes: Readonly<Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>> = {
    [INIT_PATH]: paymentInit,
    [PAY_PATH]: shopperActs,
    [STATUS_PATH]: office,
  };
  const server = createServer((req, res) => {
    const path = pathOf(req);
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (!route) return sendHtml(res, 404, errorPage('Not found', `no page at ${path}`));
    if (req.method !== 'POST') return sendHtml(res, 405, errorPage('Method not allowed', 'use POST'));
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) return;
      if (err instanceof FormDecodeError || err instanceof BodyTooLargeError) {
        return refuse(req, res, { responseCode: '30', message: err.message });
      }
      sendHtml(res, 500, errorPage('Technical error', String(err)));
    });
  });
  const url = await listen(server, options.host, options.port);

  return {
    url,
    apiBase: url + PAYPAGE_PREFIX,
    officeBase: url + OFFICE_PREFIX,
    transactions: () => [...byTxn.values()].map(snapshot),
    transaction(txn) {
      const tx = byTxn.get(txn);
      return tx && snapshot(tx);
    },
    officeCalls: () => officeCalls.map((call) => ({ ...call })),
    idle: () => notifier.idle(),
    async close() {
      notifier.close();
      await Promise.all([closeServer(server), notifier.idle()]);
    },
  };
}

function shopMap(shops: readonly SipsShop[]): Map<string, SipsShop> {
  const map = new Map<string, SipsShop>();
  for (const shop of shops) {
    if (map.has(shop.merchantId)) throw new Error(`merchant ${shop.merchantId} is configured twice`);
    if (shop.secretKey === '') throw new Error(`merchant ${shop.merchantId} has an empty secret key`);
    map.set(shop.merchantId, shop);
  }
  if (map.size === 0) throw new Error('the simulator needs at least one merchant');
  return map;
}

/**
 * A refused payment request: HTTP 400 with Sips' error page naming the responseCode (the real page shows the error
 * to the shopper instead of the Paypage; its exact wording is [UNCONFIRMED]), or JSON for a client that asks.
 */
function refuse(req: IncomingMessage, res: ServerResponse, rejection: PaypageRejection) {
  if (wantsJson(req)) return sendJson(res, 400, { error: rejection });
  sendHtml(
    res,
    400,
    errorPage(`Payment request refused (responseCode ${rejection.responseCode})`, rejection.message),
  );
}
