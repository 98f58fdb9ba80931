import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { decodeForm } from '../../gateways/_shared/form-codec.js';
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
import { createClock, createNotifier } from './notifier.js';
import { intentObject, sessionObject } from './objects.js';
import { act, type SessionContext } from './session.js';
import {
  type SimSession,
  STRIPE_SCENARIOS,
  type StripeSimulator,
  type StripeSimulatorOptions,
} from './types.js';

const SESSIONS_PATH = '/v1/checkout/sessions';
const INTENTS_PATH = '/v1/payment_intents';
const HOSTED_PATH = '/c/pay/';
const ACT_PATH = '/pay-act';

/** Stripe's minimum charge in EUR is 0.50 (Stripe docs "Minimum and maximum charge amounts"); max 999,999.99. */
export const MIN_AMOUNT = 50;
export const MAX_AMOUNT = 99_999_999;

/**
 * Starts a fake Stripe: Checkout Sessions (`POST /v1/checkout/sessions`, form-encoded, Idempotency-Key honoured;
 * `GET /v1/checkout/sessions/{id}` with `expand[]`), PaymentIntents (`GET /v1/payment_intents/{id}`, `/search` by
 * `metadata['quittance_payment_id']`), a hosted page at each session's `url`, a "shopper acts" endpoint, and signed
 * events (notifier.ts). It speaks the protocol on its own: it imports nothing of the adapter.
 */
