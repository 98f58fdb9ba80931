import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GatewayAccount, Verdict } from '../gateway.js';
import { type StandardWebhooksCredentials, standardWebhooksCredentialsSchema } from './credentials.js';
import { OTHER_SECRET, PREVIOUS_SECRET, signedRequest, TEST_SECRET, testAccount } from './fixtures.js';
import { standardWebhooks } from './index.js';

const RECEIVED = new Date('2026-05-04T10:20:30.400Z');
const NOW_S = Math.floor(RECEIVED.getTime() / 1000);

function account(extra: Record<string, unknown>): GatewayAccount<StandardWebhooksCredentials> {
  return {
    ...testAccount,
    credentials: standardWebhooksCredentialsSchema.parse({
      secret: TEST_SECRET,
      checkoutUrl: 'https://sender.example/pay',
      ...extra,
    }),
  };
}

function verify(acc: GatewayAccount<StandardWebhooksCredentials>, body: unknown, options = {}): Verdict {
  return standardWebhooks.verifyNotification(
    acc,
    signedRequest(typeof body === 'string' ? body : JSON.stringify(body), {
      receivedAt: RECEIVED,
      ...options,
    }),
  );
}

const DEFAULT_BODY = {
  type: 'payment.succeeded',
  data: { id: 'txn_9', reference: 'pay_abc', status: 'succeeded', amount: 1250, currency: 'EUR' },
};

