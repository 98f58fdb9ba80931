import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseShopperAction, type ShopperAction } from '../_shared/action.js';
import { BodyTooLargeError, pathOf, readBody, sendHtml, sendJson, wantsJson } from '../_shared/http.js';
import { closeServer, listen } from '../_shared/listen.js';
import { createRandom } from '../_shared/random.js';
import { FaultError } from '../faults.js';
import { createClock } from './clock.js';
import { createNotifier } from './notifier.js';
import { act, announceRefund, decimal, type PaymentContext, paymentId, paymentObject } from './payment.js';
import {
  type ApiCall,
  MOLLIE_SCENARIOS,
  type MollieScenario,
  type MollieSimulator,
  type MollieSimulatorOptions,
  type SimPayment,
} from './types.js';
import { parseAmount, validateCreate } from './validate.js';

const PAYMENTS_PATH = '/v2/payments';
const CHECKOUT_PATH = '/checkout/';
const ACT_PATH = '/checkout-act';
/** The key of the other merchant whose payments forged webhooks may name. */
const FOREIGN_KEY = 'test_anothermerchantsimulatorkey00';

/**
 * Starts a fake Mollie: the payments API (`POST /v2/payments`, `GET /v2/payments/{id}`, Bearer API key), a hosted
 * checkout at each payment's `_links.checkout.href`, a "shopper acts" endpoint and a webhook notifier. It speaks the
 * protocol on its own (shared/protocols.md "Mollie", docs.mollie.com); it imports nothing of the adapter.
 */