export async function startStripeSimulator(options: StripeSimulatorOptions): Promise<StripeSimulator> {
  if (options.secretKeys.length === 0) throw new Error('the simulator needs at least one secret key');
  if (options.webhookSecrets.length === 0) throw new Error('the simulator needs a webhook signing secret');
  const keys = new Set(options.secretKeys);
  const clock = createClock(options.timeScale ?? 1);
  const random = createRandom(options.seed);
  const signed = new Map<number, { body: string; secrets: readonly string[] }>();
  const notifier = createNotifier({
    clock,
    retries: options.retries ?? true,
    signing: (n) => signed.get(n) ?? { body: '', secrets: [] },
  });
  const ctx: SessionContext = {
    clock,
    random,
    notifier,
    webhookSecrets: options.webhookSecrets,
    register(body, secrets) {
      const n = signed.size + 1;
      signed.set(n, { body, secrets });
      return n;
    },
    endpointFor: (s) => options.endpointUrl ?? endpointFromReturn(s.successUrl),
  };
  const byId = new Map<string, SimSession>();
  const byIdempotencyKey = new Map<string, SimSession>();
  let baseUrl = '';

  function authorized(req: IncomingMessage, res: ServerResponse): string | undefined {
    const key = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (key && keys.has(key)) return key;
    apiError(res, 401, 'authentication_error', 'Invalid API Key provided.');
    return undefined;
  }

  async function create(req: IncomingMessage, res: ServerResponse) {
    const key = authorized(req, res);
    if (!key) return;
    const params = new Map(decodeForm(await readBody(req)).map((p) => [p.name, p.value]));
    const idempotencyKey = req.headers['idempotency-key'];
    const again =
      typeof idempotencyKey === 'string' ? byIdempotencyKey.get(`${key}:${idempotencyKey}`) : undefined;
    if (again) return sendJson(res, 200, sessionObject(again, false));
    const amount = Number(params.get('line_items[0][price_data][unit_amount]'));
    const currency = params.get('line_items[0][price_data][currency]') ?? '';
    const problem =
      params.get('mode') !== 'payment'
        ? ['mode', 'mode must be payment']
        : !Number.isSafeInteger(amount) || amount < MIN_AMOUNT || amount > MAX_AMOUNT
          ? [
              'line_items[0][price_data][unit_amount]',
              `must be an integer between ${MIN_AMOUNT} and ${MAX_AMOUNT}`,
            ]
          : !/^[a-z]{3}$/.test(currency)
            ? ['line_items[0][price_data][currency]', 'Invalid currency']
            : !isHttpUrl(params.get('success_url'))
              ? ['success_url', 'Not a valid URL']
              : undefined;
    if (problem) return apiError(res, 400, 'invalid_request_error', problem[1] as string, problem[0]);
    const id = `cs_${key.startsWith('sk_live_') ? 'live' : 'test'}_a1${random.hex(20)}`;
    const session: SimSession = {
      id,
      secretKey: key,
      orderAmount: amount,
      currency,
      clientReferenceId: params.get('client_reference_id'),
      metadata: nested(params, 'metadata'),
      intentMetadata: nested(params, 'payment_intent_data[metadata]'),
      successUrl: params.get('success_url') as string,
      cancelUrl: params.get('cancel_url') ?? (params.get('success_url') as string),
      url: `${baseUrl}${HOSTED_PATH}${id}`,
      created: Math.floor(Date.now() / 1000),
      status: 'open',
      paymentStatus: 'unpaid',
      intent: null,
      scenario: null,
      faults: [],
      settledAmount: amount,
      events: [],
    };
    byId.set(id, session);
    if (typeof idempotencyKey === 'string') byIdempotencyKey.set(`${key}:${idempotencyKey}`, session);
    sendJson(res, 200, sessionObject(session, false));
  }

  function retrieveSession(req: IncomingMessage, res: ServerResponse, id: string) {
    const key = authorized(req, res);
    if (!key) return;
    const session = byId.get(id);
    if (!session || session.secretKey !== key) {
      return apiError(res, 404, 'invalid_request_error', `No such checkout.session: '${id}'`);
    }
    const expand = expands(req);
    sendJson(
      res,
      200,
      sessionObject(
        session,
        expand.some((e) => e === 'payment_intent' || e.startsWith('payment_intent.')),
      ),
    );
  }

  function retrieveIntent(req: IncomingMessage, res: ServerResponse, id: string) {
    const key = authorized(req, res);
    if (!key) return;
    const session = [...byId.values()].find((s) => s.intent?.id === id && s.secretKey === key);
    if (!session) return apiError(res, 404, 'invalid_request_error', `No such payment_intent: '${id}'`);
    sendJson(res, 200, intentObject(session, expands(req).includes('latest_charge')));
  }

  function searchIntents(req: IncomingMessage, res: ServerResponse) {
    const key = authorized(req, res);
    if (!key) return;
    const query = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
    const wanted = /^metadata\['quittance_payment_id'\]:'([^']*)'$/.exec(query)?.[1];
    if (wanted === undefined)
      return apiError(res, 400, 'invalid_request_error', 'Unsupported search query.', 'query');
    const data = [...byId.values()]
      .filter(
        (s) => s.secretKey === key && s.intent !== null && s.intentMetadata.quittance_payment_id === wanted,
      )
      .map((s) => intentObject(s, true));
    sendJson(res, 200, {
      object: 'search_result',
      data,
      has_more: false,
      next_page: null,
      url: '/v1/payment_intents/search',
    });
  }

  function hostedPage(req: IncomingMessage, res: ServerResponse, id: string) {
    const session = byId.get(id);
    if (!session) return sendHtml(res, 404, '<h1>Session not found</h1>');
    if (wantsJson(req)) return sendJson(res, 200, { txn: session.id });
    sendHtml(
      res,
      200,
      `<!doctype html><title>Stripe Checkout</title><h1>Pay ${(session.orderAmount / 100).toFixed(2)} ${session.currency.toUpperCase()}</h1>` +
        `<p>POST ${ACT_PATH} with {"txn":"${session.id}","scenario":"paid"} to act.</p>`,
    );
  }

  async function shopperActs(req: IncomingMessage, res: ServerResponse) {
    const choice = await readShopperChoice(req, res, {
      find: (id) => byId.get(id),
      scenarios: STRIPE_SCENARIOS,
      noun: 'session',
    });
    if (choice) sendJson(res, 200, act(ctx, choice.txn, choice.scenario, choice.faults));
  }

  const server = createServer((req, res) => {
    const path = pathOf(req);
    const method = req.method ?? 'GET';
    const handle = async () => {
      if (path === SESSIONS_PATH && method === 'POST') return create(req, res);
      if (path.startsWith(`${SESSIONS_PATH}/`) && method === 'GET') {
        return retrieveSession(req, res, decodeURIComponent(path.slice(SESSIONS_PATH.length + 1)));
      }
      if (path === `${INTENTS_PATH}/search` && method === 'GET') return searchIntents(req, res);
      if (path.startsWith(`${INTENTS_PATH}/`) && method === 'GET') {
        return retrieveIntent(req, res, decodeURIComponent(path.slice(INTENTS_PATH.length + 1)));
      }
      if (path.startsWith('/v1/'))
        return apiError(res, 404, 'invalid_request_error', 'Unrecognized request URL.');
      if (path.startsWith(HOSTED_PATH) && method === 'GET')
        return hostedPage(req, res, path.slice(HOSTED_PATH.length));
      if (path === ACT_PATH && method === 'POST') return shopperActs(req, res);
      sendHtml(res, 404, '<h1>Not found</h1>');
    };
    handle().catch((err: unknown) => {
      if (err instanceof BodyTooLargeError) return apiError(res, 413, 'invalid_request_error', err.message);
      if (!res.headersSent) apiError(res, 500, 'api_error', 'Unexpected server error.');
    });
  });
  baseUrl = await listen(server, options.host, options.port);

  return {
    url: baseUrl,
    apiBase: baseUrl,
    sessions: () => [...byId.values()].map((s) => structuredClone(s)),
    session: (id) => {
      const s = byId.get(id);
      return s ? structuredClone(s) : undefined;
    },
    idle: () => notifier.idle(),
    async close() {
      notifier.close();
      await Promise.all([closeServer(server), notifier.idle()]);
    },
  };
}

/** Stripe's error body: `{"error": {"type", "message", "param"?}}`. */
function apiError(res: ServerResponse, status: number, type: string, message: string, param?: string): void {
  sendJson(res, status, { error: { type, message, ...(param && { param }) } });
}

/** `metadata[a]=1&metadata[b]=2` → `{a: "1", b: "2"}`. */
function nested(params: ReadonlyMap<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of params) {
    if (name.startsWith(`${prefix}[`) && name.endsWith(']')) {
      const key = name.slice(prefix.length + 1, -1);
      if (!key.includes('[')) out[key] = value;
    }
  }
  return out;
}

function expands(req: IncomingMessage): string[] {
  return new URL(req.url ?? '/', 'http://x').searchParams.getAll('expand[]');
}

/** quittance's return URL is `/return/<account>/<payment>`: its events endpoint is `/notify/<account>`. */
function endpointFromReturn(successUrl: string): string {
  const url = new URL(successUrl);
  const account = /^\/return\/([^/]+)\//.exec(url.pathname)?.[1] ?? '';
  return `${url.origin}/notify/${account}`;
}
