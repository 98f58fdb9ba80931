/**
 * End-to-end harness: quittance on a real HTTP socket (127.0.0.1, port 0) over a temporary SQLite
 * file, bound first and given its app once it knows its own URL, as src/cli/demo/run.ts does. Tests
 * talk to it with fetch() only, then read what was stored through the repositories.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Hono } from 'hono';
import { resolveConfig } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { type Engine, startEngine } from '../../src/engine/engine.js';
import { startEngineWorker } from '../../src/engine/runtime.js';
import { encodeForm } from '../../src/gateways/_shared/form-codec.js';
import { type LyraAlgorithm, lyraSignature } from '../../src/gateways/lyra/signature.js';
import { createApp } from '../../src/http/app.js';
import { listen } from '../../src/http/server.js';
import type { Worker } from '../../src/jobs/worker.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createStore } from '../../src/store/db.js';
import { listEvents } from '../../src/store/repos/events.js';
import { findInboxEntry, type InboxRecord } from '../../src/store/repos/inbox.js';
import { findPayment, type PaymentRecord } from '../../src/store/repos/payments.js';
import { type SignalRecord, signalsOfInbox, signalsOfPayment } from '../../src/store/repos/signals.js';

export const SITE_ID = '12345678';
export const TEST_KEY = 'e2e-test-key-1122334455667788';
export const LIVE_KEY = 'e2e-live-key-8877665544332211';
export const OTHER_KEY = 'e2e-someone-elses-key-000000';
export const ALGORITHM: LyraAlgorithm = 'hmac-sha-256';

export const SHOP = {
  successUrl: 'https://shop.example/order/success',
  failureUrl: 'https://shop.example/order/failure',
  pendingUrl: 'https://shop.example/order/pending',
} as const;

type AccountInput = NonNullable<ConfigInput['accounts']>[number];

function account(id: string, extra: Partial<AccountInput> = {}, paymentUrl?: string): AccountInput {
  return {
    id,
    gateway: 'lyra',
    mode: 'test',
    credentials: {
      siteId: SITE_ID,
      key: TEST_KEY,
      algorithm: ALGORITHM,
      ...(paymentUrl ? { paymentUrl } : {}),
    },
    shop: { ...SHOP },
    ...extra,
  };
}

/**
 * The accounts every instance has:
 * - `shop`: test mode, no allowlist (most tests);
 * - `live-shop`: live mode, its own PRODUCTION key;
 * - `lyra-only`: `allowedIps: true` (Lyra's published range, which 127.0.0.1 is not in);
 * - `local-only`: `allowedIps: ['127.0.0.0/8']`.
 */
function defaultAccounts(paymentUrl?: string): AccountInput[] {
  return [
    account('shop', {}, paymentUrl),
    account('live-shop', {
      mode: 'live',
      credentials: { siteId: SITE_ID, key: LIVE_KEY, algorithm: ALGORITHM },
    }),
    account('lyra-only', { allowedIps: true }),
    account('local-only', { allowedIps: ['127.0.0.0/8'] }),
  ];
}

export interface QuittanceOptions {
  readonly trustedProxies?: readonly string[];
  readonly notificationBodyBytes?: number;
  /** Sent as credentials.paymentUrl of account `shop` (the simulator's payment page). */
  readonly paymentUrl?: string;
}

export interface Quittance {
  readonly url: string;
  readonly engine: Engine;
  readonly apiKey: string;
  close(): Promise<void>;
}

export async function startQuittance(options: QuittanceOptions = {}): Promise<Quittance> {
  return boot({
    trustedProxies: [...(options.trustedProxies ?? [])],
    ...(options.notificationBodyBytes
      ? { limits: { notificationBodyBytes: options.notificationBodyBytes } }
      : {}),
    accounts: defaultAccounts(options.paymentUrl),
  });
}

/**
 * Binds the socket first and hands over the app once the engine knows its own public URL (notify and return URLs
 * name it), as src/cli/demo/run.ts does. `after` runs before the store closes (the worker, a simulator).
 */
