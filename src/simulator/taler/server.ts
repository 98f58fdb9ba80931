import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { is2xx } from '../_shared/attempt.js';
import { createSimClock, type SimClock } from '../_shared/clock.js';
import {
  BodyTooLargeError,
  parseJsonObject,
  pathOf,
  queryOf,
  readBody,
  sendHtml,
  sendJson,
} from '../_shared/http.js';
import { closeServer, listen } from '../_shared/listen.js';
import { afterDelays, createNotifier, type DeliveryJob, type Notifier } from '../_shared/notifier.js';
import { createRandom, type SimRandom } from '../_shared/random.js';
import { delayOf, dropsAttempt, type Fault, FaultError, hasFault, parseFaults } from '../faults.js';
import { formatAmount, parseAmount } from './amount.js';
import {
  type ApiCall,
  type SimOrder,
  type SimWebhook,
  type SimWebhookDelivery,
  TALER_SCENARIOS,
  type TalerScenario,
  type TalerSimulator,
  type TalerSimulatorOptions,
} from './types.js';

/**
 * Webhook retries: the backend retries "with increasing delays" on a temporary error; the schedule is [UNCONFIRMED]
 * (shared/protocols.md §5). Ours: 1 min, 5 min, 15 min, 1 h, 4 h after the previous attempt, then give up.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  60_000,
  5 * 60_000,
  15 * 60_000,
  60 * 60_000,
  4 * 60 * 60_000,
];
/** How long a webhook attempt waits for an answer [UNCONFIRMED]. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** A long-poll is held at most this long, whatever timeout_ms asks. */
export const MAX_HOLD_MS = 60_000;

/** The templates quittance documents (src/gateways/taler/webhook.ts): what `configureQuittanceWebhooks` registers. */
export const QUITTANCE_TEMPLATES: Readonly<Record<'pay' | 'refund', string>> = {
  pay: '{"event_type":"pay","order_id":"{{order_id}}"}',
  refund: '{"event_type":"refund","order_id":"{{order_id}}","refund_amount":"{{refund_amount}}"}',
};

interface WebhookJob extends DeliveryJob {
  readonly record: SimWebhookDelivery;
}

/**
 * Starts a fake GNU Taler merchant backend (docs.taler.net/core/api-merchant.html; shared/protocols.md §5), default
 * instance only:
 * - `POST /private/orders` → `{order_id, token}`; 409 for an existing order id, 400 for a bad order or currency;
 * - `GET /private/orders/$ID?session_id=&timeout_ms=&allow_refunded_for_repurchase=` with real long-polling: a
 *   `timeout_ms` holds the answer until the order changes or the time passes; with `session_id`, an unpaid order
 *   whose fulfillment URL this session already paid for (through another order) reports `already_paid_order_id` and
 *   `already_paid_fulfillment_url` (a refunded one counts only with `allow_refunded_for_repurchase=YES`);
 * - `POST /private/orders/$ID/refund {refund, reason}`: the refund TOTAL (403 not paid or past the refund deadline,
 *   404, 409 above the amount);
 * - `POST /private/webhooks`: registers a webhook (Mustache templates: `{{var}}` and `{{{var}}}` of the event's
 *   variables), sent for `pay` and `refund` with the retry policy above and the faults asked;
 * - Bearer `secret-token:` check on every `/private` call (401);
 * - `GET /orders/$ID` (the public status page the order_status_url names): JSON or a minimal HTML page;
 * - `POST /wallet/pay {talerPayUri | orderId, scenario, faults}`: plays the customer's wallet.
 * It imports nothing of the adapter.
 */
