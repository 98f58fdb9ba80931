/**
 * "No secret anywhere": accounts of every gateway kind are configured with distinctive secrets, real
 * traffic runs (payments, valid and forged notifications whose bodies carry a configured secret and a
 * full card number, webhook deliveries, alerts by e-mail and webhook), and then everything quittance
 * shows is searched: every log line, every GET route of the app (API, dashboard, pages: enumerated
 * from the app itself, so a new route is searched without touching this file), /openapi.json, and the
 * CLI's --json output. None may hold a configured secret or a full card number.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { Hono } from 'hono';
import { createProgram } from '../../src/cli/program.js';
import { resolveConfig } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { money } from '../../src/core/index.js';
import { raiseAlert } from '../../src/engine/alerts/raise.js';
import { createApiKey } from '../../src/engine/api-keys.js';
import { type Engine, startEngine } from '../../src/engine/engine.js';
import { startEngineWorker } from '../../src/engine/runtime.js';
import type { CheckoutRequest, GatewayAccount, RawRequest } from '../../src/gateways/gateway.js';
import { signedNotification as lyraNotification } from '../../src/gateways/lyra/fixtures/notification.js';
import { paymentObject as mollieObject } from '../../src/gateways/mollie/fixtures/payments.js';
import { paidObject } from '../../src/gateways/payplug/fixtures/payments.js';
import { signedNotification as sipsNotification } from '../../src/gateways/sips/fixtures/notification.js';
import { paidOrder, unpaidOrder } from '../../src/gateways/taler/fixtures/orders.js';
import { signedNotification as trivenetoNotification } from '../../src/gateways/triveneto/fixtures.js';
import { createApp } from '../../src/http/app.js';
import type { Worker } from '../../src/jobs/worker.js';
import { createLogger } from '../../src/observability/logger.js';
import { createStore } from '../../src/store/db.js';
import { findPayment, type PaymentRecord } from '../../src/store/repos/payments.js';
import { runCli } from '../cli/run-cli.js';

const PUBLIC_URL = 'https://pay.example';

/** Every secret of the configuration, each distinctive enough that finding it means it leaked. */
const SECRETS = {
  lyraKey: 'LyraShopKey7Q2wX9vR4mZp',
  lyraRestPassword: 'testpassword_LyraRest5Tn8Kd3Wq',
  lyraHmacKey: 'LyraHmacKey2Hg6Js9Pf1Xc',
  sipsKey: 'SipsSecretKey4Bv7Nm2Qa8',
  trivenetoPassword: 'TvTerminalPass6Yt3Lk9',
  trivenetoSecret: 'TvUdf4Secret8Rc5Wz1Hm0',
  payplugKey: 'sk_test_PayplugKey3Fj7Ds2Gk',
  mollieKey: 'test_MollieApiKey8Wc3Jt5Yb',
  talerToken: 'TalerToken9Mx4Vb6Qn1',
  shopWebhookSecret: `whsec_${Buffer.from('ShopWebhookSecretBytes1x7').toString('base64')}`,
  alertWebhookSecret: `whsec_${Buffer.from('AlertWebhookSecretBytes3y9').toString('base64')}`,
  smtpPassword: 'SmtpPassW0rd7xKq2',
  metricsToken: 'MetricsToken5Zp8Rr',
  apiKey: 'ConfigApiKey1Nw4Ue7Ts',
} as const;

/** Secrets made while the test runs (an API key created in the store), searched like SECRETS. */
const createdSecrets: Record<string, string> = {};

/** Luhn-valid test card numbers (Visa, Mastercard), as a customer or a gateway might write them. */
const CARDS = ['4012888888881881', '5555 5555 5555 4444'] as const;