async function boot(
  input: Omit<ConfigInput, 'database' | 'apiKeys' | 'logLevel'>,
  started?: (engine: Engine, url: string) => { close(): Promise<void> } | undefined,
): Promise<Quittance> {
  const dir = mkdtempSync(join(tmpdir(), 'quittance-e2e-'));
  const file = join(dir, 'e2e.db');
  const apiKey = `e2e_${randomBytes(12).toString('hex')}`;
  const store = createStore(`sqlite:${file}`);
  let app: Hono | undefined;
  const server = await listen(
    (request, env) => (app ? app.fetch(request, env) : new Response('starting', { status: 503 })),
    '127.0.0.1',
    0,
  );
  const shutdown = async (extra?: { close(): Promise<void> }) => {
    await extra?.close();
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const config = resolveConfig(
      { ...input, database: `sqlite:${file}`, apiKeys: [apiKey], logLevel: 'silent' },
      {},
    );
    const engine = await startEngine({ store, config, logger: silentLogger(), publicUrl: server.url });
    app = createApp(engine);
    const extra = started?.(engine, server.url);
    return { url: server.url, engine, apiKey, close: () => shutdown(extra) };
  } catch (error) {
    await shutdown();
    throw error;
  }
}

export interface GatewayQuittanceOptions {
  /** The one account under test; its mode defaults to test and its shop URLs to SHOP. */
  readonly account: Omit<AccountInput, 'mode' | 'shop'> & Partial<Pick<AccountInput, 'mode' | 'shop'>>;
  /** Reconciliation schedule (default 1h: only when a test asks). */
  readonly reconcile?: string;
  /** Job lease (default 10s; Taler's long-polls hold a job longer). */
  readonly lease?: string;
  /** Start the job worker at once (default), or only when the test calls `startWorker()`. */
  readonly worker?: boolean;
  /** Closed after quittance: the gateway simulator. */
  readonly simulator: { close(): Promise<void> };
  /** Called once quittance knows its URL, before any payment (Taler's webhook registration). */
  readonly onUrl?: (url: string) => void;
}

export interface GatewayQuittance extends Quittance {
  /** Starts the job worker as `serve` does (idempotent). */
  startWorker(): void;
}

/**
 * quittance on real HTTP with one gateway account talking to that gateway's simulator, the job worker started as
 * `serve` starts it: the setup of every per-gateway e2e test. Closed when the test ends.
 */
export async function startGatewayQuittance(
  t: TestContext,
  options: GatewayQuittanceOptions,
): Promise<GatewayQuittance> {
  let worker: Worker | undefined;
  let engineOf: Engine | undefined;
  const q = await boot(
    {
      reconcile: { schedule: options.reconcile ?? '1h', returnTimeout: '5s' },
      worker: { enabled: true, concurrency: 4, pollInterval: '50ms', lease: options.lease ?? '10s' },
      accounts: [{ mode: 'test', shop: { ...SHOP }, ...options.account }],
    },
    (engine, url) => {
      engineOf = engine;
      options.onUrl?.(url);
      return {
        async close() {
          await worker?.stop(5_000);
          await options.simulator.close();
        },
      };
    },
  );
  t.after(() => q.close());
  const startWorker = () => {
    if (engineOf) worker ??= startEngineWorker(engineOf);
  };
  if (options.worker ?? true) startWorker();
  return { ...q, startWorker };
}

/**
 * Polls until `probe` answers something (not undefined, not false). The deadline is a safety net for a broken build,
 * never an assertion on how fast anything is.
 */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP

export interface Answer {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
}

async function answer(response: Response): Promise<Answer> {
  return { status: response.status, text: await response.text(), headers: response.headers };
}

