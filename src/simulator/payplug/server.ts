import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readShopperChoice } from '../_shared/action.js';
import {
  BodyTooLargeError,
  isHttpUrl,
  pathOf,
  readBody,
  sendHtml,
  sendJson,
  wantsJson,
} from '../_shared/http.js';
import { closeServer, listen } from '../_shared/listen.js';
import { createRandom } from '../_shared/random.js';
import { createClock } from './clock.js';
import { createNotifier } from './notifier.js';
import { act, type PaymentContext, paymentId, paymentObject } from './payment.js';
import {
  type ApiCall,
  PAYPLUG_SCENARIOS,
  type PayplugSimulator,
  type PayplugSimulatorOptions,
  type SimPayment,
} from './types.js';

const PAYMENTS_PATH = '/v1/payments';
const HOSTED_PATH = '/pay/';
const ACT_PATH = '/pay-act';

/**
 * Amount bounds of a payment, in cents: PayPlug's API reference gives 99 to 2,000,000 for card payments as far as we
 * know [UNCONFIRMED]; the simulator refuses outside them as PayPlug would (400 with details.amount).
 */
export const MIN_AMOUNT = 99;
export const MAX_AMOUNT = 2_000_000;

/**
 * Starts a fake PayPlug: the payments API (`POST /v1/payments`, `GET /v1/payments/{id}`, Bearer secret key), a hosted
 * page at each payment's `hosted_payment.payment_url`, a "shopper acts" endpoint and a notifier. It speaks the
 * protocol on its own (shared/protocols.md §2); it imports nothing of the adapter.
 */
export async function startPayplugSimulator(options: PayplugSimulatorOptions): Promise<PayplugSimulator> {
  if (options.secretKeys.length === 0) throw new Error('the simulator needs at least one secret key');
  const keys = new Set(options.secretKeys);
  const clock = createClock(options.timeScale ?? 1);
  const random = createRandom(options.seed);
  const notifier = createNotifier({ clock, retries: options.retries ?? true });
  const ctx: PaymentContext = { clock, random, notifier };
  const byId = new Map<string, SimPayment>();
  const calls: ApiCall[] = [];
  let baseUrl = '';

  /** Bearer check; answers 401 like PayPlug (payplug-php UnauthorizedException on 401) and returns undefined. */
  function authorized(req: IncomingMessage, res: ServerResponse): string | undefined {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const key = match?.[1];
    if (key && keys.has(key)) return key;
    apiError(res, 401, 'Unauthorized. Please check your credentials.');
    return undefined;
  }

  async function create(req: IncomingMessage, res: ServerResponse) {
    const key = authorized(req, res);
    if (!key) return;
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req)).toString('utf8'));
    } catch {
      return apiError(res, 400, 'The request body is not valid JSON.');
    }
    const checked = validate(body);
    if (!checked.ok) return apiError(res, 400, 'The request was invalid.', checked.problems);
    const { input } = checked;
    const id = paymentId(random);
    const payment: SimPayment = {
      id,
      secretKey: key,
      orderAmount: input.amount,
      currency: input.currency,
      createdAt: Math.floor(Date.now() / 1000),
      returnUrl: input.returnUrl,
      cancelUrl: input.cancelUrl,
      notificationUrl: input.notificationUrl,
      metadata: input.metadata,
      paymentUrl: `${baseUrl}${HOSTED_PATH}${id}`,
      scenario: null,
      faults: [],
      settledAmount: input.amount,
      paidAt: null,
      failure: null,
      notifications: [],
    };
    byId.set(id, payment);
    sendJson(res, 201, paymentObject(payment));
  }

  function retrieve(req: IncomingMessage, res: ServerResponse, id: string) {
    const key = authorized(req, res);
    if (!key) return;
    const payment = byId.get(id);
    // A key sees only its own payments (a test key never sees a live payment).
    if (!payment || payment.secretKey !== key) {
      return apiError(res, 404, 'The resource you requested could not be found.');
    }
    sendJson(res, 200, paymentObject(payment));
  }

  function hostedPage(req: IncomingMessage, res: ServerResponse, id: string) {
    const payment = byId.get(id);
    if (!payment) return sendHtml(res, 404, '<h1>Payment not found</h1>');
    if (wantsJson(req)) return sendJson(res, 200, { txn: payment.id });
    sendHtml(
      res,
      200,
      `<!doctype html><title>PayPlug</title><h1>Pay ${(payment.orderAmount / 100).toFixed(2)} ${payment.currency}</h1>` +
        `<p>POST ${ACT_PATH} with {"txn":"${payment.id}","scenario":"paid"} to act.</p>`,
    );
  }

  async function shopperActs(req: IncomingMessage, res: ServerResponse) {
    // JSON only: PayPlug's simulated page has no form.
    const choice = await readShopperChoice(req, res, {
      find: (id) => byId.get(id),
      scenarios: PAYPLUG_SCENARIOS,
      noun: 'payment',
    });
    if (!choice) return;
    if (choice.faults.some((f) => f.kind === 'reorder')) {
      return sendJson(res, 400, {
        error: {
          code: 'bad-field',
          field: 'faults',
          message: 'reorder needs two notifications; PayPlug sends one',
        },
      });
    }
    sendJson(res, 200, act(ctx, choice.txn, choice.scenario, choice.faults));
  }

  const server = createServer((req, res) => {
    const path = pathOf(req);
    const method = req.method ?? 'GET';
    const record = (status: number) =>
      calls.push({
        at: clock.now(),
        method,
        path,
        status,
        version:
          typeof req.headers['payplug-version'] === 'string' ? req.headers['payplug-version'] : undefined,
      });
    const handle = async () => {
      if (path === PAYMENTS_PATH && method === 'POST') return create(req, res);
      if (path.startsWith(`${PAYMENTS_PATH}/`) && method === 'GET') {
        return retrieve(req, res, decodeURIComponent(path.slice(PAYMENTS_PATH.length + 1)));
      }
      if (path.startsWith(PAYMENTS_PATH)) return apiError(res, 405, 'The requested method is not supported.');
      if (path.startsWith(HOSTED_PATH) && method === 'GET')
        return hostedPage(req, res, path.slice(HOSTED_PATH.length));
      if (path === ACT_PATH && method === 'POST') return shopperActs(req, res);
      sendHtml(res, 404, '<h1>Not found</h1>');
    };
    handle()
      .catch((err: unknown) => {
        if (err instanceof BodyTooLargeError) return apiError(res, 413, err.message);
        if (!res.headersSent) apiError(res, 500, 'Unexpected server error.');
      })
      .finally(() => {
        if (path.startsWith(PAYMENTS_PATH)) record(res.statusCode);
      });
  });
  baseUrl = await listen(server, options.host, options.port);

  return {
    url: baseUrl,
    apiBase: baseUrl,
    payments: () => [...byId.values()].map((p) => structuredClone(p)),
    payment: (id) => {
      const p = byId.get(id);
      return p ? structuredClone(p) : undefined;
    },
    apiCalls: () => calls.map((c) => ({ ...c })),
    idle: () => notifier.idle(),
    async close() {
      notifier.close();
      await Promise.all([closeServer(server), notifier.idle()]);
    },
  };
}

