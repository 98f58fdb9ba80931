/**
 * The JSON API through real HTTP: one error shape, the right status for each mistake, nothing
 * stored by a refused request, and the payment view with every signal.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  api,
  createPayment,
  lyraFields,
  notify,
  paymentOf,
  type Quittance,
  startQuittance,
} from './harness.js';

interface ErrorBody {
  error: { code: string; message: string; details?: { issues?: Array<{ field: string; message: string }> } };
}

function errorOf(json: unknown): ErrorBody['error'] {
  assert.ok(
    typeof json === 'object' && json !== null && 'error' in json,
    `not an error body: ${JSON.stringify(json)}`,
  );
  const { error } = json as ErrorBody;
  assert.equal(typeof error.code, 'string');
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0);
  return error;
}

async function paymentCount(q: Quittance): Promise<number> {
  const row = await q.engine.store.db
    .selectFrom('payments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const valid = { account: 'shop', orderRef: 'API-1', amount: { value: 1250, currency: 'EUR' } };

describe('the JSON API', () => {
  let q: Quittance;
  before(async () => {
    q = await startQuittance();
  });
  after(async () => {
    await q?.close();
  });

  describe('authentication', () => {
    for (const [name, auth] of [
      ['no Authorization header', null],
      ['an unknown key', 'Bearer not-a-key'],
      ['a key that only starts like a valid one', 'Bearer e2e_'],
      ['another scheme', 'Basic dXNlcjpwYXNz'],
      ['Bearer with no key', 'Bearer '],
    ] as const) {
      it(`${name}: 401 UNAUTHORIZED, nothing created`, async () => {
        const before = await paymentCount(q);
        const created = await api(q, 'POST', '/api/payments', valid, auth);
        assert.equal(created.status, 401);
        assert.match(created.headers.get('content-type') ?? '', /^application\/json/);
        assert.equal(errorOf(created.json).code, 'UNAUTHORIZED');
        assert.equal(await paymentCount(q), before);

        const read = await api(q, 'GET', '/api/payments/pay_00000000000000000000000000', undefined, auth);
        assert.equal(read.status, 401);
        assert.equal(errorOf(read.json).code, 'UNAUTHORIZED');
      });
    }

    it('the scheme name is case-insensitive', async () => {
      const { status } = await api(
        q,
        'POST',
        '/api/payments',
        { ...valid, orderRef: 'API-case' },
        `bearer ${q.apiKey}`,
      );
      assert.equal(status, 201);
    });
  });

  describe('POST /api/payments', () => {
    it('201 { id: pay_…, status: created, checkout: { method: POST, url, fields } }, stored as created', async () => {
      const { status, json, headers } = await api(q, 'POST', '/api/payments', valid);
      assert.equal(status, 201, JSON.stringify(json));
      assert.match(headers.get('content-type') ?? '', /^application\/json/);
      const body = json as {
        id: string;
        status: string;
        checkout: { method: string; url: string; fields: Record<string, string> };
      };
      assert.deepEqual(Object.keys(body).sort(), ['checkout', 'id', 'status']);
      assert.match(body.id, /^pay_[0-9a-z]{26}$/);
      assert.equal(body.status, 'created');
      assert.equal(body.checkout.method, 'POST');
      assert.equal(body.checkout.url, 'https://secure.lyra.com/vads-payment/');
      const { fields } = body.checkout;
      assert.equal(fields.vads_amount, '1250');
      assert.equal(fields.vads_currency, '978');
      assert.equal(fields.vads_order_id, 'API-1');
      assert.equal(fields.vads_ctx_mode, 'TEST');
      assert.equal(fields.vads_site_id, '12345678');
      assert.equal(fields.vads_url_check, `${q.url}/notify/shop`);
      assert.equal(fields.vads_url_return, `${q.url}/return/shop/${body.id}`);
      assert.match(fields.vads_trans_id ?? '', /^\d{6}$/);
      assert.ok(fields.signature, 'the form is signed');

      const stored = await paymentOf(q, body.id);
      assert.equal(stored.status, 'created');
      assert.equal(stored.accountId, 'shop');
      assert.equal(stored.orderRef, 'API-1');
      assert.deepEqual(stored.amount, { value: 1250, currency: 'EUR' });
      assert.deepEqual(stored.checkout, body.checkout);
    });

    it('two payments never share a Lyra trans id', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 5; i++) {
        const p = await createPayment(q);
        ids.add(p.checkout.fields.vads_trans_id ?? '');
      }
      assert.equal(ids.size, 5);
    });

    it('a body that is not JSON: 400 MALFORMED_BODY', async () => {
      const before = await paymentCount(q);
      const { status, json } = await api(q, 'POST', '/api/payments', '{"account": "shop",');
      assert.equal(status, 400);
      assert.equal(errorOf(json).code, 'MALFORMED_BODY');
      assert.equal(await paymentCount(q), before);
    });

    const invalid: ReadonlyArray<[string, unknown, string]> = [
      ['no account', { orderRef: 'X', amount: { value: 1, currency: 'EUR' } }, 'account'],
      ['no orderRef', { account: 'shop', amount: { value: 1, currency: 'EUR' } }, 'orderRef'],
      ['no amount', { account: 'shop', orderRef: 'X' }, 'amount'],
      ['an extra field', { ...valid, coupon: 'FREE' }, ''],
      ['an extra amount field', { ...valid, amount: { value: 1, currency: 'EUR', tax: 0 } }, 'amount'],
      ['a fractional amount', { ...valid, amount: { value: 12.5, currency: 'EUR' } }, 'amount.value'],
      ['a negative amount', { ...valid, amount: { value: -1, currency: 'EUR' } }, 'amount.value'],
      ['an amount as a string', { ...valid, amount: { value: '1250', currency: 'EUR' } }, 'amount.value'],
      ['a lower-case currency', { ...valid, amount: { value: 1250, currency: 'eur' } }, 'amount.currency'],
      ['an orderRef of 65 characters', { ...valid, orderRef: 'x'.repeat(65) }, 'orderRef'],
      ['a JSON array', [valid], ''],
      ['JSON null', null, ''],
    ];
    for (const [name, body, field] of invalid) {
      it(`${name}: 400 VALIDATION_FAILED naming the field`, async () => {
        const before = await paymentCount(q);
        const { status, json } = await api(q, 'POST', '/api/payments', JSON.stringify(body));
        assert.equal(status, 400, JSON.stringify(json));
        const error = errorOf(json);
        assert.equal(error.code, 'VALIDATION_FAILED');
        const issues = error.details?.issues;
        assert.ok(Array.isArray(issues) && issues.length > 0, 'details.issues lists what is wrong');
        assert.ok(
          issues.some((i) => i.field === field),
          `an issue names "${field}": ${JSON.stringify(issues)}`,
        );
        assert.equal(await paymentCount(q), before);
      });
    }

    it('an orderRef with non-ASCII characters: 400 VALIDATION_FAILED', async () => {
      const before = await paymentCount(q);
      const { status, json } = await api(q, 'POST', '/api/payments', { ...valid, orderRef: 'commande-é' });
      assert.equal(status, 400);
      assert.equal(errorOf(json).code, 'VALIDATION_FAILED');
      assert.equal(await paymentCount(q), before);
    });

    it('an unknown account: 404 UNKNOWN_ACCOUNT', async () => {
      const before = await paymentCount(q);
      const { status, json } = await api(q, 'POST', '/api/payments', { ...valid, account: 'nope' });
      assert.equal(status, 404);
      assert.equal(errorOf(json).code, 'UNKNOWN_ACCOUNT');
      assert.equal(await paymentCount(q), before);
    });

    for (const currency of ['XXX', 'KUDOS']) {
      it(`a currency Lyra does not take (${currency}): 400 UNSUPPORTED_CURRENCY`, async () => {
        const before = await paymentCount(q);
        const { status, json } = await api(q, 'POST', '/api/payments', {
          ...valid,
          amount: { value: 100, currency },
        });
        assert.equal(status, 400);
        assert.equal(errorOf(json).code, 'UNSUPPORTED_CURRENCY');
        assert.equal(await paymentCount(q), before);
      });
    }
  });

  describe('GET /api/payments/:id', () => {
    it('an unknown id: 404 NOT_FOUND', async () => {
      const { status, json } = await api(q, 'GET', '/api/payments/pay_00000000000000000000000000');
      assert.equal(status, 404);
      assert.equal(errorOf(json).code, 'NOT_FOUND');
    });

    it('shows the payment with every signal: source, status, settlement, time', async () => {
      const payment = await createPayment(q, { amount: 700 });
      const first = await notify(q, 'shop', lyraFields(payment, 'AUTHORISED'));
      const again = await notify(q, 'shop', lyraFields(payment, 'AUTHORISED'));
      assert.equal(first.status, 200);
      assert.equal(again.status, 200);

      const { status, json } = await api(q, 'GET', `/api/payments/${payment.id}`);
      assert.equal(status, 200);
      const view = json as {
        id: string;
        orderRef: string;
        account: string;
        amount: { value: number; currency: string };
        status: string;
        gatewayRef: string | null;
        needsReview: boolean;
        createdAt: string;
        updatedAt: string;
        signals: Array<Record<string, unknown>>;
      };
      assert.equal(view.id, payment.id);
      assert.equal(view.orderRef, payment.orderRef);
      assert.equal(view.account, 'shop');
      assert.deepEqual(view.amount, { value: 700, currency: 'EUR' });
      assert.equal(view.status, 'authorized');
      assert.equal(view.needsReview, false);
      assert.ok(view.gatewayRef);
      assert.ok(!Number.isNaN(Date.parse(view.createdAt)));
      assert.equal(view.signals.length, 2);
      assert.deepEqual(
        view.signals.map((s) => [s.source, s.status, s.settlement, s.inboxId]),
        [
          ['notification', 'authorized', 'applied', first.inboxId],
          ['notification', 'authorized', 'duplicate', again.inboxId],
        ],
      );
      for (const s of view.signals) {
        assert.match(String(s.id), /^sig_/);
        assert.equal(s.gatewayStatus, 'AUTHORISED');
        assert.equal(typeof s.reason, 'string');
        assert.match(String(s.at), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
      }
    });
  });

  describe('other routes', () => {
    it('GET /healthz: 200 { status: ok }', async () => {
      const { status, json } = await api(q, 'GET', '/healthz', undefined, null);
      assert.equal(status, 200);
      assert.equal((json as { status: string }).status, 'ok');
    });

    for (const [method, path] of [
      ['GET', '/nothing-here'],
      ['POST', '/notify'],
      ['GET', '/return/shop'],
      ['DELETE', '/return/shop/pay_00000000000000000000000000'],
    ] as const) {
      it(`${method} ${path}: 404 JSON NOT_FOUND`, async () => {
        const { status, json } = await api(q, method, path, undefined, null);
        assert.equal(status, 404);
        assert.equal(errorOf(json).code, 'NOT_FOUND');
      });
    }

    it('an unknown route under /api with a valid key: 404 JSON NOT_FOUND', async () => {
      const { status, json } = await api(q, 'GET', '/api/nothing-here');
      assert.equal(status, 404);
      assert.equal(errorOf(json).code, 'NOT_FOUND');
    });
  });
});
