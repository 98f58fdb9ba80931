import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeForm, FormDecodeError, formToRecord } from '../../gateways/_shared/form-codec.js';
import { type Fault, FaultError, parseFaults } from '../faults.js';
import { BodyTooLargeError, isJsonBody, readBody, sendHtml, sendJson, wantsJson } from '../lyra/http.js';
import { createRandom } from '../lyra/random.js';
import { SCENARIOS, type Scenario } from '../platform.js';
import { createClock } from './clock.js';
import { autoSubmitPage, errorPage, paymentPage } from './html.js';
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
    let action: { txn: unknown; scenario: unknown; faults: Fault[] };
    try {
      action = json ? jsonAction(body) : formAction(body);
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
    sendHtml(res, 200, autoSubmitPage(ret.returnUrl, ret.fields));
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
    const path = (req.url ?? '/').split('?')[0] ?? '/';
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;

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
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([closed, notifier.idle()]);
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

function jsonAction(body: Buffer) {
  const parsed: unknown = JSON.parse(body.toString('utf8'));
  const obj = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  return { txn: obj.txn, scenario: obj.scenario, faults: parseFaults(obj.faults) };
}

/** The Paypage form: checkboxes named `fault`, and an optional delay_ms. */
function formAction(body: Buffer) {
  const pairs = decodeForm(body);
  const record = formToRecord(pairs);
  const faults: unknown[] = pairs.filter((p) => p.name === 'fault').map((p) => ({ kind: p.value }));
  if (record.delay_ms) faults.push({ kind: 'delay', ms: Number(record.delay_ms) });
  return { txn: record.txn, scenario: record.scenario, faults: parseFaults(faults) };
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