/** PayPlug's error body [UNCONFIRMED shape]: `{object: "error", message, details}`. */
function apiError(
  res: ServerResponse,
  status: number,
  message: string,
  details?: Record<string, string>,
): void {
  sendJson(res, status, { object: 'error', message, ...(details && { details }) });
}

interface CreateInput {
  readonly amount: number;
  readonly currency: string;
  readonly returnUrl: string;
  readonly cancelUrl: string;
  readonly notificationUrl: string;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** The checks PayPlug makes on a new payment, as far as the simulator knows them; problems by field. */
function validate(
  body: unknown,
): { ok: true; input: CreateInput } | { ok: false; problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const obj = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<
    string,
    unknown
  >;
  const amount = obj.amount;
  if (
    typeof amount !== 'number' ||
    !Number.isSafeInteger(amount) ||
    amount < MIN_AMOUNT ||
    amount > MAX_AMOUNT
  ) {
    problems.amount = `must be an integer number of cents between ${MIN_AMOUNT} and ${MAX_AMOUNT}`;
  }
  if (obj.currency !== 'EUR') problems.currency = 'must be EUR';
  const hosted = (
    typeof obj.hosted_payment === 'object' && obj.hosted_payment !== null ? obj.hosted_payment : {}
  ) as Record<string, unknown>;
  for (const [field, value] of [
    ['hosted_payment.return_url', hosted.return_url],
    ['hosted_payment.cancel_url', hosted.cancel_url],
    ['notification_url', obj.notification_url],
  ] as const) {
    if (!isHttpUrl(value)) problems[field] = 'must be an absolute http(s) URL';
  }
  const metadata = obj.metadata ?? {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    problems.metadata = 'must be an object';
  }
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  const input: CreateInput = {
    amount: amount as number,
    currency: 'EUR',
    returnUrl: hosted.return_url as string,
    cancelUrl: hosted.cancel_url as string,
    notificationUrl: obj.notification_url as string,
    metadata: metadata as Record<string, unknown>,
  };
  return { ok: true, input };
}
