import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { decodeForm, FormDecodeError } from '../../gateways/_shared/form-codec.js';
import { parseShopperAction, type ShopperAction } from '../_shared/action.js';
import { errorPage } from '../_shared/html.js';
import {
  BodyTooLargeError,
  isJsonBody,
  pathOf,
  queryOf,
  readBody,
  redirect,
  sendHtml,
  sendJson,
  sendText,
  wantsJson,
} from '../_shared/http.js';
import { closeServer, listen } from '../_shared/listen.js';
import { FaultError } from '../faults.js';
import { SCENARIOS, type Scenario } from '../platform.js';
import { createClock } from './clock.js';
import { paymentPage } from './html.js';
import { SCENARIOS_BY_ACTION } from './notification.js';
import { ActError, act, checkAct, type PaymentContext } from './payment.js';
import { checkPaymentInit, initErrorLine } from './payment-init.js';
import { createRandom } from './random.js';
import { newTransaction, snapshot, type TxState } from './transactions.js';
import type { SimTerminal, TrivenetoSimulator, TrivenetoSimulatorOptions } from './types.js';

/** The test host's layout (protocols.md §4: `https://test4.constriv.com/cg301/servlet/PaymentInitHTTPServlet`). */
const SERVLET_PATH = '/cg301/servlet/';
const INIT_PATH = `${SERVLET_PATH}PaymentInitHTTPServlet`;
/**
 * The hosted page. Its real address is [UNCONFIRMED]; e24 gateways answer a PaymentURL with its own query
 * (`…/hppaction?formAction=…`), which also checks that the merchant adds `PaymentID` without dropping it.
 */
const PAGE_PATH = '/cg301/hppaction';
const PAGE_QUERY = 'formAction=com.aciworldwide.commerce.gateway.payment.action.HostedPaymentPageAction';
/** The simulator's own: where the hosted page posts the shopper's choice. */
const ACT_PATH = '/cg301/hppaction/pay';

/** Starts a fake Consorzio Triveneto Payment Gateway on its own HTTP port. */
export async function startTrivenetoSimulator(
  options: TrivenetoSimulatorOptions,
): Promise<TrivenetoSimulator> {
  const terminals = terminalMap(options.terminals);
  const clock = createClock(options.timeScale ?? 1);
  const random = createRandom(options.seed);
  const closing = new AbortController();
  // One stop signal is shared by every delivery in flight, hundreds at once in the demo.
  setMaxListeners(0, closing.signal);
  const ctx: PaymentContext = { clock, random, stop: closing.signal };
  const byId = new Map<string, TxState>();
  const running = new Set<Promise<unknown>>();
  let paymentUrl = '';

  async function paymentInit(req: IncomingMessage, res: ServerResponse) {
    const check = checkPaymentInit(decodeForm(await readBody(req)), terminals);
    // e24 servlets answer 200 with the error text in the body; clients look for `!ERROR!` (payment-init.ts).
    if (!check.ok) return sendText(res, 200, initErrorLine(check));
    const tx = newTransaction(random.paymentId(), check.init);
    byId.set(tx.paymentId, tx);
    sendText(res, 200, `${tx.paymentId}:${paymentUrl}`);
  }

  function hostedPage(req: IncomingMessage, res: ServerResponse) {
    const paymentId = queryOf(req).get('PaymentID') ?? '';
    const tx = byId.get(paymentId);
    if (!tx) return reject(req, res, 404, 'unknown PaymentID');
    if (tx.scenario !== null) return reject(req, res, 409, 'this payment session is already over');
    if (wantsJson(req)) return sendJson(res, 200, { txn: tx.paymentId });
    const { init } = tx;
    sendHtml(
      res,
      200,
      paymentPage(
        tx.paymentId,
        init.amt,
        init.currencycode,
        init.trackid,
        SCENARIOS_BY_ACTION[init.action],
        ACT_PATH,
      ),
    );
  }

  async function shopperActs(req: IncomingMessage, res: ServerResponse) {
    const json = isJsonBody(req);
    const body = await readBody(req);
    let action: ShopperAction;
    try {
      action = parseShopperAction(body, json);
    } catch (err) {
      if (err instanceof FaultError || err instanceof SyntaxError) return reject(req, res, 400, err.message);
      throw err;
    }
    const tx = typeof action.txn === 'string' ? byId.get(action.txn) : undefined;
    if (!tx) return reject(req, res, 404, 'unknown payment session (txn)');
    if (!SCENARIOS.includes(action.scenario as Scenario)) {
      return reject(req, res, 400, `scenario must be one of ${SCENARIOS.join(', ')}`);
    }
    const scenario = action.scenario as Scenario;
    let result: ReturnType<typeof checkAct>;
    try {
      result = checkAct(tx, scenario, action.faults, random);
    } catch (err) {
      if (err instanceof ActError) return reject(req, res, tx.scenario !== null ? 409 : 400, err.message);
      throw err;
    }
    const acting = act(ctx, tx, scenario, action.faults, result);
    running.add(acting);
    const destination = await acting.finally(() => running.delete(acting));
    if (json || wantsJson(req)) return sendJson(res, 200, { txn: tx.paymentId, result, ...destination });
    redirect(res, destination.location);
  }

  const server = createServer((req, res) => {
    const path = pathOf(req);
    const route =
      path === INIT_PATH && req.method === 'POST'
        ? paymentInit
        : path === PAGE_PATH && req.method === 'GET'
          ? hostedPage
          : path === ACT_PATH && req.method === 'POST'
            ? shopperActs
            : undefined;
    if (!route) return sendHtml(res, 404, errorPage('Not found', `no ${req.method} page at ${path}`));
    Promise.resolve(route(req, res)).catch((err: unknown) => {
      if (err instanceof FormDecodeError || err instanceof BodyTooLargeError) {
        if (path === INIT_PATH) return sendText(res, 200, `!ERROR!SIM010-Malformed request: ${err.message}`);
        return reject(req, res, 400, err.message);
      }
      if (!res.headersSent) sendHtml(res, 500, errorPage('Technical error', String(err)));
    });
  });
  const url = await listen(server, options.host, options.port);
  paymentUrl = `${url}${PAGE_PATH}?${PAGE_QUERY}`;

  return {
    url,
    servletBase: url + SERVLET_PATH,
    paymentUrl,
    actUrl: url + ACT_PATH,
    transactions: () => [...byId.values()].map(snapshot),
    transaction(paymentId) {
      const tx = byId.get(paymentId);
      return tx && snapshot(tx);
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    async close() {
      closing.abort();
      await Promise.all([closeServer(server), Promise.allSettled([...running])]);
    },
  };
}

function terminalMap(terminals: readonly SimTerminal[]): Map<string, SimTerminal> {
  const map = new Map<string, SimTerminal>();
  for (const terminal of terminals) {
    if (map.has(terminal.id)) throw new Error(`terminal ${terminal.id} is configured twice`);
    map.set(terminal.id, terminal);
  }
  if (map.size === 0) throw new Error('the simulator needs at least one terminal');
  return map;
}

function reject(req: IncomingMessage, res: ServerResponse, status: number, message: string) {
  if (wantsJson(req) || isJsonBody(req)) return sendJson(res, status, { error: { message } });
  sendHtml(res, status, errorPage('Consorzio Triveneto simulator: error', message));
}
