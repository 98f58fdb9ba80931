import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { GatewaySignal, RawRequest } from '../gateways/gateway.js';
import { listAlerts } from '../store/repos/alerts.js';
import { listEvents } from '../store/repos/events.js';
import { findInboxEntry } from '../store/repos/inbox.js';
import { findPayment, setCheckout } from '../store/repos/payments.js';
import { signalsOfPayment } from '../store/repos/signals.js';
import { applySignal } from './apply-signal.js';
import { createPayment } from './checkout.js';
import { ingestNotification } from './ingest.js';
import { handleReturn, NOTIFICATION_UNDELIVERED_ALERT } from './return.js';
import { FAKE_ACCOUNT, FAKE_SHOP, fakeGateway, type TestEngine, testEngine } from './testkit.js';

/**
 * Two engine rules for gateways that fix the transaction reference at the start and send the customer back only when
 * their notification failed (Triveneto: PaymentID from PaymentInit; errorURL). The fake gateway stands in for it.
 */
let t: TestEngine;
let orders = 0;

async function startedPayment(gatewayRef: string | null) {
  const { payment } = await createPayment(t.engine, {
    account: FAKE_ACCOUNT,
    orderRef: `fixed-${++orders}`,
    amount: { value: 990, currency: 'EUR' },
  });
  // What checkout does after initPayment: the gateway's reference is stored before the customer pays.
  await setCheckout(t.engine.store.db, payment.id, payment.checkout, gatewayRef, t.now());
  return payment;
}

function signal(paymentId: string, status: GatewaySignal['status'], gatewayRef?: string): GatewaySignal {
  return {
    source: 'notification',
    status,
    ...(gatewayRef !== undefined && { gatewayRef }),
    lookup: { paymentId, ...(gatewayRef !== undefined && { gatewayRef }), gatewayRefFixed: true },
  };
}

const apply = (s: GatewaySignal) =>
  t.engine.store.db
    .transaction()
    .execute((tx) => applySignal(t.engine, tx, { accountId: FAKE_ACCOUNT, signal: s, inboxId: null }));

describe('apply-signal: a gateway reference fixed at the start', () => {
  beforeEach(async () => {
    t = await testEngine({ fake: fakeGateway({ withStatusApi: false }) });
  });
  afterEach(() => t.close());

  it('another reference is refused before the payment is final, journaled on the payment, nothing applied', async () => {
    const p = await startedPayment('PID-1');
    const refused = await apply(signal(p.id, 'captured', 'PID-2'));
    assert.equal(refused.settlement, 'rejected');
    assert.match(refused.reason, /PID-2.*PID-1/);
    const stored = await findPayment(t.engine.store.db, p.id);
    assert.deepEqual([stored?.status, stored?.gatewayRef, stored?.needsReview], ['created', 'PID-1', false]);
    assert.deepEqual(
      (await signalsOfPayment(t.engine.store.db, p.id)).map((s) => [s.settlement, s.gatewayRef]),
      [['rejected', 'PID-2']],
    );
    assert.deepEqual(await listEvents(t.engine.store.db, { paymentId: p.id }), []);
  });

  it('a message naming no reference is refused too; the stored reference applies', async () => {
    const p = await startedPayment('PID-1');
    assert.equal((await apply(signal(p.id, 'captured'))).settlement, 'rejected');
    assert.equal((await apply(signal(p.id, 'captured', 'PID-1'))).settlement, 'applied');
    assert.equal((await findPayment(t.engine.store.db, p.id))?.status, 'captured');
  });

  it('after a final result, another reference is refused as well (not a conflict that flags the payment)', async () => {
    const p = await startedPayment('PID-1');
    await apply(signal(p.id, 'captured', 'PID-1'));
    assert.equal((await apply(signal(p.id, 'refused', 'PID-9'))).settlement, 'rejected');
    const stored = await findPayment(t.engine.store.db, p.id);
    assert.deepEqual([stored?.status, stored?.needsReview], ['captured', false]);
  });

  it('without gatewayRefFixed the old rule stands: a non-final reference is replaced', async () => {
    const p = await startedPayment('PID-1');
    const s = signal(p.id, 'captured', 'PID-2');
    const applied = await apply({ ...s, lookup: { paymentId: p.id, gatewayRef: 'PID-2' } });
    assert.equal(applied.settlement, 'applied');
    assert.equal((await findPayment(t.engine.store.db, p.id))?.gatewayRef, 'PID-2');
  });

  it('no stored reference (the start never told one): the message applies', async () => {
    const p = await startedPayment(null);
    assert.equal((await apply(signal(p.id, 'captured', 'PID-7'))).settlement, 'applied');
  });

  it('through ingest: the request is refused PAYMENT_MISMATCH with the reason', async () => {
    const p = await startedPayment('PID-1');
    // The fake's notifications carry no gatewayRefFixed: give it one for this test.
    const verify = t.fake.adapter.verifyNotification;
    (t.fake.adapter as { verifyNotification: unknown }).verifyNotification = () => ({
      kind: 'verified',
      signals: [signal(p.id, 'captured', 'PID-2')],
    });
    try {
      const result = await ingestNotification(t.engine, {
        accountId: FAKE_ACCOUNT,
        raw: raw(`/notify/${FAKE_ACCOUNT}`, '{}'),
      });
      assert.equal(result.verdict, 'rejected');
      assert.equal(result.reply.status, 403);
      const entry = await findInboxEntry(t.engine.store.db, result.inboxId);
      assert.equal(entry?.reasonCode, 'PAYMENT_MISMATCH');
      assert.match(entry?.reason ?? '', /PID-2.*PID-1/);
    } finally {
      (t.fake.adapter as { verifyNotification: unknown }).verifyNotification = verify;
    }
    assert.equal((await findPayment(t.engine.store.db, p.id))?.status, 'created');
  });
});

