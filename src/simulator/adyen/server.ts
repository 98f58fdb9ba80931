import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readShopperChoice } from '../_shared/action.js';
import { is2xx } from '../_shared/attempt.js';
import { BodyTooLargeError, pathOf, readBody, sendHtml, sendJson, wantsJson } from '../_shared/http.js';
import { closeServer, listen } from '../_shared/listen.js';
import { afterDelays, createNotifier, type DeliveryJob } from '../_shared/notifier.js';
import { createRandom, type SimRandom } from '../_shared/random.js';
import { delayOf, dropsAttempt, type Fault, hasFault } from '../faults.js';
import { createClock, RETRY_DELAYS_MS } from './clock.js';
import { notificationBody } from './notification.js';
import {
  ADYEN_SCENARIOS,
  type AdyenScenario,
  type AdyenSimulator,
  type AdyenSimulatorOptions,
  type SimLink,
  type SimNotification,
} from './types.js';

const API_PREFIX = '/v72';
const LINKS_PATH = `${API_PREFIX}/paymentLinks`;
const LINK_PAGE = '/link/';
const ACT_PATH = '/pay-act';

interface Job extends DeliveryJob {
  readonly record: SimNotification;
}

/**
 * A fake Adyen: `POST /v72/paymentLinks` (X-API-Key), the link's page, a "shopper acts" endpoint, and a notifier that
 * posts signed standard notifications to the webhook URL with Adyen's retry policy, counting any 2xx as accepted
 * (the current rule; a body other than [accepted] is tolerated, [UNCONFIRMED] for the classic setting).
 */
