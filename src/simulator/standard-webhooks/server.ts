import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { secretKey, signStandardWebhook } from '../../gateways/standard-webhooks/signature.js';
import { readShopperChoice } from '../_shared/action.js';
import { is2xx } from '../_shared/attempt.js';
import { isHttpUrl, pathOf, queryOf, sendHtml, sendJson, wantsJson } from '../_shared/http.js';
import { closeServer, listen } from '../_shared/listen.js';
import { afterDelays, createNotifier } from '../_shared/notifier.js';
import { createRandom } from '../_shared/random.js';
import { delayOf, dropsAttempt, hasFault } from '../faults.js';
import { SCENARIOS, type Scenario } from '../platform.js';
import { createClock, RETRY_DELAYS_MS } from './clock.js';
import { EVENTS, payloadOf } from './payload.js';
import type {
  SimNotification,
  SimPayment,
  StandardWebhooksSimulator,
  StandardWebhooksSimulatorOptions,
} from './types.js';

const PAY_PATH = '/pay';
const ACT_PATH = '/pay-act';

/** What signs attempt headers of notification `n`: its id, body and key (a wrong one for forgeries). */
interface Signing {
  readonly msgId: string;
  readonly body: Buffer;
  readonly key: Buffer;
}

/**
 * A generic Standard Webhooks sender: a payment page at /pay (the query quittance's checkout link carries), a
 * "shopper acts" endpoint, and a notifier that signs every attempt anew (fresh webhook-timestamp, same webhook-id)
 * with the spec's example retry schedule. It signs with the protocol's signature module, never the adapter.
 */
export async function startStandardWebhooksSimulator(
  options: StandardWebhooksSimulatorOptions,
): Promise<StandardWebhooksSimulator> {
  const decoded = secretKey(options.secret);
  if (!decoded) throw new Error('the simulator needs a whsec_ secret');
  const key: Buffer = decoded;
  const clock = createClock(options.timeScale ?? 1);
  const random = createRandom(options.seed);
  const forgeryKey = Buffer.from(random.hex(48), 'hex');
  const signings = new Map<number, Signing>();
  let sent = 0;
  const notifier = createNotifier({
    clock,
    retries: options.retries ?? true,
    isSuccess: is2xx,
    retryAt: afterDelays(RETRY_DELAYS_MS, clock),
    headers(n, index, faultTags) {
      const signing = signings.get(n) as Signing;
      const timestamp = Math.floor(Date.now() / 1000);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'standard-webhooks-simulator',
        'webhook-id': signing.msgId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signStandardWebhook(signing.key, signing.msgId, timestamp, signing.body),
        'x-simulator-notification': String(n),
        'x-simulator-attempt': String(index + 1),
      };
      if (faultTags.length > 0) headers['x-simulator-fault'] = faultTags.join(',');
      return headers;
    },
  });
  const byTxn = new Map<string, SimPayment>();
  let baseUrl = '';

  function page(req: IncomingMessage, res: ServerResponse) {
    const query = queryOf(req);
    const reference = query.get('reference') ?? '';
    const amount = Number(query.get('amount'));
    const currency = query.get('currency') ?? '';
    const returnUrl = query.get('return_url') ?? '';
    const notifyUrl = query.get('notify_url') ?? '';
    if (!reference || !Number.isSafeInteger(amount) || amount <= 0 || !/^[A-Z]{3}$/.test(currency)) {
      return sendJson(res, 400, { error: 'reference, amount (minor units) and currency are required' });
    }
    if (!isHttpUrl(returnUrl) || !isHttpUrl(notifyUrl)) {
      return sendJson(res, 400, { error: 'return_url and notify_url must be http(s) URLs' });
    }
    const txn = `txn_${random.uuid()}`;
    byTxn.set(txn, {
      txn,
      reference,
      orderAmount: amount,
      currency,
      returnUrl,
      notifyUrl,
      scenario: null,
      settledAmount: amount,
      faults: [],
      notifications: [],
    });
    if (wantsJson(req)) return sendJson(res, 200, { txn });
    return sendHtml(
      res,
      200,
      `<!doctype html><title>Pay</title><p>Pay ${amount} ${currency} for ${escapeHtml(reference)}.</p>` +
        `<p>POST ${ACT_PATH} with {"txn":"${txn}","scenario":"paid"} to act.</p>`,
    );
  }

  async function shopperActs(req: IncomingMessage, res: ServerResponse) {
    const choice = await readShopperChoice(req, res, {
      find: (txn) => byTxn.get(txn),
      scenarios: SCENARIOS,
      noun: 'payment',
    });
    if (!choice) return;
    if (hasFault(choice.faults, 'drop-all')) {
      // With no status API to fall back on, a sender that never gets through leaves nothing to compare with.
      return sendJson(res, 400, {
        error: {
          code: 'bad-field',
          field: 'faults',
          message: 'drop-all is not simulated: a generic sender has no status API',
        },
      });
    }
    act(choice.txn, choice.scenario, choice.faults);
    sendJson(res, 200, { returnUrl: choice.txn.returnUrl });
  }

  function act(p: SimPayment, scenario: Scenario, faults: SimPayment['faults']) {
    p.scenario = scenario;
    p.faults = faults;
    const wrongAmount = hasFault(faults, 'wrong-amount');
    p.settledAmount = p.orderAmount + (wrongAmount ? 1 : 0);
    const tags = wrongAmount ? ['wrong-amount'] : [];
    const firstAt = clock.now() + delayOf(faults);
    const words = [...(EVENTS[scenario] ?? [])];
    if (hasFault(faults, 'reorder')) words.reverse();

    const schedule = (status: string, forged: boolean, after?: Promise<void>): Promise<void> => {
      const n = ++sent;
      const record: SimNotification = {
        n,
        msgId: `msg_${random.uuid()}`,
        status,
        forged,
        delivered: false,
        gaveUp: false,
        attempts: [],
      };
      p.notifications.push(record);
      const body = payloadOf(p, status);
      signings.set(n, { msgId: record.msgId, body: Buffer.from(body), key: forged ? forgeryKey : key });
      const payload = { body, faultTags: forged ? ['forged', ...tags] : tags };
      return notifier.deliver({
        record,
        url: p.notifyUrl,
        firstAt,
        ...(after ? { after } : {}),
        payload: () => payload,
        dropped: (index) => !forged && dropsAttempt(faults, index),
        duplicate: !forged && hasFault(faults, 'duplicate'),
        retry: !forged,
      });
    };

    let previous: Promise<void> | undefined;
    for (const word of words) previous = schedule(word, false, previous);
    if (hasFault(faults, 'bad-signature')) {
      schedule(scenario === 'paid' ? 'failed' : 'succeeded', true, previous);
    }
  }

  const server = createServer((req, res) => {
    const path = pathOf(req);
    const method = req.method ?? 'GET';
    if (path === PAY_PATH && method === 'GET') return page(req, res);
    if (path === ACT_PATH && method === 'POST') {
      shopperActs(req, res).catch(() => {
        if (!res.headersSent) sendJson(res, 500, { error: 'internal' });
      });
      return;
    }
    sendJson(res, 404, { error: 'not found' });
  });
  baseUrl = await listen(server);

  return {
    checkoutUrl: `${baseUrl}${PAY_PATH}`,
    payment: (txn) => byTxn.get(txn),
    idle: () => notifier.idle(),
    async close() {
      notifier.close();
      await Promise.all([closeServer(server), notifier.idle()]);
    },
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