describe('standard-webhooks notification', () => {
  it('reads the default shape: status, amount, reference, gateway ref, and keeps webhook-id as a fact', () => {
    const verdict = verify(testAccount, DEFAULT_BODY, { id: 'msg_42' });
    assert.equal(verdict.kind, 'verified');
    const [signal] = verdict.kind === 'verified' ? verdict.signals : [];
    assert.deepEqual(signal, {
      source: 'notification',
      status: 'captured',
      gatewayStatus: 'succeeded',
      amount: { value: 1250, currency: 'EUR' },
      gatewayRef: 'txn_9',
      lookup: { merchantRef: 'pay_abc', gatewayRef: 'txn_9' },
      facts: {
        'webhook-id': 'msg_42',
        'webhook-timestamp': String(NOW_S),
        type: 'payment.succeeded',
        status: 'succeeded',
      },
    });
  });

  it('follows a custom mapping: dotted paths, major units as text, its own status words', () => {
    const acc = account({
      mapping: {
        reference: 'order.metadata.ref',
        status: '/order/state',
        statuses: { PAID: 'captured', KO: 'refused' },
        amount: 'order.total',
        amountUnit: 'major',
        currency: 'order.cur',
        gatewayRef: 'order.id',
        type: null,
      },
    });
    const body = { order: { id: 77, state: 'PAID', total: '12.50', cur: 'eur', metadata: { ref: 'pay_x' } } };
    const verdict = verify(acc, body);
    assert.equal(verdict.kind, 'verified');
    const [signal] = verdict.kind === 'verified' ? verdict.signals : [];
    assert.equal(signal?.status, 'captured');
    assert.deepEqual(signal?.amount, { value: 1250, currency: 'EUR' });
    assert.equal(signal?.gatewayRef, '77');
    assert.equal(signal?.lookup.merchantRef, 'pay_x');
    // The default words are replaced, not merged.
    assert.equal(verify(acc, { order: { ...body.order, state: 'succeeded' } }).kind, 'unparseable');
  });

  it('acknowledges event types outside mapping.types without a signal', () => {
    const acc = account({ mapping: { types: ['payment.succeeded'] } });
    assert.deepEqual(verify(acc, { type: 'customer.created', data: {} }), { kind: 'verified', signals: [] });
    const kept = verify(acc, DEFAULT_BODY);
    assert.equal(kept.kind === 'verified' && kept.signals.length, 1);
  });

  it('refuses, with the field named, what it cannot read once authenticated', () => {
    const cases: Array<[unknown, string]> = [
      ['not json', 'MALFORMED_BODY'],
      [{ data: { status: 'succeeded' } }, 'MISSING_FIELD'],
      [{ data: { reference: 'pay_a' } }, 'MISSING_FIELD'],
      [{ data: { reference: 'pay_a', status: 'weird' } }, 'INVALID_FIELD'],
      [{ data: { reference: 'pay_a', status: 'paid', amount: 12.5, currency: 'EUR' } }, 'INVALID_FIELD'],
      [{ data: { reference: 'pay_a', status: 'paid', amount: 1250, currency: 'XYZ' } }, 'INVALID_FIELD'],
      [{ data: { reference: 'pay_a', status: 'paid', amount: 1250 } }, 'INVALID_FIELD'],
    ];
    for (const [body, code] of cases) {
      const verdict = verify(testAccount, body);
      assert.equal(verdict.kind, 'unparseable', JSON.stringify(body));
      assert.equal(verdict.kind === 'unparseable' && verdict.code, code, JSON.stringify(body));
    }
    assert.equal(
      standardWebhooks.verifyNotification(
        testAccount,
        signedRequest(Buffer.from([0xff, 0x7b]), { receivedAt: RECEIVED }),
      ).kind,
      'unparseable',
    );
  });

  it('rejects: missing headers, other secret, stale or future beyond the tolerance; accepts the previous secret', () => {
    const code = (v: Verdict) => (v.kind === 'verified' ? 'verified' : v.code);
    const { 'webhook-id': _id, ...noId } = signedRequest('{}').headers;
    assert.equal(
      code(standardWebhooks.verifyNotification(testAccount, { ...signedRequest('{}'), headers: noId })),
      'SIGNATURE_MISSING',
    );
    assert.equal(code(verify(testAccount, DEFAULT_BODY, { secret: OTHER_SECRET })), 'SIGNATURE_MISMATCH');
    assert.equal(code(verify(testAccount, DEFAULT_BODY, { secret: PREVIOUS_SECRET })), 'verified');
    assert.equal(code(verify(testAccount, DEFAULT_BODY, { timestamp: NOW_S - 300 })), 'verified');
    assert.equal(code(verify(testAccount, DEFAULT_BODY, { timestamp: NOW_S + 300 })), 'verified');
    assert.equal(
      code(verify(testAccount, DEFAULT_BODY, { timestamp: NOW_S - 301 })),
      'TIMESTAMP_OUT_OF_TOLERANCE',
    );
    assert.equal(
      code(verify(testAccount, DEFAULT_BODY, { timestamp: NOW_S + 301 })),
      'TIMESTAMP_OUT_OF_TOLERANCE',
    );
    const wide = account({ toleranceSeconds: 600 });
    assert.equal(code(verify(wide, DEFAULT_BODY, { timestamp: NOW_S - 600 })), 'verified');
    const stale = verify(testAccount, DEFAULT_BODY, { timestamp: NOW_S - 1000 });
    assert.match(stale.kind === 'rejected' ? stale.reason : '', /1000 s in the past/);
  });

  it('refuses configurations that cannot work', () => {
    const bad = [
      { secret: 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', checkoutUrl: 'https://s.example' },
      { secret: 'whsec_%%%', checkoutUrl: 'https://s.example' },
      { secret: TEST_SECRET, checkoutUrl: 'ftp://s.example' },
      { secret: TEST_SECRET, checkoutUrl: 'https://s.example', mapping: { currency: null } },
      { secret: TEST_SECRET, checkoutUrl: 'https://s.example', mapping: { type: null, types: ['x'] } },
      { secret: TEST_SECRET, checkoutUrl: 'https://s.example', mapping: { statuses: { ok: 'done' } } },
      { secret: TEST_SECRET, checkoutUrl: 'https://s.example', secrett: TEST_SECRET },
    ];
    for (const credentials of bad) {
      assert.equal(
        standardWebhooksCredentialsSchema.safeParse(credentials).success,
        false,
        JSON.stringify(credentials),
      );
    }
  });

  it('sends the customer to the sender with reference, amount, currency, return and notify URLs', () => {
    const checkout = standardWebhooks.createPayment(
      account({ checkoutUrl: 'https://sender.example/pay?shop=9' }),
      {
        paymentId: 'pay_1',
        orderRef: 'O-1',
        merchantRef: 'pay_1',
        amount: { value: 990, currency: 'EUR' },
        now: RECEIVED,
        urls: {
          notify: 'https://q.example/notify/a',
          return: 'https://q.example/return/a/pay_1',
          wait: 'https://q.example/w',
        },
      },
    );
    const url = new URL(checkout.url);
    assert.equal(checkout.method, 'GET');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      shop: '9',
      reference: 'pay_1',
      amount: '990',
      currency: 'EUR',
      return_url: 'https://q.example/return/a/pay_1',
      notify_url: 'https://q.example/notify/a',
    });
  });
});