export async function startAdyenSimulator(options: AdyenSimulatorOptions): Promise<AdyenSimulator> {
  const keys = new Set(options.apiKeys);
  const clock = createClock(options.timeScale ?? 1);
  const random = createRandom(options.seed);
  const notifier = createNotifier<Job>({
    clock,
    retries: options.retries ?? true,
    isSuccess: is2xx,
    retryAt: afterDelays(RETRY_DELAYS_MS, clock),
    headers: (n, index, faultTags) => ({
      'content-type': 'application/json',
      'user-agent': 'Adyen HttpClient 1.0 (simulator)',
      'x-simulator-notification': String(n),
      'x-simulator-attempt': String(index + 1),
      ...(faultTags.length > 0 && { 'x-simulator-fault': faultTags.join(',') }),
    }),
  });
  const byId = new Map<string, SimLink>();
  let baseUrl = '';

  async function createLink(req: IncomingMessage, res: ServerResponse) {
    const key = req.headers['x-api-key'];
    if (typeof key !== 'string' || !keys.has(key)) {
      return apiError(res, 401, '000', 'HTTP Status Response - Unauthorized');
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse((await readBody(req)).toString('utf8')) as Record<string, unknown>;
    } catch {
      return apiError(res, 400, '702', 'Structure of the request body is invalid.');
    }
    const amount = body.amount as { value?: unknown; currency?: unknown } | undefined;
    const value = amount?.value;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      return apiError(res, 422, '100', 'Required field amount.value is missing or invalid.');
    }
    if (typeof amount?.currency !== 'string' || !/^[A-Z]{3}$/.test(amount.currency)) {
      return apiError(res, 422, '100', 'Required field amount.currency is missing or invalid.');
    }
    if (body.merchantAccount !== options.merchantAccount) {
      return apiError(res, 403, '901', 'Invalid Merchant Account');
    }
    if (typeof body.reference !== 'string' || body.reference.length === 0 || body.reference.length > 80) {
      return apiError(res, 422, '130', 'Required field reference is missing or too long.');
    }
    if (typeof body.returnUrl !== 'string' || !URL.canParse(body.returnUrl)) {
      return apiError(res, 422, '100', 'Required field returnUrl is missing.');
    }
    const id = `PL${random.hex(16).toUpperCase()}`;
    const link: SimLink = {
      id,
      reference: body.reference,
      merchantAccount: options.merchantAccount,
      amount: { value, currency: amount.currency },
      returnUrl: body.returnUrl,
      webhookUrl: options.webhookUrl ?? notifyUrlOf(body.returnUrl),
      url: `${baseUrl}${LINK_PAGE}${id}`,
      pspReference: null,
      scenario: null,
      faults: [],
      settledAmount: value,
      notifications: [],
    };
    byId.set(id, link);
    sendJson(res, 201, {
      id,
      url: link.url,
      status: 'active',
      reference: link.reference,
      merchantAccount: link.merchantAccount,
      amount: link.amount,
      expiresAt: body.expiresAt,
      reusable: false,
    });
  }

  /** `GET /paymentLinks/{id}`: `completed` once the shopper paid; a refused attempt leaves the link `active`. */
  function getLink(req: IncomingMessage, res: ServerResponse, id: string) {
    const key = req.headers['x-api-key'];
    if (typeof key !== 'string' || !keys.has(key)) {
      return apiError(res, 401, '000', 'HTTP Status Response - Unauthorized');
    }
    const link = byId.get(id);
    if (!link) return apiError(res, 422, '14_0024', 'Invalid payment link ID');
    const paid = link.scenario === 'paid' || link.scenario === 'authorised-only';
    sendJson(res, 200, {
      id: link.id,
      url: link.url,
      status: paid ? 'completed' : 'active',
      reference: link.reference,
      merchantAccount: link.merchantAccount,
      // Under the wrong-amount fault every view of the platform shows what it settled.
      amount: { value: paid ? link.settledAmount : link.amount.value, currency: link.amount.currency },
    });
  }

  function linkPage(req: IncomingMessage, res: ServerResponse, id: string) {
    const link = byId.get(id);
    if (!link) return sendHtml(res, 404, '<h1>Link not found</h1>');
    if (wantsJson(req)) return sendJson(res, 200, { txn: link.id });
    sendHtml(
      res,
      200,
      `<!doctype html><title>Adyen</title><h1>Pay ${link.amount.value} ${link.amount.currency} (minor units)</h1>` +
        `<p>POST ${ACT_PATH} with {"txn":"${link.id}","scenario":"paid"} to act.</p>`,
    );
  }

  async function shopperActs(req: IncomingMessage, res: ServerResponse) {
    const choice = await readShopperChoice(req, res, {
      find: (id) => byId.get(id),
      scenarios: ADYEN_SCENARIOS,
      noun: 'link',
    });
    if (!choice) return;
    act(choice.txn, choice.scenario, choice.faults);
    sendJson(res, 200, { returnUrl: choice.txn.returnUrl });
  }

  /** The shopper acted: schedule the notifications (faults included). */
  function act(link: SimLink, scenario: AdyenScenario, faults: Fault[]): void {
    link.scenario = scenario;
    link.faults = faults;
    link.settledAmount = link.amount.value + (hasFault(faults, 'wrong-amount') ? 1 : 0);
    const psp = pspReference(random);
    link.pspReference = psp;
    const tags = hasFault(faults, 'wrong-amount') ? ['wrong-amount'] : [];
    const events: { eventCode: string; success: boolean; pspReference: string; originalReference: string }[] =
      [
        {
          eventCode: 'AUTHORISATION',
          success: scenario !== 'refused',
          pspReference: psp,
          originalReference: '',
        },
      ];
    if (scenario === 'paid') {
      events.push({
        eventCode: 'CAPTURE',
        success: true,
        pspReference: pspReference(random),
        originalReference: psp,
      });
    }
    if (hasFault(faults, 'reorder')) events.reverse();
    const firstAt = clock.now() + delayOf(faults);
    let previous: Promise<void> | undefined;
    for (const event of events) {
      const body = notificationBody(link, { ...event, amountValue: link.settledAmount }, options.hmacKey);
      previous = schedule(link, event.eventCode, false, firstAt, previous, {
        body,
        faultTags: tags,
        dropped: (index) => dropsAttempt(faults, index),
        duplicate: hasFault(faults, 'duplicate'),
      });
    }
    if (hasFault(faults, 'bad-signature')) {
      const forgedKey = random.hex(64);
      const body = notificationBody(
        link,
        {
          eventCode: 'AUTHORISATION',
          success: scenario === 'refused',
          pspReference: pspReference(random),
          originalReference: '',
          amountValue: link.amount.value,
        },
        forgedKey,
      );
      schedule(link, 'AUTHORISATION', true, firstAt, previous, {
        body,
        faultTags: ['forged', ...tags],
        dropped: () => false,
        duplicate: false,
      });
    }
  }

  function schedule(
    link: SimLink,
    eventCode: string,
    forged: boolean,
    firstAt: number,
    after: Promise<void> | undefined,
    delivery: { body: string; faultTags: string[]; dropped: (index: number) => boolean; duplicate: boolean },
  ): Promise<void> {
    const record: SimNotification = {
      n: link.notifications.length + 1,
      eventCode,
      forged,
      delivered: false,
      gaveUp: false,
      attempts: [],
    };
    link.notifications.push(record);
    const payload = { body: delivery.body, faultTags: delivery.faultTags };
    return notifier.deliver({
      record,
      url: link.webhookUrl,
      firstAt,
      ...(after && { after }),
      payload: () => payload,
      dropped: delivery.dropped,
      duplicate: delivery.duplicate,
      retry: !forged,
    });
  }

  const server = createServer((req, res) => {
    const path = pathOf(req);
    const method = req.method ?? 'GET';
    const handle = async () => {
      if (path === LINKS_PATH && method === 'POST') return createLink(req, res);
      if (path.startsWith(`${LINKS_PATH}/`) && method === 'GET') {
        return getLink(req, res, decodeURIComponent(path.slice(LINKS_PATH.length + 1)));
      }
      if (path.startsWith(API_PREFIX)) return apiError(res, 404, '000', 'Not found');
      if (path.startsWith(LINK_PAGE) && method === 'GET')
        return linkPage(req, res, path.slice(LINK_PAGE.length));
      if (path === ACT_PATH && method === 'POST') return shopperActs(req, res);
      sendHtml(res, 404, '<h1>Not found</h1>');
    };
    handle().catch((err: unknown) => {
      if (res.headersSent) return;
      if (err instanceof BodyTooLargeError) return apiError(res, 413, '000', err.message);
      apiError(res, 500, '000', 'Unexpected server error.');
    });
  });
  baseUrl = await listen(server, options.host, options.port);

  return {
    url: baseUrl,
    apiBase: `${baseUrl}${API_PREFIX}`,
    links: () => [...byId.values()].map((l) => structuredClone(l)),
    link: (id) => {
      const l = byId.get(id);
      return l ? structuredClone(l) : undefined;
    },
    idle: () => notifier.idle(),
    async close() {
      notifier.close();
      await Promise.all([closeServer(server), notifier.idle()]);
    },
  };
}

/** Adyen's error answer: `{status, errorCode, message, errorType}`. */
function apiError(res: ServerResponse, status: number, errorCode: string, message: string): void {
  sendJson(res, status, {
    status,
    errorCode,
    message,
    errorType: status === 401 ? 'security' : 'validation',
  });
}

/** 16 upper-case letters and digits, as Adyen's pspReferences look. */
function pspReference(random: SimRandom): string {
  return random.hex(16).toUpperCase();
}

/** quittance's notify URL from its return URL: `…/return/<account>/<payment>` → `…/notify/<account>`. */
export function notifyUrlOf(returnUrl: string): string {
  const url = new URL(returnUrl);
  const match = /^(.*)\/return\/([^/]+)\/[^/]+$/.exec(url.pathname);
  if (!match) throw new Error(`no webhook URL configured and none derivable from ${returnUrl}`);
  return `${url.origin}${match[1]}/notify/${match[2]}`;
}