describe('return: a gateway that sends customers back only when its notification failed', () => {
  beforeEach(async () => {
    const fake = fakeGateway({ withStatusApi: false });
    (fake.adapter as { returnMeansUndelivered?: boolean }).returnMeansUndelivered = true;
    t = await testEngine({ fake });
  });
  afterEach(() => t.close());

  const back = (paymentId: string) =>
    handleReturn(t.engine, {
      accountId: FAKE_ACCOUNT,
      paymentId,
      raw: raw(`/return/${FAKE_ACCOUNT}/${paymentId}`),
    });

  it('not final: waiting page, payment flagged, one alert naming it, however often the customer comes', async () => {
    const p = await startedPayment('PID-1');
    const first = await back(p.id);
    const again = await back(p.id);
    for (const r of [first, again]) {
      assert.equal(r.waiting, true);
      assert.match(r.location, new RegExp(`/pay/${p.id}/wait\\?since=`));
    }
    const stored = await findPayment(t.engine.store.db, p.id);
    assert.deepEqual([stored?.status, stored?.needsReview], ['created', true]);
    const alerts = await listAlerts(t.engine.store.db, { paymentId: p.id });
    assert.deepEqual(
      alerts.map((a) => a.kind),
      [NOTIFICATION_UNDELIVERED_ALERT],
    );
    assert.match(alerts[0]?.message ?? '', /could not deliver its NotificationMessage/);
    assert.match(alerts[0]?.message ?? '', new RegExp(`quittance settle ${p.id}`));
    assert.equal(stored?.version, 3, 'flagged once: created, checkout, flag');
  });

  it('already final (the notification arrived): the shop page, nothing flagged', async () => {
    const p = await startedPayment('PID-1');
    await apply(signal(p.id, 'captured', 'PID-1'));
    const r = await back(p.id);
    assert.equal(r.waiting, false);
    assert.equal(new URL(r.location).origin + new URL(r.location).pathname, FAKE_SHOP.successUrl);
    assert.equal((await findPayment(t.engine.store.db, p.id))?.needsReview, false);
    assert.deepEqual(await listAlerts(t.engine.store.db), []);
  });
});

function raw(path: string, body = ''): RawRequest {
  return {
    method: body ? 'POST' : 'GET',
    path,
    query: '',
    headers: body ? { 'content-type': 'application/json' } : {},
    body: new TextEncoder().encode(body),
    sourceIp: '127.0.0.1',
    receivedAt: t.now(),
  };
}