export async function startMollieSimulator(options: MollieSimulatorOptions): Promise<MollieSimulator> {
  if (options.apiKeys.length === 0) throw new Error('the simulator needs at least one API key');
  const keys = new Set(options.apiKeys);
  const clock = createClock(options.timeScale ?? 1);
  const random = createRandom(options.seed);
  const notifier = createNotifier({ clock, retries: options.retries ?? true });
  const byId = new Map<string, SimPayment>();
  const calls: ApiCall[] = [];
  let baseUrl = '';

  function newPayment(apiKey: string, input: ReturnType<typeof validateCreate> & { ok: true }): SimPayment {
    const id = paymentId(random);
    const { amount } = input;
    const payment: SimPayment = {
      id,
      apiKey,
      mode: apiKey.startsWith('live_') ? 'live' : 'test',
      orderAmount: amount.minor,
      currency: amount.currency,
      description: input.description,
      createdAt: new Date().toISOString(),
      redirectUrl: input.redirectUrl,
      webhookUrl: input.webhookUrl,
      metadata: input.metadata,
      checkoutUrl: `${baseUrl}${CHECKOUT_PATH}${id}`,
      status: 'open',
      scenario: null,
      faults: [],
      settledAmount: amount.minor,
      decidedAt: null,
      amountRefunded: 0,
      notifications: [],
    };
    byId.set(id, payment);
    return payment;
  }

  let foreign: string | undefined;
  const ctx: PaymentContext = {
    clock,
    random,
    notifier,
    foreignPaymentId() {
      foreign ??= newPayment(FOREIGN_KEY, {
        ok: true,
        amount: { minor: 100, currency: 'EUR' },
        description: 'Another merchant',
        redirectUrl: 'https://another-merchant.example/return',
        webhookUrl: undefined,
        metadata: null,
      }).id;
      return foreign;
    },
  };

  /** Bearer check; answers 401 as Mollie does (docs.mollie.com/reference/authentication) and returns undefined. */
  function authorized(req: IncomingMessage, res: ServerResponse): string | undefined {
    const key = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (key && keys.has(key)) return key;
    problem(res, 401, 'Unauthorized Request', 'Missing authentication, or failed to authenticate');
    return undefined;
  }

  /** `Idempotency-Key` → the first answer's payment (docs.mollie.com/reference/api-idempotency). */
  const byIdempotencyKey = new Map<string, string>();
  const refundsByKey = new Map<string, unknown>();

  async function create(req: IncomingMessage, res: ServerResponse) {
    const key = authorized(req, res);
    if (!key) return;
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req)).toString('utf8'));
    } catch {
      return problem(res, 400, 'Bad Request', 'The request body is not valid JSON.');
    }
    const idempotency = header(req, 'idempotency-key');
    const earlier = idempotency === undefined ? undefined : byIdempotencyKey.get(`${key} ${idempotency}`);
    const known = earlier === undefined ? undefined : byId.get(earlier);
    if (known) return sendJson(res, 201, paymentObject(known, baseUrl));
    const checked = validateCreate(body);
    if (!checked.ok) return problem(res, 422, 'Unprocessable Entity', checked.detail, checked.field);
    const payment = newPayment(key, checked);
    if (idempotency !== undefined) byIdempotencyKey.set(`${key} ${idempotency}`, payment.id);
    sendJson(res, 201, paymentObject(payment, baseUrl));
  }

  function retrieve(req: IncomingMessage, res: ServerResponse, id: string) {
    const key = authorized(req, res);
    if (!key) return;
    const payment = byId.get(id);
    // A key sees only its own payments: another merchant's, or the other mode's, is a 404.
    if (!payment || payment.apiKey !== key) {
      return problem(res, 404, 'Not Found', `No payment exists with token ${id}.`);
    }
    sendJson(res, 200, paymentObject(payment, baseUrl));
  }

  /**
   * `POST /v2/payments/{id}/refunds {amount, description?, metadata?}` (docs.mollie.com/reference/create-refund): a paid
   * payment of this key, at most what is left; answers 201 with the refund (`pending`), and the payment's webhook is
   * called again. The same Idempotency-Key gives the first refund back.
   */
  async function refund(req: IncomingMessage, res: ServerResponse, id: string) {
    const key = authorized(req, res);
    if (!key) return;
    const payment = byId.get(id);
    if (!payment || payment.apiKey !== key)
      return problem(res, 404, 'Not Found', `No payment exists with token ${id}.`);
    const idempotency = header(req, 'idempotency-key');
    const earlier = idempotency === undefined ? undefined : refundsByKey.get(`${key} ${idempotency}`);
    if (earlier) return sendJson(res, 201, earlier);
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req)).toString('utf8'));
    } catch {
      return problem(res, 400, 'Bad Request', 'The request body is not valid JSON.');
    }
    if (payment.status !== 'paid') {
      return problem(
        res,
        422,
        'Unprocessable Entity',
        `The payment ${id} is ${payment.status}: it cannot be refunded.`,
      );
    }
    const amount = parseAmount((body as { amount?: unknown } | null)?.amount);
    if ('field' in amount) return problem(res, 422, 'Unprocessable Entity', amount.detail, amount.field);
    if (amount.currency !== payment.currency) {
      return problem(
        res,
        422,
        'Unprocessable Entity',
        'The refund must be in the currency of the payment.',
        'amount.currency',
      );
    }
    if (amount.minor > payment.settledAmount - payment.amountRefunded) {
      return problem(
        res,
        422,
        'Unprocessable Entity',
        'The amount is higher than the amount remaining.',
        'amount.value',
      );
    }
    payment.amountRefunded += amount.minor;
    const answer = {
      resource: 'refund',
      id: `re_${random.hex(10)}`,
      amount: decimal(amount.minor, amount.currency),
      status: 'pending',
      paymentId: payment.id,
      createdAt: new Date().toISOString(),
      metadata: (body as { metadata?: unknown }).metadata ?? null,
    };
    if (idempotency !== undefined) refundsByKey.set(`${key} ${idempotency}`, answer);
    announceRefund(ctx, payment);
    sendJson(res, 201, answer);
  }

  function checkoutPage(req: IncomingMessage, res: ServerResponse, id: string) {
    const payment = byId.get(id);
    if (!payment || payment.apiKey === FOREIGN_KEY) return sendHtml(res, 404, '<h1>Payment not found</h1>');
    if (wantsJson(req)) return sendJson(res, 200, { txn: payment.id });
    sendHtml(
      res,
      200,
      `<!doctype html><title>Mollie</title><h1>${payment.description}</h1>` +
        `<p>POST ${ACT_PATH} with {"txn":"${payment.id}","scenario":"paid"} to act ` +
        `(${MOLLIE_SCENARIOS.join(', ')}).</p>`,
    );
  }

  async function shopperActs(req: IncomingMessage, res: ServerResponse) {
    let action: ShopperAction;
    try {
      action = parseShopperAction(await readBody(req), true);
    } catch (err) {
      if (err instanceof FaultError || err instanceof SyntaxError) {
        return sendJson(res, 400, { error: { code: 'bad-field', message: err.message } });
      }
      throw err;
    }
    if (action.faults.some((f) => f.kind === 'reorder')) {
      return badField(res, 400, 'faults', 'reorder needs two webhooks; Mollie calls once per status change');
    }
    const payment = typeof action.txn === 'string' ? byId.get(action.txn) : undefined;
    if (!payment || payment.apiKey === FOREIGN_KEY) return badField(res, 404, 'txn', 'unknown payment');
    if (!MOLLIE_SCENARIOS.includes(action.scenario as MollieScenario)) {
      return badField(res, 400, 'scenario', `scenario must be one of ${MOLLIE_SCENARIOS.join(', ')}`);
    }
    if (payment.scenario !== null) return badField(res, 409, 'txn', 'this payment is already over');
    sendJson(res, 200, act(ctx, payment, action.scenario as MollieScenario, action.faults));
  }

  const server = createServer((req, res) => {
    const path = pathOf(req);
    const method = req.method ?? 'GET';
    const handle = async () => {
      if (path === PAYMENTS_PATH && method === 'POST') return create(req, res);
      const refunds = /^\/v2\/payments\/([^/]+)\/refunds$/.exec(path);
      if (refunds && method === 'POST') return refund(req, res, decodeURIComponent(refunds[1] ?? ''));
      if (path.startsWith(`${PAYMENTS_PATH}/`) && method === 'GET') {
        return retrieve(req, res, decodeURIComponent(path.slice(PAYMENTS_PATH.length + 1)));
      }
      if (path.startsWith(PAYMENTS_PATH))
        return problem(res, 405, 'Method Not Allowed', `${method} is not allowed.`);
      if (path.startsWith(CHECKOUT_PATH) && method === 'GET') {
        return checkoutPage(req, res, path.slice(CHECKOUT_PATH.length));
      }
      if (path === ACT_PATH && method === 'POST') return shopperActs(req, res);
      sendHtml(res, 404, '<h1>Not found</h1>');
    };
    handle()
      .catch((err: unknown) => {
        if (err instanceof BodyTooLargeError) return problem(res, 413, 'Payload Too Large', err.message);
        if (!res.headersSent) problem(res, 500, 'Internal Server Error', 'Unexpected server error.');
      })
      .finally(() => {
        if (path.startsWith(PAYMENTS_PATH)) {
          calls.push({
            at: clock.now(),
            method,
            path,
            status: res.statusCode,
            idempotencyKey: header(req, 'idempotency-key'),
          });
        }
      });
  });

  baseUrl = await listen(server, options.host, options.port);
  return {
    url: baseUrl,
    apiBase: baseUrl,
    payments: () => [...byId.values()].filter((p) => p.apiKey !== FOREIGN_KEY).map((p) => structuredClone(p)),
    payment: (id) => {
      const p = byId.get(id);
      return p && p.apiKey !== FOREIGN_KEY ? structuredClone(p) : undefined;
    },
    apiCalls: () => calls.map((c) => ({ ...c })),
    idle: () => notifier.idle(),
    async close() {
      notifier.close();
      await Promise.all([closeServer(server), notifier.idle()]);
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Mollie's error body, `application/hal+json` `{status, title, detail, field?, _links.documentation}`
 * (docs.mollie.com/reference/errors).
 */
function problem(res: ServerResponse, status: number, title: string, detail: string, field?: string): void {
  sendJson(res, status, {
    status,
    title,
    detail,
    ...(field !== undefined && { field }),
    _links: {
      documentation: { href: 'https://docs.mollie.com/overview/handling-errors', type: 'text/html' },
    },
  });
}

function badField(res: ServerResponse, status: number, field: string, message: string): void {
  sendJson(res, status, { error: { code: 'bad-field', field, message } });
}
