/**
 * Consorzio Triveneto end to end: quittance on real HTTP against the Triveneto simulator. PaymentInit at checkout,
 * the synchronous NotificationMessage answered `REDIRECT=`, only the first result counting, forgeries and foreign
 * PaymentIDs refused, a PaymentInit `!ERROR!` surfaced to the API caller, and an unreachable merchant ending at
 * errorURL → the waiting page with the payment flagged for a person.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Hono } from 'hono';
import { resolveConfig } from '../../src/config/load.js';
import { type Engine, startEngine } from '../../src/engine/engine.js';
import { NOTIFICATION_UNDELIVERED_ALERT } from '../../src/engine/return.js';
import { encodeForm } from '../../src/gateways/_shared/form-codec.js';
import { securityCode } from '../../src/gateways/triveneto/security-code.js';
import { createApp } from '../../src/http/app.js';
import { listen } from '../../src/http/server.js';
import { silentLogger } from '../../src/observability/logger.js';
import { payAsCustomer } from '../../src/simulator/triveneto/customer.js';
import { startTrivenetoSimulator } from '../../src/simulator/triveneto/server.js';
import type { TrivenetoSimulator } from '../../src/simulator/triveneto/types.js';
import { createStore } from '../../src/store/db.js';
import { listAlerts } from '../../src/store/repos/alerts.js';
import { listEvents } from '../../src/store/repos/events.js';
import { findInboxEntry, type InboxRecord } from '../../src/store/repos/inbox.js';
import { findPayment, type PaymentRecord } from '../../src/store/repos/payments.js';
import { signalsOfPayment } from '../../src/store/repos/signals.js';

const TERMINAL = { id: '89025555', password: `pw_${randomBytes(8).toString('hex')}` };
const SECRET = randomBytes(24).toString('hex');
const SHOP = {
  successUrl: 'https://shop.example/order/success',
  failureUrl: 'https://shop.example/order/failure',
  pendingUrl: 'https://shop.example/order/pending',
} as const;

let sim: TrivenetoSimulator;
let engine: Engine;
let url: string;
let apiKey: string;
let close: () => Promise<void>;

before(async () => {
  sim = await startTrivenetoSimulator({ terminals: [TERMINAL], timeScale: 0.0005, seed: 11 });
  const dir = mkdtempSync(join(tmpdir(), 'quittance-e2e-triveneto-'));
  const file = join(dir, 'e2e.db');
  apiKey = `e2e_${randomBytes(12).toString('hex')}`;
  const store = createStore(`sqlite:${file}`);
  let app: Hono | undefined;
  const server = await listen(
    (request, env) => (app ? app.fetch(request, env) : new Response('starting', { status: 503 })),
    '127.0.0.1',
    0,
  );
  const credentials = (password: string) => ({
    id: TERMINAL.id,
    password,
    secret: SECRET,
    action: 'purchase',
    environment: 'test',
    apiBase: sim.servletBase,
  });
  const config = resolveConfig(
    {
      database: `sqlite:${file}`,
      apiKeys: [apiKey],
      logLevel: 'silent',
      accounts: [
        {
          id: 'tv',
          gateway: 'triveneto',
          mode: 'test',
          credentials: credentials(TERMINAL.password),
          shop: { ...SHOP },
        },
        {
          id: 'tv-wrong',
          gateway: 'triveneto',
          mode: 'test',
          credentials: credentials('not-it'),
          shop: { ...SHOP },
        },
      ],
    },
    {},
  );
  engine = await startEngine({ store, config, logger: silentLogger(), publicUrl: server.url });
  app = createApp(engine);
  url = server.url;
  close = async () => {
    await sim.close();
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  };
});

after(() => close());

let orders = 0;

interface Created {
  readonly id: string;
  readonly orderRef: string;
  readonly checkout: { method: 'GET'; url: string; fields: Record<string, string> };
}

async function createPayment(
  account = 'tv',
  orderRef = `TV-${++orders}`,
): Promise<{ status: number; json: unknown; orderRef: string }> {
  const response = await fetch(`${url}/api/payments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ account, orderRef, amount: { value: 1250, currency: 'EUR' } }),
  });
  return { status: response.status, json: await response.json(), orderRef };
}

async function created(): Promise<Created> {
  const { status, json, orderRef } = await createPayment();
  assert.equal(status, 201, JSON.stringify(json));
  return { ...(json as Omit<Created, 'orderRef'>), orderRef };
}

const payment = async (id: string): Promise<PaymentRecord> => {
  const p = await findPayment(engine.store.db, id);
  assert.ok(p, `payment ${id}`);
  return p;
};

async function notificationsOf(paymentId: string): Promise<InboxRecord[]> {
  const rows = await engine.store.db
    .selectFrom('inbox')
    .select('id')
    .where('kind', '=', 'notification')
    .orderBy('id')
    .execute();
  const entries = await Promise.all(rows.map((r) => findInboxEntry(engine.store.db, r.id)));
  return entries.filter(
    (e): e is InboxRecord =>
      e !== undefined && new URLSearchParams(Buffer.from(e.body).toString('utf8')).get('udf1') === paymentId,
  );
}

/** A NotificationMessage as the gateway would send it for `p`, with a valid udf4 unless told otherwise. */
function message(
  p: PaymentRecord,
  result: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  const udf2 = `${p.amount.value} ${p.amount.currency}`;
  return {
    paymentid: p.gatewayRef ?? '',
    tranid: randomBytes(4).readUInt32BE().toString(),
    result,
    auth: result === 'CAPTURED' ? '123456' : '',
    postdate: '0314',
    trackid: p.merchantRef,
    udf1: p.id,
    udf2,
    udf3: '',
    udf4: securityCode(SECRET, p.id, udf2, p.merchantRef),
    udf5: '',
    ...overrides,
  };
}