export async function api(
  q: Quittance,
  method: string,
  path: string,
  body?: unknown,
  auth: string | null = `Bearer ${q.apiKey}`,
): Promise<{ status: number; json: unknown; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (auth !== null) headers.authorization = auth;
  let payload: string | undefined;
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const response = await fetch(`${q.url}${path}`, {
    method,
    headers,
    ...(payload !== undefined ? { body: payload } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json, headers: response.headers };
}

export interface CreatedPayment {
  readonly id: string;
  readonly status: string;
  readonly orderRef: string;
  readonly amount: number;
  readonly checkout: {
    readonly method: 'GET' | 'POST';
    readonly url: string;
    readonly fields: Readonly<Record<string, string>>;
  };
}

let orders = 0;

export async function createPayment(
  q: Quittance,
  input: { account?: string; amount?: number; orderRef?: string } = {},
): Promise<CreatedPayment> {
  const orderRef = input.orderRef ?? `ORDER-${process.pid}-${++orders}`;
  const amount = input.amount ?? 1250;
  const { status, json } = await api(q, 'POST', '/api/payments', {
    account: input.account ?? 'shop',
    orderRef,
    amount: { value: amount, currency: 'EUR' },
  });
  if (status !== 201) throw new Error(`creating a payment answered ${status}: ${JSON.stringify(json)}`);
  const created = json as Omit<CreatedPayment, 'orderRef' | 'amount'>;
  return { ...created, orderRef, amount };
}

export interface FormOptions {
  readonly method?: string;
  readonly contentType?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
}

/** POST /notify/:account with a form (record, or exact string / bytes). */
export async function notify(
  q: Quittance,
  accountId: string,
  body: Readonly<Record<string, string>> | string | Uint8Array | undefined,
  options: FormOptions = {},
): Promise<Answer & { inboxId: string | null }> {
  const method = options.method ?? 'POST';
  const headers: Record<string, string> = { 'user-agent': 'e2e-lyra', ...options.headers };
  const contentType =
    options.contentType === undefined ? 'application/x-www-form-urlencoded' : options.contentType;
  if (contentType !== null && body !== undefined) headers['content-type'] = contentType;
  const payload = body === undefined ? undefined : bodyOf(body);
  const response = await fetch(`${q.url}/notify/${accountId}`, {
    method,
    headers,
    ...(payload !== undefined ? { body: payload } : {}),
  });
  const a = await answer(response);
  return { ...a, inboxId: response.headers.get('x-quittance-inbox-id') };
}

/** GET or POST /return/:account/:payment, never following the redirect. */
export async function customerReturn(
  q: Quittance,
  accountId: string,
  paymentId: string,
  fields: Readonly<Record<string, string>> | undefined,
  method: 'GET' | 'POST' = 'POST',
): Promise<Answer & { location: string | null }> {
  const path = `/return/${accountId}/${paymentId}`;
  const form = fields ? encodeForm(fields) : '';
  const response =
    method === 'GET'
      ? await fetch(`${q.url}${path}${form ? `?${form}` : ''}`, { redirect: 'manual' })
      : await fetch(`${q.url}${path}`, {
          method: 'POST',
          redirect: 'manual',
          ...(fields ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form } : {}),
        });
  const a = await answer(response);
  return { ...a, location: response.headers.get('location') };
}

function bodyOf(body: Readonly<Record<string, string>> | string | Uint8Array): string | Uint8Array {
  return typeof body === 'string' || body instanceof Uint8Array ? body : encodeForm(body);
}

// ---------------------------------------------------------------------------------------------
// What Lyra sends

export function transUuid(): string {
  return randomBytes(16).toString('hex');
}

const RESULT: Readonly<Record<string, string>> = { REFUSED: '05', ABANDONED: '17' };

/**
 * The gateway's fields for a payment made from `checkout.fields`: the form's fields (signature
 * dropped) plus the result, signed with `key` (the test key unless told).
 */
export function lyraFields(
  payment: Pick<CreatedPayment, 'checkout'>,
  transStatus: string,
  options: {
    readonly uuid?: string;
    readonly extra?: Readonly<Record<string, string>>;
    readonly key?: string;
    /** The browser return carries no vads_url_check_src. */
    readonly source?: 'notification' | 'return';
  } = {},
): Record<string, string> {
  const { signature: _form, ...form } = payment.checkout.fields;
  const fields: Record<string, string> = {
    ...form,
    vads_trans_status: transStatus,
    vads_trans_uuid: options.uuid ?? uuidOf(payment),
    vads_result: RESULT[transStatus] ?? '00',
    vads_operation_type: 'DEBIT',
    ...(options.source === 'return' ? {} : { vads_url_check_src: 'PAY' }),
    ...options.extra,
  };
  return sign(fields, options.key ?? TEST_KEY);
}

/** One transaction uuid per payment, stable, so every notice of one payment names the same transaction. */
const uuids = new WeakMap<object, string>();
function uuidOf(payment: Pick<CreatedPayment, 'checkout'>): string {
  let uuid = uuids.get(payment.checkout);
  if (!uuid) {
    uuid = transUuid();
    uuids.set(payment.checkout, uuid);
  }
  return uuid;
}

/** Replaces `signature` with the one `key` gives over the fields as they are now. */
export function sign(
  fields: Readonly<Record<string, string>>,
  key: string = TEST_KEY,
): Record<string, string> {
  const { signature: _old, ...rest } = fields;
  return { ...rest, signature: lyraSignature(rest, key, ALGORITHM) };
}

// ---------------------------------------------------------------------------------------------
// What was stored

export async function inboxEntry(q: Quittance, id: string | null): Promise<InboxRecord> {
  if (!id) throw new Error('the answer names no inbox entry');
  const entry = await findInboxEntry(q.engine.store.db, id);
  if (!entry) throw new Error(`no inbox entry ${id}`);
  return entry;
}

/** Every inbox entry whose path is `path`, oldest first. */
export async function inboxAt(q: Quittance, path: string): Promise<InboxRecord[]> {
  const rows = await q.engine.store.db
    .selectFrom('inbox')
    .select('id')
    .where('path', '=', path)
    .orderBy('id')
    .execute();
  return Promise.all(rows.map((r) => inboxEntry(q, r.id)));
}

export async function paymentOf(q: Quittance, id: string): Promise<PaymentRecord> {
  const payment = await findPayment(q.engine.store.db, id);
  if (!payment) throw new Error(`no payment ${id}`);
  return payment;
}

export function signalsOf(q: Quittance, paymentId: string): Promise<SignalRecord[]> {
  return signalsOfPayment(q.engine.store.db, paymentId);
}

export function signalsFrom(q: Quittance, inboxId: string): Promise<SignalRecord[]> {
  return signalsOfInbox(q.engine.store.db, inboxId);
}

export interface EffectJob {
  readonly type: string;
  readonly paymentId: string;
  readonly eventId: string;
  readonly signalId: string;
  readonly uniqueKey: string | null;
}

/** Effects (events for the shop), optionally of one payment, in creation order. */
export async function effects(q: Quittance, paymentId?: string): Promise<EffectJob[]> {
  const events = await listEvents(q.engine.store.db, paymentId ? { paymentId } : {});
  return events.map((e) => ({
    type: e.type,
    paymentId: e.paymentId,
    eventId: e.id,
    signalId: e.signalId,
    uniqueKey: e.effectKey,
  }));
}

export function effectTypes(jobs: readonly EffectJob[]): string[] {
  return jobs.map((j) => j.type).sort();
}

/** The payment as the JSON API shows it. */
export async function paymentView(
  q: Quittance,
  id: string,
): Promise<{
  status: string;
  needsReview: boolean;
  signals: Array<{ source: string; status: string; settlement: string; at: string; inboxId: string | null }>;
}> {
  const { status, json } = await api(q, 'GET', `/api/payments/${id}`);
  if (status !== 200) throw new Error(`GET /api/payments/${id} answered ${status}`);
  return json as Awaited<ReturnType<typeof paymentView>>;
}

// ---------------------------------------------------------------------------------------------
// Assertions shared by the files

/** Nothing about the payment moved: still as created, no signal journaled against it, no effect. */
export async function assertUntouched(q: Quittance, paymentId: string): Promise<void> {
  const payment = await paymentOf(q, paymentId);
  assert.equal(payment.status, 'created', 'the payment status must not change');
  assert.equal(payment.needsReview, false, 'the payment must not be flagged');
  assert.equal(payment.version, 1, 'the payment row must not be written');
  assert.equal(payment.gatewayRef, null);
  assert.deepEqual(await signalsOf(q, paymentId), [], 'no signal may be journaled against the payment');
  assert.deepEqual(await effects(q, paymentId), [], 'no effect may be enqueued');
}

/** A gateway-facing refusal: `KO <CODE> …`, short plain text, its entry kept with that verdict and code. */
export async function assertRefused(
  q: Quittance,
  a: Answer & { inboxId: string | null },
  expected: { status: number; code: string; verdict: 'rejected' | 'unparseable' },
): Promise<InboxRecord> {
  assert.equal(a.status, expected.status, `answer was ${a.status} ${a.text}`);
  assert.match(a.text, new RegExp(`^KO ${expected.code}\\b`));
  assert.ok(Buffer.byteLength(a.text) < 200, 'a Lyra answer stays under 200 bytes');
  assert.match(a.headers.get('content-type') ?? '', /^text\/plain/);
  const entry = await inboxEntry(q, a.inboxId);
  assert.equal(entry.verdict, expected.verdict);
  assert.equal(entry.reasonCode, expected.code);
  assert.ok(entry.reason && entry.reason.length > 0, 'the reason is kept in words too');
  assert.equal(entry.answerStatus, expected.status);
  assert.equal(entry.answerBody, a.text);
  assert.deepEqual(await signalsFrom(q, entry.id), [], 'a refused request produces no signal');
  return entry;
}
