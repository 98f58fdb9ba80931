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
import { type CheckoutRejection, checkCheckout } from './checkout.js';
import { createClock } from './clock.js';
import { paymentPage, returnPage } from './html.js';
import { createNotifier } from './notifier.js';
import { type PaymentContext, pay } from './payment.js';
import { handleRest, REST_PATH } from './rest.js';
import { snapshot, type TxState } from './transactions.js';
import {
  type LyraSimulator,
  type LyraSimulatorOptions,
  SCENARIOS,
  type Scenario,
  type SimShop,
  STATUS_API_MODES,
  type StatusApiMode,
  type StatusCall,
} from './types.js';

const PAYMENT_PATH = '/vads-payment/';
const PAY_PATH = '/vads-payment/pay';

/** Starts a fake Lyra platform (form API) on its own HTTP port. */
export async function startLyraSimulator(options: LyraSimulatorOptions): Promise<LyraSimulator> {
  const shops = shopMap(options.shops);
  const maxRetries = options.maxRetries ?? 4;
  if (!Number.isInteger(maxRetries) || maxRetries < 0)
    throw new RangeError('maxRetries must be an integer >= 0');
  const clock = createClock(options.timeScale ?? 1);
  const random = createRandom(options.seed);
  const notifier = createNotifier({ clock, retries: options.retries ?? true, maxRetries });
  const ctx: PaymentContext = { clock, random, notifier };
  const byTxn = new Map<string, TxState>();
  const usedKeys = new Set<string>();
  const statusModes = new Map<string, StatusApiMode>(
    [...shops.values()].map((shop) => [shop.siteId, shop.statusApi ?? 'ok']),
  );
  const statusCalls: StatusCall[] = [];
  const closing = new AbortController();
  const rest = (req: IncomingMessage, res: ServerResponse) =>
    handleRest(
      {
        shops,
        clock,
        transactions: () => byTxn.values(),
        mode: (siteId) => statusModes.get(siteId) ?? 'ok',
        record: (call) => statusCalls.push(call),
        closing: closing.signal,
      },
      req,
      res,
    );

  async function checkout(req: IncomingMessage, res: ServerResponse) {
    const result = checkCheckout(decodeForm(await readBody(req)), shops, usedKeys);
    if (!result.ok) return reject(req, res, 400, result.rejection);
    const { form } = result;
    usedKeys.add(form.uniqueKey);
    const tx: TxState = {
      txn: random.token(),
      form,
      uuid: random.uuid(),
      scenario: null,
      faults: [],
      settledAmount: form.amount,
      captureAt: null,
      actedAt: null,
      authNumber: null,
      ipns: [],
    };
    byTxn.set(tx.txn, tx);
    if (wantsJson(req)) return sendJson(res, 200, { txn: tx.txn });
    sendHtml(res, 200, paymentPage(tx.txn, form.amount, form.currency, form.orderId));
  }

  async function shopperActs(req: IncomingMessage, res: ServerResponse) {
    const json = isJsonBody(req);
    const body = await readBody(req);
    let action: ShopperAction;
    try {
      action = parseShopperAction(body, json);
    } catch (err) {
      if (err instanceof FaultError || err instanceof SyntaxError) {
        return reject(req, res, 400, { code: 'bad-field', message: err.message });
      }
      throw err;
    }
    const tx = typeof action.txn === 'string' ? byTxn.get(action.txn) : undefined;
    if (!tx)
      return reject(req, res, 404, { code: 'bad-field', field: 'txn', message: 'unknown payment session' });
    if (!SCENARIOS.includes(action.scenario as Scenario)) {
      return reject(req, res, 400, {
        code: 'bad-field',
        field: 'scenario',
        message: `scenario must be one of ${SCENARIOS.join(', ')}`,
      });
    }
    if (tx.scenario !== null) {
      return reject(req, res, 409, {
        code: 'bad-field',
        field: 'txn',
        message: 'this payment session is already over',
      });
    }
    const ret = pay(ctx, tx, action.scenario as Scenario, action.faults);
    if (json || wantsJson(req)) return sendJson(res, 200, ret);
    sendHtml(res, 200, returnPage(ret.returnUrl, ret.fields));
  }

  const server = createServer((req, res) => {
    const path = pathOf(req);
    const route =
      path === PAYMENT_PATH || path === '/vads-payment'
        ? checkout
        : path === PAY_PATH
          ? shopperActs
          : path.startsWith(REST_PATH)
            ? rest
            : undefined;
    if (!route) return sendHtml(res, 404, errorPage('Not found', `no page at ${path}`));
    if (req.method !== 'POST') return sendHtml(res, 405, errorPage('Method not allowed', 'use POST'));
    route(req, res).catch((err: unknown) => {
      if (err instanceof FormDecodeError || err instanceof BodyTooLargeError) {
        return reject(req, res, 400, { code: 'bad-field', message: err.message });
      }
      if (!res.headersSent) sendHtml(res, 500, errorPage('Technical error', String(err)));
    });
  });
  const url = await listen(server, options.host, options.port);

  return {
    url,
    paymentUrl: url + PAYMENT_PATH,
    statusUrl: url + REST_PATH,
    transactions: () => [...byTxn.values()].map((tx) => snapshot(tx, clock.now())),
    setStatusApi(siteId, mode) {
      if (!shops.has(siteId)) throw new Error(`no shop ${siteId}`);
      if (!STATUS_API_MODES.includes(mode))
        throw new Error(`statusApi must be one of ${STATUS_API_MODES.join(', ')}`);
      statusModes.set(siteId, mode);
    },
    statusCalls: () => statusCalls.map((call) => ({ ...call })),
    idle: () => notifier.idle(),
    async close() {
      closing.abort();
      notifier.close();
      await Promise.all([closeServer(server), notifier.idle()]);
    },
  };
}

function shopMap(shops: readonly SimShop[]): Map<string, SimShop> {
  const map = new Map<string, SimShop>();
  for (const shop of shops) {
    if (map.has(shop.siteId)) throw new Error(`shop ${shop.siteId} is configured twice`);
    if (shop.statusApi !== undefined && !STATUS_API_MODES.includes(shop.statusApi)) {
      throw new Error(`shop ${shop.siteId}: statusApi must be one of ${STATUS_API_MODES.join(', ')}`);
    }
    map.set(shop.siteId, shop);
  }
  if (map.size === 0) throw new Error('the simulator needs at least one shop');
  return map;
}

function reject(req: IncomingMessage, res: ServerResponse, status: number, rejection: CheckoutRejection) {
  if (wantsJson(req) || isJsonBody(req)) return sendJson(res, status, { error: rejection });
  sendHtml(res, status, errorPage(rejectionTitle(rejection), rejection.message));
}

/** Lyra answers form problems with "error 30" (format error) naming the field. */
function rejectionTitle({ code }: CheckoutRejection): string {
  if (code === 'bad-signature') return 'Payment request rejected: signature error';
  if (code === 'unknown-shop') return 'Payment request rejected: unknown shop';
  return 'Payment request rejected: error 30 (format error)';
}