async function notify(fields: Record<string, string>) {
  const response = await fetch(`${url}/notify/tv`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: encodeForm(fields),
  });
  return {
    status: response.status,
    text: await response.text(),
    inboxId: response.headers.get('x-quittance-inbox-id'),
  };
}

const shopSuccess = (p: { id: string; orderRef: string }) =>
  `${SHOP.successUrl}?payment=${p.id}&order=${p.orderRef}&status=captured`;

describe('Triveneto end to end', { timeout: 60_000 }, () => {
  it('PaymentInit → paid → CAPTURED settles; quittance answers exactly REDIRECT=<shop success url>', async () => {
    const c = await created();
    const stored = await payment(c.id);
    const [tx] = sim.transactions().filter((t) => t.udf.udf1 === c.id);
    assert.ok(tx, 'the simulator holds the PaymentInit');
    assert.equal(stored.gatewayRef, tx.paymentId, 'the PaymentID is kept as the gateway reference');
    assert.equal(c.checkout.url, `${sim.paymentUrl}&PaymentID=${tx.paymentId}`);
    assert.deepEqual(
      [tx.amt, tx.currencycode, tx.trackid, tx.action],
      ['12.50', '978', stored.merchantRef, '1'],
    );

    const paid = await payAsCustomer({ checkout: c.checkout, scenario: 'paid', follow: () => false });
    assert.equal(paid.result, 'CAPTURED');
    assert.deepEqual(paid.destination, { via: 'redirect', location: shopSuccess(c) });
    const [delivered] = sim.transaction(tx.paymentId)?.notifications ?? [];
    assert.equal(delivered?.delivery?.status, 200);
    assert.equal(delivered?.delivery?.answer, `REDIRECT=${shopSuccess(c)}`);

    const after = await payment(c.id);
    assert.deepEqual([after.status, after.needsReview], ['captured', false]);
    const [entry] = await notificationsOf(c.id);
    assert.deepEqual([entry?.verdict, entry?.answerBody], ['verified', `REDIRECT=${shopSuccess(c)}`]);
    assert.deepEqual((await listEvents(engine.store.db, { paymentId: c.id })).map((e) => e.type).sort(), [
      'payment.authorized',
      'payment.captured',
    ]);
  });

  it('two different NotificationMessages for one payment: only the first counts', async () => {
    const c = await created();
    await payAsCustomer({ checkout: c.checkout, scenario: 'paid', follow: () => false });
    const p = await payment(c.id);
    assert.equal(p.status, 'captured');

    const contradicting = await notify(message(p, 'NOT CAPTURED'));
    assert.equal(contradicting.status, 200, contradicting.text);
    const again = await notify(message(p, 'CAPTURED'));
    assert.equal(again.status, 200, again.text);

    const after = await payment(c.id);
    assert.equal(after.status, 'captured', 'the first result stands');
    assert.equal(after.needsReview, true, 'the contradiction is flagged for a person');
    const signals = await signalsOfPayment(engine.store.db, c.id);
    assert.deepEqual(
      signals.map((s) => [s.status, s.settlement]),
      [
        ['captured', 'applied'],
        ['refused', 'conflict'],
        ['captured', 'duplicate'],
      ],
    );
    assert.deepEqual((await listEvents(engine.store.db, { paymentId: c.id })).map((e) => e.type).sort(), [
      'payment.authorized',
      'payment.captured',
      'payment.conflict',
    ]);
  });

  it('a forged NotificationMessage (bad udf4) is stored rejected and changes nothing', async () => {
    const c = await created();
    const paid = await payAsCustomer({
      checkout: c.checkout,
      scenario: 'paid',
      faults: [{ kind: 'bad-signature' }],
      follow: () => false,
    });
    assert.equal(paid.destination.location, shopSuccess(c));
    const entries = await notificationsOf(c.id);
    const forged = entries.filter((e) => e.headers['x-simulator-fault'] === 'forged');
    assert.equal(forged.length, 1);
    assert.deepEqual([forged[0]?.verdict, forged[0]?.reasonCode], ['rejected', 'SIGNATURE_MISMATCH']);
    assert.match(forged[0]?.answerBody ?? '', /^KO SIGNATURE_MISMATCH/);
    const after = await payment(c.id);
    assert.deepEqual([after.status, after.needsReview], ['captured', false]);
  });

  it('a NotificationMessage naming another PaymentID is refused before the payment is final, and after', async () => {
    const c = await created();
    const p = await payment(c.id);
    const foreign = await notify(message(p, 'CAPTURED', { paymentid: '999999999999999999' }));
    assert.equal(foreign.status, 403, foreign.text);
    assert.match(foreign.text, /^KO PAYMENT_MISMATCH/);
    const entry = await findInboxEntry(engine.store.db, foreign.inboxId ?? '');
    assert.deepEqual([entry?.verdict, entry?.reasonCode], ['rejected', 'PAYMENT_MISMATCH']);
    assert.match(entry?.reason ?? '', new RegExp(`999999999999999999.*${p.gatewayRef}`));
    const untouched = await payment(c.id);
    assert.deepEqual(
      [untouched.status, untouched.gatewayRef, untouched.needsReview],
      ['created', p.gatewayRef, false],
    );

    // The genuine message still settles it; a foreign one afterwards is refused the same way.
    await payAsCustomer({ checkout: c.checkout, scenario: 'paid', follow: () => false });
    assert.equal((await payment(c.id)).status, 'captured');
    const late = await notify(message(p, 'NOT CAPTURED', { paymentid: '888888888888888888' }));
    assert.equal(late.status, 403);
    const final = await payment(c.id);
    assert.deepEqual([final.status, final.needsReview], ['captured', false]);
    assert.deepEqual(
      (await signalsOfPayment(engine.store.db, c.id)).map((s) => [s.gatewayRef, s.settlement]),
      [
        ['999999999999999999', 'rejected'],
        [p.gatewayRef, 'applied'],
        ['888888888888888888', 'rejected'],
      ],
    );
  });

  it('PaymentInit answered !ERROR!: the API caller gets a clear error, the payment ends in error', async () => {
    const before = sim.transactions().length;
    const { status, json } = await createPayment('tv-wrong');
    assert.ok(status >= 400 && status < 500, `answered ${status}`);
    const error = (json as { error: { code: string; message: string } }).error;
    assert.equal(error.code, 'VALIDATION_FAILED');
    assert.match(
      error.message,
      /Consorzio Triveneto refused the PaymentInit: SIM001-Invalid terminal id or password/,
    );
    assert.ok(!error.message.includes('not-it'), 'the password is never echoed');
    assert.equal(sim.transactions().length, before, 'no hosted page was opened');
    const [stored] = await engine.store.db
      .selectFrom('payments')
      .select(['status'])
      .where('account_id', '=', 'tv-wrong')
      .execute();
    assert.equal(stored?.status, 'error');
  });

  it('merchant unreachable (message lost): errorURL → the waiting page, the payment flagged with an alert, once', async () => {
    const c = await created();
    const paid = await payAsCustomer({ checkout: c.checkout, scenario: 'paid', faults: [{ kind: 'drop' }] });
    const p = await payment(c.id);
    assert.deepEqual(paid.destination, {
      via: 'error-url',
      location: `${url}/return/tv/${c.id}?PaymentID=${p.gatewayRef}`,
    });
    assert.equal(paid.followed?.status, 303);
    assert.match(paid.followed?.location ?? '', new RegExp(`^${url}/pay/${c.id}/wait\\?since=\\d+$`));
    assert.deepEqual([p.status, p.needsReview], ['created', true]);
    const alerts = await listAlerts(engine.store.db, { paymentId: c.id });
    assert.deepEqual(
      alerts.map((a) => a.kind),
      [NOTIFICATION_UNDELIVERED_ALERT],
    );
    assert.match(alerts[0]?.message ?? '', /could not deliver its NotificationMessage.*quittance settle/);

    // The customer reloads errorURL: same page, no second alert.
    const again = await fetch(paid.destination.location, { redirect: 'manual' });
    await again.body?.cancel();
    assert.equal(again.status, 303);
    assert.equal((await listAlerts(engine.store.db, { paymentId: c.id })).length, 1);
    assert.deepEqual(await notificationsOf(c.id), []);
  });

  it('errorURL for a payment quittance did settle (its answer reached the gateway too late): the shop page, not flagged', async () => {
    const c = await created();
    await payAsCustomer({ checkout: c.checkout, scenario: 'paid', follow: () => false });
    const p = await payment(c.id);
    const back = await fetch(`${url}/return/tv/${c.id}?PaymentID=${p.gatewayRef}`, { redirect: 'manual' });
    await back.body?.cancel();
    assert.equal(back.status, 303);
    assert.equal(back.headers.get('location'), shopSuccess(c));
    assert.equal((await payment(c.id)).needsReview, false);
    assert.deepEqual(await listAlerts(engine.store.db, { paymentId: c.id }), []);
  });
});