/** The strings that must never be shown: each secret, its inner parts, and each card in any spelling. */
function forbidden(): Array<{ what: string; needle: string }> {
  const out: Array<{ what: string; needle: string }> = [];
  for (const [name, secret] of Object.entries({ ...SECRETS, ...createdSecrets })) {
    out.push({ what: name, needle: secret });
    if (secret.startsWith('whsec_')) {
      out.push({ what: `${name} (base64 part)`, needle: secret.slice('whsec_'.length) });
      out.push({
        what: `${name} (decoded)`,
        needle: Buffer.from(secret.slice('whsec_'.length), 'base64').toString('latin1'),
      });
    }
    if (encodeURIComponent(secret) !== secret)
      out.push({ what: `${name} (URL-encoded)`, needle: encodeURIComponent(secret) });
    out.push({ what: `${name} (base64)`, needle: Buffer.from(secret).toString('base64') });
  }
  return out;
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * How card numbers are looked for. `standalone`: the digits, grouped or not by spaces or dashes, with
 * no digit right before or after (what src/core/redact.ts masks). `encoded`: also inside URL- or
 * form-encoded text, where `+` or `%20` separate the groups and an escape such as `%20` glues a digit
 * to the number.
 */
type CardSearch = 'standalone' | 'encoded';

/** Every leak in `text`: a forbidden string, or a card number. */
function leaksIn(where: string, text: string, cards: CardSearch = 'standalone'): string[] {
  const found: string[] = [];
  for (const { what, needle } of forbidden()) {
    if (text.includes(needle)) found.push(`${where}: ${what}`);
  }
  const ungrouped =
    cards === 'encoded'
      ? text.replace(/%20|\+/g, ' ').replace(/(?<=\d)[ -](?=\d)/g, '')
      : text.replace(/(?<=\d)[ -](?=\d)/g, '');
  for (const card of CARDS) {
    const digits = card.replaceAll(' ', '');
    const pattern = cards === 'encoded' ? digits : `(?<!\\d)${digits}(?!\\d)`;
    if (new RegExp(pattern).test(ungrouped)) found.push(`${where}: card ${card}`);
  }
  return found;
}

const SHOP = {
  successUrl: 'https://shop.example/ok',
  failureUrl: 'https://shop.example/ko',
  pendingUrl: 'https://shop.example/pending',
};

function configInput(database: string): ConfigInput {
  return {
    database,
    publicUrl: PUBLIC_URL,
    apiKeys: [SECRETS.apiKey],
    logLevel: 'trace',
    metrics: { token: SECRETS.metricsToken },
    reconcile: { schedule: '1h', returnTimeout: '5s' },
    worker: { enabled: true, concurrency: 4, pollInterval: '50ms', lease: '10s' },
    alerts: {
      email: {
        // Port 9 on loopback: nothing listens, so the delivery fails and its error is logged.
        smtp: `smtp://alerts:${SECRETS.smtpPassword}@127.0.0.1:9`,
        from: 'quittance@shop.example',
        to: ['ops@shop.example'],
      },
      webhook: { url: 'https://ops.test/alerts', secret: SECRETS.alertWebhookSecret },
      minSeverity: 'info',
    },
    accounts: [
      {
        id: 'shop-lyra',
        gateway: 'lyra',
        mode: 'test',
        credentials: {
          siteId: '12345678',
          key: SECRETS.lyraKey,
          algorithm: 'hmac-sha-256',
          restPassword: SECRETS.lyraRestPassword,
          hmacKey: SECRETS.lyraHmacKey,
          restUrl: 'https://lyra.test/api-payment/V4/',
        },
        shop: { ...SHOP, webhookUrl: 'https://shop.test/hooks', webhookSecret: SECRETS.shopWebhookSecret },
      },
      {
        id: 'shop-sips',
        gateway: 'sips',
        mode: 'test',
        credentials: {
          merchantId: '002001000000001',
          secretKey: SECRETS.sipsKey,
          keyVersion: '1',
          sealAlgorithm: 'HMAC-SHA-256',
          environment: 'simu',
          officeBase: 'https://sips.test',
        },
        shop: { ...SHOP },
      },
      {
        id: 'shop-tv',
        gateway: 'triveneto',
        mode: 'test',
        credentials: {
          id: '89025555',
          password: SECRETS.trivenetoPassword,
          secret: SECRETS.trivenetoSecret,
          environment: 'test',
          apiBase: 'https://tv.test/IPGWeb/servlet/',
        },
        shop: { ...SHOP },
      },
      {
        id: 'shop-payplug',
        gateway: 'payplug',
        mode: 'test',
        credentials: { secretKey: SECRETS.payplugKey, apiBase: 'https://payplug.test' },
        shop: { ...SHOP },
      },
      {
        id: 'shop-mollie',
        gateway: 'mollie',
        mode: 'test',
        credentials: { apiKey: SECRETS.mollieKey, apiBase: 'https://mollie.test' },
        shop: { ...SHOP },
      },
      {
        id: 'shop-taler',
        gateway: 'taler',
        mode: 'test',
        credentials: {
          backendUrl: 'https://taler.test/instances/shop/',
          token: SECRETS.talerToken,
          currency: 'EUR',
        },
        shop: { ...SHOP },
      },
    ],
  } as ConfigInput;
}

/** The gateways' and shops' side of every outgoing call, answered in-process. */
function fakeNetwork(): typeof fetch {
  let shopCalls = 0;
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? 'GET').toUpperCase();
    const json = (status: number, value: unknown) =>
      new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
    switch (url.host) {
      case 'tv.test':
        return new Response('8111234567891234:https://tv.test/hppaction', { status: 200 });
      case 'payplug.test': {
        if (method === 'POST') {
          const body = JSON.parse(String(init?.body)) as { metadata: Record<string, string>; amount: number };
          return json(201, {
            ...payplugObject(body.metadata.quittance_payment_id ?? ''),
            amount: body.amount,
          });
        }
        const id = url.pathname.split('/').pop() ?? '';
        const ours = payplugIds.get(id);
        return ours
          ? json(200, paidObject({ id, amount: 1250, metadata: { quittance_payment_id: ours } }))
          : json(404, {});
      }
      case 'mollie.test': {
        if (method === 'POST') {
          const body = JSON.parse(String(init?.body)) as { metadata: unknown };
          const id = `tr_${randomBytes(6).toString('hex')}`;
          mollieIds.add(id);
          return json(201, mollieObject({ id, metadata: body.metadata }));
        }
        const id = url.pathname.split('/').pop() ?? '';
        if (mollieIds.has(id)) return json(200, mollieObject({ id, status: 'paid', _links: {} }));
        // An error that quotes the key it was given: quittance must not repeat it.
        const auth = new Headers(init?.headers).get('authorization') ?? '';
        return json(401, { status: 401, title: 'Unauthorized Request', detail: `Refused: ${auth}` });
      }
      case 'taler.test': {
        const orderId = decodeURIComponent(url.pathname.split('/').pop() ?? '');
        if (method === 'POST') {
          const body = JSON.parse(String(init?.body)) as { order: { order_id: string } };
          return json(200, { order_id: body.order.order_id, token: 'ClaimTok1' });
        }
        // Read back once after creation (unpaid, with its pay URI), then paid for the watch job.
        if (!talerOrdersRead.has(orderId)) {
          talerOrdersRead.add(orderId);
          return json(
            200,
            unpaidOrder({ taler_pay_uri: `taler://pay/taler.test/instances/shop/${orderId}/` }),
          );
        }
        return json(200, paidOrder({}, orderId, 'EUR:12.5'));
      }
      case 'shop.test':
        shopCalls += 1;
        return shopCalls === 1 ? new Response('boom', { status: 500 }) : new Response(null, { status: 204 });
      case 'ops.test':
        return new Response(null, { status: 204 });
      default:
        return new Response('no such host in the test network', { status: 404 });
    }
  };
}