export async function startTalerSimulator(options: TalerSimulatorOptions): Promise<TalerSimulator> {
  if (options.tokens.length === 0) throw new Error('the simulator needs at least one access token');
  const tokens = new Set(
    options.tokens.map((t) => (t.startsWith('secret-token:') ? t : `secret-token:${t}`)),
  );
  const currency = options.currency ?? 'KUDOS';
  const clock: SimClock = createSimClock(options.timeScale ?? 1, WEBHOOK_TIMEOUT_MS);
  const random: SimRandom = createRandom(options.seed);
  const notifier: Notifier<WebhookJob> = createNotifier<WebhookJob>({
    clock,
    retries: options.retries ?? true,
    isSuccess: is2xx,
    retryAt: afterDelays(RETRY_DELAYS_MS, clock),
    headers: webhookHeaders,
  });
  const orders = new Map<string, SimOrder>();
  const webhooks = new Map<string, SimWebhook>();
  const waiters = new Map<string, Set<() => void>>();
  const calls: ApiCall[] = [];
  const stop = new AbortController();
  // Every held long-poll listens for shutdown (and stops listening when it answers); hundreds at once are normal.
  setMaxListeners(0, stop.signal);
  let baseUrl = '';

  const nowS = () => Math.floor(Date.now() / 1000);

  function changed(order: SimOrder): void {
    order.version++;
    const set = waiters.get(order.id);
    if (!set) return;
    waiters.delete(order.id);
    for (const wake of set) wake();
  }

  function authorized(req: IncomingMessage, res: ServerResponse): boolean {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (match?.[1] && tokens.has(match[1])) return true;
    talerError(res, 401, 2001, 'The request requires authentication: Bearer secret-token:…');
    return false;
  }

  async function createOrder(req: IncomingMessage, res: ServerResponse) {
    if (!authorized(req, res)) return;
    let body: Record<string, unknown>;
    try {
      body = parseJsonObject(await readBody(req));
    } catch {
      return talerError(res, 400, 20, 'The body is not a JSON object.');
    }
    const order = isObject(body.order) ? body.order : undefined;
    if (!order) return talerError(res, 400, 21, 'order is missing');
    const amount = parseAmount(order.amount);
    if (!amount) return talerError(res, 400, 21, 'order.amount is not a Taler amount');
    if (amount.currency !== currency) {
      return talerError(res, 400, 2152, `the backend deals in ${currency}, not ${amount.currency}`);
    }
    if (typeof order.summary !== 'string' || order.summary === '')
      return talerError(res, 400, 21, 'order.summary is missing');
    const id = order.order_id === undefined ? `${nowS()}-${random.hex(8).toUpperCase()}` : order.order_id;
    if (typeof id !== 'string' || !/^[A-Za-z0-9._~-]{1,128}$/.test(id)) {
      return talerError(res, 400, 21, 'order.order_id is not URL-safe');
    }
    if (orders.has(id)) return talerError(res, 409, 2170, `an order ${id} exists already`);
    const fulfillmentUrl = optionalString(order.fulfillment_url);
    const fulfillmentMessage = optionalString(order.fulfillment_message);
    if (fulfillmentUrl === undefined && fulfillmentMessage === undefined) {
      return talerError(res, 400, 21, 'order needs a fulfillment_url or a fulfillment_message');
    }
    const created = nowS();
    const payDeadline = timestamp(order.pay_deadline) ?? created + (options.defaultPayDelaySeconds ?? 7200);
    const refundDeadline =
      timestamp(order.refund_deadline) ?? created + (options.defaultRefundDelaySeconds ?? 86_400);
    const sessionId = optionalString(body.session_id);
    const sim: SimOrder = {
      id,
      claimToken: random.hex(16).toUpperCase(),
      currency,
      amountUnits: amount.units,
      summary: order.summary,
      fulfillmentUrl,
      fulfillmentMessage,
      createdAt: created,
      payDeadline,
      refundDeadline,
      sessionId,
      status: 'unpaid',
      paidSession: undefined,
      lastPayment: null,
      refunds: [],
      scenario: null,
      faults: [],
      version: 0,
      webhooks: [],
    };
    orders.set(id, sim);
    sendJson(res, 200, { order_id: id, token: sim.claimToken });
  }

  function payUri(order: SimOrder): string {
    const url = new URL(baseUrl);
    const scheme = url.protocol === 'https:' ? 'taler' : 'taler+http';
    return `${scheme}://pay/${url.host}/${order.id}/${order.sessionId ?? ''}?c=${order.claimToken}`;
  }

  function statusUrl(order: SimOrder): string {
    return `${baseUrl}/orders/${order.id}?token=${order.claimToken}`;
  }

  function refundedUnits(order: SimOrder): bigint {
    return order.refunds.at(-1)?.totalUnits ?? 0n;
  }

  function contractTerms(order: SimOrder): Record<string, unknown> {
    return {
      version: 0,
      amount: formatAmount(order.currency, order.amountUnits),
      max_fee: formatAmount(order.currency, order.amountUnits / 10n),
      summary: order.summary,
      order_id: order.id,
      products: [],
      timestamp: { t_s: order.createdAt },
      refund_deadline: { t_s: order.refundDeadline },
      pay_deadline: { t_s: order.payDeadline },
      wire_transfer_deadline: { t_s: order.refundDeadline + 86_400 },
      merchant_pub: 'SIMULATORMERCHANTPUB',
      merchant_base_url: `${baseUrl}/`,
      merchant: { name: 'Simulated merchant' },
      h_wire: 'SIMULATORHWIRE',
      wire_method: 'x-taler-bank',
      exchanges: [],
      nonce: `N${order.claimToken}`,
      ...(order.fulfillmentUrl !== undefined && { fulfillment_url: order.fulfillmentUrl }),
      ...(order.fulfillmentMessage !== undefined && { fulfillment_message: order.fulfillmentMessage }),
    };
  }

  /** The private status answer (MerchantOrderStatusResponse) as seen by a caller with `sessionId`. */
  function privateStatus(
    order: SimOrder,
    sessionId: string | undefined,
    allowRefunded: boolean,
  ): Record<string, unknown> {
    if (order.status === 'paid') {
      const refunded = refundedUnits(order);
      return {
        order_status: 'paid',
        refunded: refunded > 0n,
        refund_pending: refunded > 0n,
        wired: false,
        deposit_total: formatAmount(order.currency, order.amountUnits),
        exchange_code: 0,
        exchange_http_status: 0,
        refund_amount: formatAmount(order.currency, refunded),
        contract_terms: contractTerms(order),
        last_payment: { t_s: order.lastPayment ?? order.createdAt },
        wire_details: [],
        wire_reports: [],
        refund_details: order.refunds.map((r) => ({
          reason: r.reason,
          pending: true,
          timestamp: { t_s: r.timestamp },
          amount: formatAmount(order.currency, r.increaseUnits),
        })),
        order_status_url: statusUrl(order),
      };
    }
    if (order.status === 'claimed') {
      return {
        order_status: 'claimed',
        contract_terms: contractTerms(order),
        order_status_url: statusUrl(order),
      };
    }
    const already = sessionId ? alreadyPaid(order, sessionId, allowRefunded) : undefined;
    return {
      order_status: 'unpaid',
      taler_pay_uri: payUri(order),
      creation_time: { t_s: order.createdAt },
      summary: order.summary,
      total_amount: formatAmount(order.currency, order.amountUnits),
      pay_deadline: { t_s: order.payDeadline },
      order_status_url: statusUrl(order),
      ...(already && {
        already_paid_order_id: already.id,
        ...(already.fulfillmentUrl !== undefined && { already_paid_fulfillment_url: already.fulfillmentUrl }),
      }),
    };
  }

  /**
   * Repurchase detection (protocols.md §5): another order with the same fulfillment URL, paid in this session; a
   * refunded one only when the caller allows it.
   */
  function alreadyPaid(order: SimOrder, sessionId: string, allowRefunded: boolean): SimOrder | undefined {
    if (order.fulfillmentUrl === undefined) return undefined;
    for (const other of orders.values()) {
      if (other.id === order.id || other.status !== 'paid') continue;
      if (other.fulfillmentUrl !== order.fulfillmentUrl || other.paidSession !== sessionId) continue;
      if (refundedUnits(other) > 0n && !allowRefunded) continue;
      return other;
    }
    return undefined;
  }

  async function getOrder(req: IncomingMessage, res: ServerResponse, id: string): Promise<number> {
    if (!authorized(req, res)) return 0;
    const order = orders.get(id);
    if (!order) {
      talerError(res, 404, 2000, `the backend has no order ${id}`);
      return 0;
    }
    const query = queryOf(req);
    const sessionId = query.get('session_id') ?? undefined;
    const allowRefunded = query.get('allow_refunded_for_repurchase') === 'YES';
    const timeoutMs = Math.min(MAX_HOLD_MS, Math.max(0, Number(query.get('timeout_ms') ?? 0) || 0));
    const started = performance.now();
    if (timeoutMs > 0 && order.status !== 'paid') {
      // Long-poll: hold until the order changes (claimed, paid, refunded) or the time passes.
      await new Promise<void>((resolve) => {
        const set = waiters.get(id) ?? new Set<() => void>();
        waiters.set(id, set);
        const done = () => {
          clearTimeout(timer);
          set.delete(done);
          stop.signal.removeEventListener('abort', done);
          req.off('close', done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        set.add(done);
        stop.signal.addEventListener('abort', done, { once: true });
        req.once('close', done);
      });
      if (res.destroyed || stop.signal.aborted) return Math.round(performance.now() - started);
    }
    sendJson(res, 200, privateStatus(order, sessionId, allowRefunded));
    return Math.round(performance.now() - started);
  }

  async function refund(req: IncomingMessage, res: ServerResponse, id: string) {
    if (!authorized(req, res)) return;
    const order = orders.get(id);
    if (!order) return talerError(res, 404, 2000, `the backend has no order ${id}`);
    let body: Record<string, unknown>;
    try {
      body = parseJsonObject(await readBody(req));
    } catch {
      return talerError(res, 400, 20, 'The body is not a JSON object.');
    }
    const amount = parseAmount(body.refund);
    if (!amount || amount.currency !== order.currency) {
      return talerError(res, 400, 21, 'refund is not an amount in the order currency');
    }
    if (typeof body.reason !== 'string') return talerError(res, 400, 21, 'reason is missing');
    if (order.status !== 'paid') return talerError(res, 403, 2500, 'the order was never paid');
    if (nowS() > order.refundDeadline) return talerError(res, 403, 2501, 'the refund deadline has expired');
    if (amount.units > order.amountUnits)
      return talerError(res, 409, 2502, 'the refund exceeds the amount paid');
    const before = refundedUnits(order);
    if (amount.units > before) {
      order.refunds.push({
        totalUnits: amount.units,
        increaseUnits: amount.units - before,
        reason: body.reason,
        timestamp: nowS(),
      });
      changed(order);
      sendWebhook(order, 'refund', {
        order_id: order.id,
        refund_amount: formatAmount(order.currency, amount.units - before),
        reason: body.reason,
        timestamp: String(nowS()),
      });
    }
    sendJson(res, 200, {
      taler_refund_uri: `${payUri(order)
        .replace('://pay/', '://refund/')
        .split('?')[0]
        ?.replace(/\/[^/]*$/, '/')}`,
      h_contract: `H${order.claimToken}`,
    });
  }

  async function addWebhook(req: IncomingMessage, res: ServerResponse) {
    if (!authorized(req, res)) return;
    let body: Record<string, unknown>;
    try {
      body = parseJsonObject(await readBody(req));
    } catch {
      return talerError(res, 400, 20, 'The body is not a JSON object.');
    }
    const { webhook_id, event_type, url, http_method } = body;
    if (typeof webhook_id !== 'string' || typeof event_type !== 'string' || typeof url !== 'string') {
      return talerError(res, 400, 21, 'webhook_id, event_type and url are required');
    }
    if (webhooks.has(webhook_id)) return talerError(res, 409, 2600, `a webhook ${webhook_id} exists`);
    webhooks.set(webhook_id, {
      webhookId: webhook_id,
      eventType: event_type,
      url,
      httpMethod: typeof http_method === 'string' ? http_method : 'POST',
      headerTemplate: optionalString(body.header_template),
      bodyTemplate: optionalString(body.body_template),
    });
    res.writeHead(204).end();
  }

  /** One delivery per registered webhook of `event`, genuine, with the order's faults. */
  function sendWebhook(order: SimOrder, event: 'pay' | 'refund', vars: Readonly<Record<string, string>>) {
    for (const hook of webhooks.values()) {
      if (hook.eventType !== event) continue;
      deliver(order, hook, event, order.id, render(hook.bodyTemplate ?? '', vars), false, order.faults);
    }
  }

  function deliver(
    order: SimOrder,
    hook: SimWebhook,
    event: string,
    orderId: string,
    body: string,
    forged: boolean,
    faults: readonly Fault[],
    after?: Promise<void>,
  ): Promise<void> {
    const record: SimWebhookDelivery = {
      n: order.webhooks.length + 1,
      event,
      orderId,
      forged,
      delivered: false,
      gaveUp: false,
      attempts: [],
    };
    order.webhooks.push(record);
    const tags = forged ? ['forged'] : [];
    return notifier.deliver({
      record,
      url: hook.url,
      firstAt: clock.now() + (forged ? 0 : delayOf(faults)),
      ...(after && { after }),
      payload: () => ({ body, faultTags: tags }),
      dropped: (index) => !forged && dropsAttempt(faults, index),
      duplicate: !forged && hasFault(faults, 'duplicate'),
      retry: !forged,
    });
  }

  /**
   * The wallet: takes the order named by the pay URI (or its id), claims it and pays the contract amount (`paid`),
   * or never pays (`cancelled`: the order expires at its pay deadline). Faults shape the webhooks.
   */
  async function walletPays(req: IncomingMessage, res: ServerResponse) {
    let action: {
      order: SimOrder | undefined;
      scenario: unknown;
      faults: Fault[];
      session: string | undefined;
    };
    try {
      const body = parseJsonObject(await readBody(req));
      const fromUri = typeof body.talerPayUri === 'string' ? parsePayUri(body.talerPayUri) : undefined;
      const id = fromUri?.orderId ?? (typeof body.orderId === 'string' ? body.orderId : undefined);
      action = {
        order: id === undefined ? undefined : orders.get(id),
        scenario: body.scenario,
        faults: parseFaults(body.faults),
        session: fromUri?.sessionId,
      };
      if (fromUri && action.order && fromUri.claimToken !== action.order.claimToken) action.order = undefined;
    } catch (err) {
      if (err instanceof FaultError || err instanceof SyntaxError) {
        return sendJson(res, 400, { error: { code: 'bad-field', message: err.message } });
      }
      throw err;
    }
    const refusedFault = action.faults.find((f) => f.kind === 'reorder' || f.kind === 'wrong-amount');
    if (refusedFault) {
      return sendJson(res, 400, {
        error: {
          code: 'bad-field',
          field: 'faults',
          message:
            refusedFault.kind === 'reorder'
              ? 'reorder needs two webhooks about one payment; Taler sends one pay webhook'
              : 'wrong-amount: a wallet pays the contract amount the merchant signed, nothing else',
        },
      });
    }
    const { order } = action;
    if (!order)
      return sendJson(res, 404, {
        error: { code: 'bad-field', field: 'talerPayUri', message: 'unknown order' },
      });
    if (!TALER_SCENARIOS.includes(action.scenario as TalerScenario)) {
      return sendJson(res, 400, {
        error: {
          code: 'bad-field',
          field: 'scenario',
          message: `scenario must be one of ${TALER_SCENARIOS.join(', ')}`,
        },
      });
    }
    if (order.scenario !== null || order.status === 'paid') {
      return sendJson(res, 409, { error: { code: 'bad-field', message: 'this order is already over' } });
    }
    const scenario = action.scenario as TalerScenario;
    order.scenario = scenario;
    order.faults = action.faults;
    let first: Promise<void> | undefined;
    if (scenario === 'paid') {
      if (nowS() > order.payDeadline) {
        return sendJson(res, 410, { code: 2163, hint: 'the offer has expired' });
      }
      order.status = 'claimed';
      changed(order);
      order.status = 'paid';
      order.paidSession = action.session ?? order.sessionId;
      order.lastPayment = nowS();
      changed(order);
      for (const hook of webhooks.values()) {
        if (hook.eventType !== 'pay') continue;
        first = deliver(
          order,
          hook,
          'pay',
          order.id,
          render(hook.bodyTemplate ?? '', { order_id: order.id }),
          false,
          order.faults,
        );
      }
    }
    if (hasFault(action.faults, 'bad-signature')) forge(order, first);
    sendJson(res, 200, {
      orderId: order.id,
      status: order.status,
      fulfillmentUrl: order.status === 'paid' ? (order.fulfillmentUrl ?? null) : null,
    });
  }

  /**
   * Taler signs no webhook, so a forgery is a body the backend did not send (header `x-simulator-fault: forged`):
   * a `pay` webhook naming an order the backend does not have, or, for an order that was not paid, claiming it was.
   */
  function forge(order: SimOrder, after: Promise<void> | undefined) {
    const hook = [...webhooks.values()].find((h) => h.eventType === 'pay');
    if (!hook) return;
    const unknown = order.status === 'paid' || Number(random.digits(1)) % 2 === 1;
    const orderId = unknown ? `${order.id}-X${random.hex(6)}` : order.id;
    deliver(
      order,
      hook,
      'pay',
      orderId,
      render(hook.bodyTemplate ?? '', { order_id: orderId }),
      true,
      [],
      after,
    );
  }

  function publicStatus(req: IncomingMessage, res: ServerResponse, id: string) {
    const order = orders.get(id);
    if (!order || queryOf(req).get('token') !== order.claimToken) {
      return talerError(res, 404, 2000, 'unknown order');
    }
    const paid = order.status === 'paid';
    if ((req.headers.accept ?? '').includes('application/json')) {
      return sendJson(
        res,
        paid ? 200 : 402,
        paid ? { fulfillment_url: order.fulfillmentUrl } : { taler_pay_uri: payUri(order) },
      );
    }
    sendHtml(
      res,
      paid ? 200 : 402,
      `<!doctype html><title>Taler</title><h1>${paid ? 'Paid' : 'Pay with Taler'}</h1>` +
        (paid ? '' : `<p><a href="${payUri(order)}">${payUri(order)}</a></p>`),
    );
  }

  const server = createServer((req, res) => {
    const path = pathOf(req);
    const method = req.method ?? 'GET';
    const at = clock.now();
    let heldMs = 0;
    const handle = async () => {
      if (path === '/private/orders' && method === 'POST') return createOrder(req, res);
      const refundMatch = /^\/private\/orders\/([^/]+)\/refund$/.exec(path);
      if (refundMatch?.[1] && method === 'POST') return refund(req, res, decodeURIComponent(refundMatch[1]));
      const orderMatch = /^\/private\/orders\/([^/]+)$/.exec(path);
      if (orderMatch?.[1] && method === 'GET') {
        heldMs = await getOrder(req, res, decodeURIComponent(orderMatch[1]));
        return;
      }
      if (path === '/private/webhooks' && method === 'POST') return addWebhook(req, res);
      if (path.startsWith('/private/')) return talerError(res, 405, 1, 'method not allowed');
      const publicMatch = /^\/orders\/([^/]+)$/.exec(path);
      if (publicMatch?.[1] && method === 'GET')
        return publicStatus(req, res, decodeURIComponent(publicMatch[1]));
      if (path === '/wallet/pay' && method === 'POST') return walletPays(req, res);
      sendHtml(res, 404, '<h1>Not found</h1>');
    };
    handle()
      .catch((err: unknown) => {
        if (err instanceof BodyTooLargeError) return talerError(res, 413, 22, err.message);
        if (!res.headersSent) talerError(res, 500, 1, 'Unexpected server error.');
      })
      .finally(() => {
        if (path.startsWith('/private/')) {
          calls.push({
            at,
            method,
            path,
            query: (req.url ?? '').split('?')[1] ?? '',
            status: res.statusCode,
            heldMs,
          });
        }
      });
  });
  baseUrl = await listen(server, options.host, options.port);

  return {
    url: baseUrl,
    backendUrl: `${baseUrl}/`,
    orders: () => [...orders.values()].map(copy),
    order: (id) => {
      const o = orders.get(id);
      return o ? copy(o) : undefined;
    },
    webhooks: () => [...webhooks.values()].map((w) => ({ ...w })),
    configureQuittanceWebhooks(url) {
      for (const event of ['pay', 'refund'] as const) {
        webhooks.set(`quittance-${event}`, {
          webhookId: `quittance-${event}`,
          eventType: event,
          url,
          httpMethod: 'POST',
          headerTemplate: 'Content-Type: application/json',
          bodyTemplate: QUITTANCE_TEMPLATES[event],
        });
      }
    },
    apiCalls: () => calls.map((c) => ({ ...c })),
    held: (orderId) => waiters.get(orderId)?.size ?? 0,
    idle: () => notifier.idle(),
    async close() {
      stop.abort();
      notifier.close();
      await Promise.all([closeServer(server), notifier.idle()]);
    },
  };
}

function copy(order: SimOrder): SimOrder {
  return structuredClone(order);
}

/** `taler[+http]://pay/<host>[/<instance path>]/<order id>/<session id>?c=<claim token>`. */
export function parsePayUri(
  uri: string,
): { orderId: string; sessionId: string | undefined; claimToken: string | undefined } | undefined {
  const m = /^taler(?:\+http)?:\/\/pay\/(.+)\/([^/?]+)\/([^/?]*)(?:\?(.*))?$/i.exec(uri);
  if (!m) return undefined;
  const claimToken = new URLSearchParams(m[4] ?? '').get('c') ?? undefined;
  return {
    orderId: decodeURIComponent(m[2] ?? ''),
    sessionId: m[3] ? decodeURIComponent(m[3]) : undefined,
    claimToken,
  };
}

/** Minimal Mustache: `{{name}}` HTML-escaped, `{{{name}}}` raw, unknown names empty. */
export function render(template: string, vars: Readonly<Record<string, string>>): string {
  return template
    .replace(/\{\{\{\s*([\w.]+)\s*\}\}\}/g, (_, name: string) => vars[name] ?? '')
    .replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) => escapeHtml(vars[name] ?? ''));
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Every webhook goes out as JSON with the simulator's bookkeeping headers (the header templates quittance documents
 * only set `Content-Type: application/json`; other template headers are not rendered by this simulator).
 */
function webhookHeaders(n: number, index: number, faultTags: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'taler-merchant-simulator',
    'x-simulator-notification': String(n),
    'x-simulator-attempt': String(index + 1),
  };
  if (faultTags.length > 0) headers['x-simulator-fault'] = faultTags.join(',');
  return headers;
}

function talerError(res: ServerResponse, status: number, code: number, hint: string): void {
  sendJson(res, status, { code, hint });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function timestamp(value: unknown): number | undefined {
  return isObject(value) && typeof value.t_s === 'number' ? value.t_s : undefined;
}