const payplugIds = new Map<string, string>();
const mollieIds = new Set<string>();
const talerOrdersRead = new Set<string>();
function payplugObject(ourId: string): Record<string, unknown> {
  const id = `pay_${randomBytes(8).toString('hex')}`;
  payplugIds.set(id, ourId);
  return {
    ...paidObject({ id, metadata: { quittance_payment_id: ourId } }),
    is_paid: false,
    hosted_payment: { payment_url: `https://secure.payplug.test/pay/${id}`, paid_at: null },
  };
}

/** The checkout request quittance made for a stored payment (what the gateway echoes back). */
function checkoutOf(payment: PaymentRecord): CheckoutRequest {
  return {
    paymentId: payment.id,
    orderRef: payment.orderRef,
    merchantRef: payment.merchantRef,
    amount: money(payment.amount.value, payment.amount.currency),
    now: payment.createdAt,
    urls: {
      notify: `${PUBLIC_URL}/notify/${payment.accountId}`,
      return: `${PUBLIC_URL}/return/${payment.accountId}/${payment.id}`,
      wait: `${PUBLIC_URL}/pay/${payment.id}/wait`,
    },
  };
}

/** What a customer or a gateway might put in a free-text field: our secrets and a card number. */
const LEAKY_TEXT = `card ${CARDS[0]} / ${CARDS[1]} key ${SECRETS.lyraKey} ${SECRETS.sipsKey} ${SECRETS.trivenetoSecret}`;

describe('no secret and no card number anywhere', () => {
  let dir: string;
  let configFile: string;
  let engine: Engine;
  let app: Hono;
  let worker: Worker | undefined;
  const logLines: string[] = [];
  const shown: Array<{ where: string; text: string }> = [];
  const payments: Record<string, string> = {};
  /** Dashboard sessions: one per key logged in with (the config key, a key created in the store). */
  const dashboardCookies: string[] = [];

  const api = (path: string, init: RequestInit = {}) =>
    app.request(path, {
      ...init,
      headers: { authorization: `Bearer ${SECRETS.apiKey}`, ...(init.headers as Record<string, string>) },
    });

  async function post(account: string, raw: RawRequest): Promise<Response> {
    return app.request(`/notify/${account}`, {
      method: 'POST',
      headers: raw.headers as Record<string, string>,
      body: Buffer.from(raw.body),
    });
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'quittance-no-secrets-'));
    const input = configInput(`sqlite:${join(dir, 'q.db')}`);
    configFile = join(dir, 'quittance.json');
    writeFileSync(configFile, JSON.stringify({ ...input, logLevel: 'silent' }));
    const logs = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    const store = createStore(input.database as string);
    engine = await startEngine({
      store,
      config: resolveConfig(input, {}),
      logger: createLogger('trace', logs),
      publicUrl: PUBLIC_URL,
      fetch: fakeNetwork(),
    });
    app = createApp(engine, { peerAddress: () => '203.0.113.9' });

    // A key created as `quittance keys create` does: used on the API and to log into the dashboard.
    const created = await createApiKey(engine, { name: 'secrets-test', scope: 'write', now: engine.clock() });
    createdSecrets.createdApiKey = created.key;
    createdSecrets['createdApiKey (random part)'] = created.key.slice(`qk_${created.id}_`.length);
    const byCreatedKey = await app.request('/api/payments?limit=1', {
      headers: { authorization: `Bearer ${created.key}` },
    });
    assert.equal(byCreatedKey.status, 200, 'the created key works on the API');
    dashboardCookies.push(await dashboardCookie(SECRETS.apiKey), await dashboardCookie(created.key));

    for (const account of [
      'shop-lyra',
      'shop-sips',
      'shop-tv',
      'shop-payplug',
      'shop-mollie',
      'shop-taler',
    ]) {
      const res = await api('/api/payments', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          account,
          orderRef: `ORDER-${account}`,
          amount: { value: 1250, currency: 'EUR' },
        }),
      });
      const body = (await res.json()) as { id: string };
      assert.equal(res.status, 201, `${account}: ${JSON.stringify(body)}`);
      payments[account] = body.id;
    }
    const checkout = async (account: string) => {
      const payment = await findPayment(engine.store.db, payments[account] ?? '');
      assert.ok(payment);
      return { payment, request: checkoutOf(payment) };
    };
    const accountOf = (id: string): GatewayAccount<never> => {
      const resolved = engine.config.accounts.get(id);
      assert.ok(resolved);
      return {
        id,
        gateway: resolved.gateway,
        mode: resolved.mode,
        credentials: resolved.credentials as never,
      };
    };
    const withCredentials = (id: string, credentials: Record<string, string>): GatewayAccount<never> => {
      const account = accountOf(id);
      return { ...account, credentials: { ...(account.credentials as object), ...credentials } as never };
    };

    // Lyra: a forged notification (another key) and the valid one, both with the leaky text.
    const lyra = await checkout('shop-lyra');
    const lyraExtra = { vads_order_info: LEAKY_TEXT, vads_cust_address: CARDS[1] };
    await post(
      'shop-lyra',
      lyraNotification(
        withCredentials('shop-lyra', { key: 'AnotherKey' }),
        lyra.request,
        'CAPTURED',
        lyraExtra,
      ),
    );
    await post('shop-lyra', lyraNotification(accountOf('shop-lyra'), lyra.request, 'CAPTURED', lyraExtra));

    const sips = await checkout('shop-sips');
    const sipsExtra = { extra: { orderInfo: LEAKY_TEXT, maskedPan: CARDS[0] } };
    await post(
      'shop-sips',
      sipsNotification(accountOf('shop-sips'), sips.request, '00', { ...sipsExtra, key: 'AnotherKey' }),
    );
    await post('shop-sips', sipsNotification(accountOf('shop-sips'), sips.request, '00', sipsExtra));

    const tv = await checkout('shop-tv');
    const tvExtra = { udf3: LEAKY_TEXT, udf5: CARDS[0] };
    await post(
      'shop-tv',
      trivenetoNotification(
        withCredentials('shop-tv', { secret: 'another-secret-0123456789' }),
        tv.request,
        'CAPTURED',
        tvExtra,
      ),
    );
    await post('shop-tv', trivenetoNotification(accountOf('shop-tv'), tv.request, 'CAPTURED', tvExtra));

    // PayPlug signs nothing: the body is only a hint, fetched back by a job.
    const payplug = await checkout('shop-payplug');
    await post('shop-payplug', {
      method: 'POST',
      path: '',
      query: '',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(
        JSON.stringify({ ...paidObject({ id: payplug.payment.gatewayRef }), note: LEAKY_TEXT }),
      ),
      sourceIp: '203.0.113.9',
      receivedAt: new Date(),
    });

    // Mollie posts an id only; a genuine one, and one Mollie answers with an error quoting the key.
    const mollie = await checkout('shop-mollie');
    for (const id of [mollie.payment.gatewayRef, 'tr_unknown0000']) {
      await post('shop-mollie', {
        method: 'POST',
        path: '',
        query: '',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.from(`id=${id}&note=${encodeURIComponent(LEAKY_TEXT)}`),
        sourceIp: '203.0.113.9',
        receivedAt: new Date(),
      });
    }

    const taler = await checkout('shop-taler');
    await post('shop-taler', {
      method: 'POST',
      path: '',
      query: '',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(
        JSON.stringify({ event_type: 'pay', order_id: taler.payment.merchantRef, note: LEAKY_TEXT }),
      ),
      sourceIp: '203.0.113.9',
      receivedAt: new Date(),
    });

    // Posted to an account that does not exist, and with our secrets in the headers.
    await app.request('/notify/nobody', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Bearer ${SECRETS.lyraKey}`,
      },
      body: `signature=${SECRETS.lyraKey}&vads_card_number=${CARDS[0]}&note=${encodeURIComponent(LEAKY_TEXT)}`,
    });
    // Wrong credentials presented where credentials are checked.
    await app.request('/api/payments?limit=1', {
      headers: { authorization: `Bearer ${SECRETS.payplugKey}` },
    });
    await app.request('/metrics', { headers: { authorization: `Bearer ${SECRETS.sipsKey}` } });

    await raiseAlert(engine, engine.store.db, {
      kind: 'payment-stuck',
      accountId: 'shop-lyra',
      paymentId: payments['shop-lyra'],
      message: 'shop-lyra: a payment stuck (raised by the secrets test)',
    });

    worker = startEngineWorker(engine);
    await worker.drained();
  });

  after(async () => {
    await worker?.stop(5_000);
    await engine?.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('really ran: verified and refused notifications, deliveries, alerts, log lines', async () => {
    const db = engine.store.db;
    const verdicts = await db.selectFrom('inbox').select(['verdict']).execute();
    const count = (v: string) => verdicts.filter((r) => r.verdict === v).length;
    assert.ok(count('verified') >= 3, `verified: ${JSON.stringify(verdicts)}`);
    assert.ok(count('rejected') >= 3, `rejected: ${JSON.stringify(verdicts)}`);
    const deliveries = await db.selectFrom('deliveries').select(['ok']).execute();
    assert.ok(deliveries.length >= 1, 'the shop webhook was called');
    assert.ok((await db.selectFrom('alerts').select('id').execute()).length >= 1);
    // Ingest logs little; deliveries do, and the failing SMTP delivery is the one that held a password.
    assert.ok(
      logLines.some((l) => l.includes('alert delivery failed')),
      `log lines: ${logLines.join('')}`,
    );
    assert.ok(logLines.some((l) => l.includes('webhook delivery failed')));
    assert.ok(
      forbidden().some((f) => f.needle === createdSecrets.createdApiKey),
      'the created API key is searched for',
    );
    for (const card of CARDS)
      assert.ok(luhnValid(card.replaceAll(' ', '')), `${card} is a Luhn-valid number`);
    // The raw requests were stored as received: the search below is not vacuous.
    const bodies = await db.selectFrom('inbox').select('body').execute();
    assert.ok(bodies.some((b) => Buffer.from(b.body).toString('latin1').includes(SECRETS.trivenetoSecret)));
  });

  it('no GET route of the app (API, dashboard, pages, OpenAPI document) shows one', async () => {
    const db = engine.store.db;
    const ids = async (table: 'payments' | 'inbox' | 'alerts' | 'events' | 'jobs' | 'signals') =>
      (await db.selectFrom(table).select('id').execute()).map((r) => String(r.id));
    const accountIds = [...engine.config.accounts.keys()];
    const idsBySegment: Record<string, string[]> = {
      payments: await ids('payments'),
      pay: await ids('payments'),
      conflicts: await ids('payments'),
      inbox: await ids('inbox'),
      notifications: await ids('inbox'),
      alerts: await ids('alerts'),
      events: await ids('events'),
      jobs: await ids('jobs'),
      signals: await ids('signals'),
      health: accountIds,
      accounts: accountIds,
      endpoints: accountIds,
    };
    const paths = getPaths(idsBySegment);
    assert.ok(
      paths.some((p) => p.startsWith('/api/payments/')),
      paths.join(', '),
    );
    const leaks: string[] = [];
    const requests = paths.flatMap(
      (path): Array<{ path: string; cookie?: string; where: string }> =>
        path.startsWith('/dashboard')
          ? dashboardCookies.map((cookie, i) => ({ path, cookie, where: `GET ${path} [session ${i + 1}]` }))
          : [{ path, where: `GET ${path}` }],
    );
    for (const { path, cookie, where } of requests) {
      const headers: Record<string, string> = { authorization: `Bearer ${SECRETS.apiKey}` };
      if (path === '/metrics') headers.authorization = `Bearer ${SECRETS.metricsToken}`;
      if (cookie) headers.cookie = cookie;
      const res = await app.request(path, { headers });
      const text = await res.text();
      shown.push({ where: `${where} (${res.status})`, text });
      shown.push({ where: `${where} (${res.status}) headers`, text: [...res.headers].join('\n') });
      leaks.push(...leaksIn(`${where} (${res.status})`, text));
      for (const [name, value] of res.headers) leaks.push(...leaksIn(`${where} header ${name}`, value));
    }
    assert.deepEqual(leaks, []);
    assert.ok(shown.length >= paths.length);
    assert.ok(
      paths.some((p) => p.startsWith('/pay/')),
      'customer pages are searched too',
    );
  });

  it('no CLI --json output shows one (payments, inbox, alerts, health)', async () => {
    const leakyInboxIds = (await engine.store.db.selectFrom('inbox').select(['id', 'body']).execute())
      .filter((e) => leaksIn('', Buffer.from(e.body).toString('latin1')).length > 0)
      .map((e) => e.id);
    assert.ok(leakyInboxIds.length >= 5, `${leakyInboxIds.length} raw requests with secrets`);
    const registered = createProgram().commands.map((c) => c.name());
    const runs: string[][] = [
      ['alerts', '--json'],
      ['health', '--json'],
    ];
    if (registered.includes('payments')) {
      runs.push(['payments', 'list', '--json']);
      for (const account of ['shop-lyra', 'shop-payplug']) {
        runs.push(['payments', 'show', payments[account] ?? '', '--json']);
      }
    }
    if (registered.includes('inbox')) {
      runs.push(['inbox', 'list', '--json']);
      // The entries whose raw request carried secrets and card numbers (one per gateway).
      for (const id of leakyInboxIds.slice(0, 6)) runs.push(['inbox', 'show', id, '--json']);
    }
    const leaks: string[] = [];
    for (const args of runs) {
      const r = runCli([...args, '--config', configFile]);
      assert.ok(
        r.stdout.trim().startsWith('{') || r.stdout.trim().startsWith('['),
        `${args.join(' ')}: ${r.stderr}`,
      );
      shown.push({ where: `quittance ${args.join(' ')}`, text: `${r.stdout}\n${r.stderr}` });
      leaks.push(...leaksIn(`quittance ${args.join(' ')} (stdout)`, r.stdout));
      leaks.push(...leaksIn(`quittance ${args.join(' ')} (stderr)`, r.stderr));
    }
    assert.deepEqual(leaks, []);
  });

  // After the route searches: the log lines of those requests are searched too.
  it('no log line holds a secret or a card number', () => {
    assert.deepEqual(
      logLines.flatMap((line, i) => leaksIn(`log line ${i + 1}: ${line.slice(0, 160)}`, line)),
      [],
    );
  });

  // Runs after the searches above, over everything they collected.
  it('no card number inside URL- or form-encoded text either (5555+5555+…, card%204012…)', () => {
    assert.ok(shown.length > 0, 'the routes and the CLI were searched first');
    assert.deepEqual(
      shown.flatMap((s) => leaksIn(s.where, s.text, 'encoded')),
      [],
    );
  });

  /** A dashboard session cookie, logged in with `key`; checked to open the payments page. */
  async function dashboardCookie(key: string): Promise<string> {
    const res = await app.request('/dashboard/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: PUBLIC_URL },
      body: `key=${encodeURIComponent(key)}&next=%2Fdashboard%2Fpayments`,
    });
    const setCookie = res.headers.get('set-cookie');
    assert.ok(setCookie, `dashboard login answered ${res.status} without a cookie`);
    const cookie = setCookie.split(';')[0] ?? '';
    const page = await app.request('/dashboard/payments', { headers: { cookie } });
    assert.equal(page.status, 200, 'the session opens the dashboard');
    return cookie;
  }

  /**
   * Every GET path of the app with its parameters filled with real ids: the segment before a parameter
   * names the kind of id (`/api/payments/:id` → payment ids). Entry points that take a gateway's or a
   * customer's input (`/notify`, `/return`) are exercised above instead.
   */
  function getPaths(idsBySegment: Record<string, string[]>): string[] {
    const out = new Set<string>();
    for (const { method, path } of routesOf(app)) {
      if (method !== 'GET' && method !== 'ALL') continue;
      if (path.includes('*') || /^\/(notify|return)\b/.test(path)) continue;
      // Files shipped in the package (htmx, uPlot, css): no data can reach them.
      if (path.startsWith('/dashboard/assets/')) continue;
      let expanded = [''];
      for (const segment of path.split('/').slice(1)) {
        if (!segment.startsWith(':')) {
          expanded = expanded.map((p) => `${p}/${segment}`);
          continue;
        }
        const before = expanded[0]?.split('/').pop() ?? '';
        const values = idsBySegment[before];
        assert.ok(values, `GET ${path}: which ids go in ${segment}? add "${before}" to idsBySegment`);
        expanded = expanded.flatMap((p) => values.map((v) => `${p}/${encodeURIComponent(v)}`));
      }
      for (const p of expanded) out.add(p || '/');
    }
    return [...out];
  }
});

function routesOf(app: Hono): ReadonlyArray<{ method: string; path: string }> {
  return app.routes.map((r) => ({ method: r.method, path: r.path.replace(/\{[^}]*\}/g, '') }));
}
