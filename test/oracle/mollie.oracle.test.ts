import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createMollieClient, type Payment } from '@mollie/api-client';
import fc from 'fast-check';
import type { PaymentStatus } from '../../src/core/index.js';
import type { GatewayAccount, StatusAnswer } from '../../src/gateways/gateway.js';
import type { MollieCredentials } from '../../src/gateways/mollie/credentials.js';
import { mollie } from '../../src/gateways/mollie/index.js';
import { payAsCustomer } from '../../src/simulator/mollie/customer.js';
import { startMollieSimulator } from '../../src/simulator/mollie/server.js';
import type { MollieSimulator } from '../../src/simulator/mollie/types.js';
import { leaf } from '../support/certificates.js';

/**
 * The official library as an independent oracle (devDependency only; src/ never imports it): for random payment
 * objects shaped as Mollie documents them (docs.mollie.com/reference/get-payment: every status, amounts in each
 * currency's digits, refunds, chargebacks, both modes, any metadata), served by ONE local stub, what our `fetchBack`
 * reads agrees with what @mollie/api-client 4.6.0 makes of the same answer through `payments.get(id)`. The expected
 * statuses are derived here, from the official object's fields, independently of src/gateways/mollie/map.ts.
 *
 * The official client only speaks HTTPS (it hands node-fetch an https.Agent), so the stub is HTTPS with a throw-away
 * self-signed certificate made in the test (test/support/certificates.ts), and certificate checks are off in this test
 * process only.
 */
const NUM_RUNS = 1000;
const KEYS = { test: `test_${'o'.repeat(30)}`, live: `live_${'o'.repeat(30)}` } as const;
const DIGITS: Readonly<Record<string, number>> = { EUR: 2, USD: 2, GBP: 2, CHF: 2, JPY: 0, ISK: 0, SEK: 2 };
const STATUSES = ['open', 'pending', 'authorized', 'paid', 'canceled', 'expired', 'failed'] as const;

type Responder = (method: string, path: string, body: string) => Promise<{ status: number; json: unknown }>;
let respond: Responder = async () => ({ status: 500, json: {} });
let server: Server;
let base = '';

before(async () => {
  const { key, cert } = await leaf(undefined);
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      respond(req.method ?? 'GET', req.url ?? '/', Buffer.concat(chunks).toString('utf8')).then(
        ({ status, json }) => {
          res.writeHead(status, { 'content-type': 'application/hal+json' });
          res.end(JSON.stringify(json));
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const accountOf = (mode: 'test' | 'live'): GatewayAccount<MollieCredentials> => ({
  id: `oracle-${mode}`,
  gateway: 'mollie',
  mode,
  credentials: { apiKey: KEYS[mode], apiBase: base },
});
const officialClient = (mode: 'test' | 'live') =>
  createMollieClient({ apiKey: KEYS[mode], apiEndpoint: `${base}/v2/` });

/** Minor units → Mollie's decimal string with the currency's digits, written apart from src's amount.ts. */
function decimal(minor: number, currency: string): { value: string; currency: string } {
  const digits = DIGITS[currency] ?? 2;
  const text = String(minor).padStart(digits + 1, '0');
  return { currency, value: digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}` };
}
/** A decimal string back to minor units (exact: the value has exactly the currency's digits). */
const minorOf = (amount: { value: string } | undefined) =>
  amount ? Number(amount.value.replace('.', '')) : 0;

const paymentArb = fc
  .record({
    id: fc.stringMatching(/^tr_[A-Za-z0-9]{1,24}$/),
    mode: fc.constantFrom('test' as const, 'live' as const),
    status: fc.constantFrom(...STATUSES),
    currency: fc.constantFrom(...Object.keys(DIGITS)),
    amount: fc.integer({ min: 1, max: 100_000_000 }),
    refundedShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    chargedBackShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    fullRefund: fc.boolean(),
    metadata: fc.oneof(
      fc.constant(null),
      fc.record({ quittance_payment_id: fc.stringMatching(/^pay_[0-9a-z]{26}$/), order_ref: fc.string() }),
      fc.record({ quittance_payment_id: fc.oneof(fc.string({ maxLength: 80 }), fc.integer()) }),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    failureReason: fc.option(
      fc.constantFrom('card_declined', 'insufficient_funds', 'authentication_failed'),
      {
        nil: undefined,
      },
    ),
    withCheckout: fc.boolean(),
  })
  .map((p) => {
    const paid = p.status === 'paid';
    const refunded =
      paid && p.refundedShare !== undefined
        ? p.fullRefund
          ? p.amount
          : Math.floor(p.amount * p.refundedShare)
        : 0;
    const chargedBack =
      paid && p.chargedBackShare !== undefined ? Math.floor(p.amount * p.chargedBackShare) : 0;
    const self = `https://api.mollie.com/v2/payments/${p.id}`;
    return {
      resource: 'payment',
      id: p.id,
      mode: p.mode,
      createdAt: '2026-05-04T10:20:00+00:00',
      amount: decimal(p.amount, p.currency),
      description: 'Order ORACLE',
      method: paid ? 'creditcard' : null,
      metadata: p.metadata,
      status: p.status,
      isCancelable: p.status === 'open',
      profileId: 'pfl_oracle',
      sequenceType: 'oneoff',
      redirectUrl: 'https://quittance.example/return',
      ...(paid && {
        paidAt: '2026-05-04T10:21:00+00:00',
        amountRefunded: decimal(refunded, p.currency),
        amountRemaining: decimal(p.amount - refunded, p.currency),
      }),
      ...(chargedBack > 0 && { amountChargedBack: decimal(chargedBack, p.currency) }),
      ...(p.status === 'failed' &&
        p.failureReason !== undefined && { details: { failureReason: p.failureReason } }),
      _links: {
        self: { href: self, type: 'application/hal+json' },
        ...(p.withCheckout && {
          checkout: { href: `https://www.mollie.com/checkout/${p.id}`, type: 'text/html' },
        }),
        ...(refunded > 0 && { refunds: { href: `${self}/refunds`, type: 'application/hal+json' } }),
        ...(chargedBack > 0 && {
          chargebacks: { href: `${self}/chargebacks`, type: 'application/hal+json' },
        }),
        dashboard: { href: `https://my.mollie.com/dashboard/payments/${p.id}`, type: 'text/html' },
      },
    };
  });

/**
 * What quittance must conclude from the official reading, in our statuses: open decides nothing; paid is captured,
 * partially refunded or refunded by amountRefunded; a chargeback adds an `error` signal for a person.
 */
function expectedStatuses(official: Payment): PaymentStatus[] {
  const byStatus: Readonly<Record<string, PaymentStatus | null>> = {
    open: null,
    pending: 'pending',
    authorized: 'authorized',
    canceled: 'cancelled',
    expired: 'expired',
    failed: 'refused',
  };
  if (official.status !== 'paid') {
    const status = byStatus[official.status];
    return status ? [status] : [];
  }
  const amount = minorOf(official.amount);
  const refunded = minorOf(official.amountRefunded);
  const state: PaymentStatus =
    refunded > 0 && refunded >= amount ? 'refunded' : refunded > 0 ? 'partially_refunded' : 'captured';
  return minorOf(official.amountChargedBack) > 0 ? [state, 'error'] : [state];
}

async function ours(mode: 'test' | 'live', id: string): Promise<StatusAnswer> {
  assert.ok(mollie.fetchBack);
  return mollie.fetchBack(
    accountOf(mode),
    { kind: 'deferred', resource: id, lookup: { gatewayRef: id } },
    { fetch: globalThis.fetch, signal: AbortSignal.timeout(10_000), now: new Date() },
  );
}

describe('Mollie fetch-back against @mollie/api-client 4.6.0', () => {
  it(`reads every documented payment as the official client does (${NUM_RUNS} cases)`, async () => {
    let found = 0;
    let refused = 0;
    let notFound = 0;
    await fc.assert(
      fc.asyncProperty(
        paymentArb,
        fc.constantFrom('test' as const, 'live' as const),
        fc.integer({ min: 0, max: 19 }),
        async (object, accountMode, dice) => {
          const unknown = dice === 0;
          respond = async (method, path) => {
            assert.equal(method, 'GET');
            assert.equal(path, `/v2/payments/${object.id}`);
            return unknown
              ? {
                  status: 404,
                  json: {
                    status: 404,
                    title: 'Not Found',
                    detail: `No payment exists with token ${object.id}.`,
                  },
                }
              : { status: 200, json: object };
          };
          const answer = await ours(accountMode, object.id);
          let official: Payment;
          try {
            official = await officialClient(accountMode).payments.get(object.id);
          } catch (error) {
            assert.ok(unknown, String(error));
            assert.equal((error as { statusCode?: number }).statusCode, 404);
            assert.equal(answer.kind, 'not-found', JSON.stringify(answer));
            notFound += 1;
            return;
          }
          assert.ok(!unknown);
          if (official.mode !== accountMode) {
            assert.ok(
              answer.kind === 'failed' && answer.code === 'MODE_MISMATCH' && !answer.retryable,
              JSON.stringify(answer),
            );
            refused += 1;
            return;
          }
          assert.equal(answer.kind, 'found', JSON.stringify(answer));
          if (answer.kind !== 'found') return;
          found += 1;
          assert.deepEqual(
            answer.signals.map((s) => s.status),
            expectedStatuses(official),
            `${official.status} ${JSON.stringify(official.amountRefunded)} ${JSON.stringify(official.amountChargedBack)}`,
          );
          const ourId =
            typeof (official.metadata as { quittance_payment_id?: unknown } | null)?.quittance_payment_id ===
            'string'
              ? (official.metadata as { quittance_payment_id: string }).quittance_payment_id
              : undefined;
          for (const signal of answer.signals) {
            assert.equal(signal.source, 'notification');
            assert.equal(signal.gatewayRef, official.id);
            assert.deepEqual(signal.amount, {
              value: minorOf(official.amount),
              currency: official.amount.currency,
            });
            assert.equal(
              signal.lookup.paymentId,
              ourId !== undefined && ourId.length > 0 && ourId.length <= 64 ? ourId : undefined,
            );
            assert.equal(signal.facts?.mode, official.mode);
            assert.equal(Number(signal.facts?.amount_refunded ?? 0), minorOf(official.amountRefunded));
          }
          // The official helpers agree with what the amounts say.
          assert.equal(official.hasRefunds(), minorOf(official.amountRefunded) > 0);
          assert.equal(official.hasChargebacks(), minorOf(official.amountChargedBack) > 0);
          assert.equal(official.canBeRefunded(), official.amountRemaining !== undefined);
        },
      ),
      { numRuns: NUM_RUNS },
    );
    // Every branch was exercised, not only the common one.
    assert.ok(
      found > 300 && refused > 200 && notFound > 10,
      `found ${found}, mode refused ${refused}, 404 ${notFound}`,
    );
  });

  describe('the simulator speaks the shape the official client reads', () => {
    let sim: MollieSimulator;
    before(async () => {
      sim = await startMollieSimulator({ apiKeys: [KEYS.test], retries: false, seed: 5 });
      // The stub forwards to the (plain HTTP) simulator, so the official client talks to it through TLS.
      respond = async (method, path, body) => {
        const res = await fetch(`${sim.apiBase}${path}`, {
          method,
          headers: { authorization: `Bearer ${KEYS.test}`, 'content-type': 'application/json' },
          ...(method === 'POST' && { body }),
        });
        return { status: res.status, json: await res.json() };
      };
    });
    after(() => sim.close());

    it('payments.create is accepted, payments.get reads every outcome, and our reading agrees', async () => {
      const client = officialClient('test');
      for (const scenario of ['paid', 'failed', 'canceled', 'expired', 'authorized'] as const) {
        const created = await client.payments.create({
          amount: { currency: 'EUR', value: '12.50' },
          description: `Oracle ${scenario}`,
          redirectUrl: 'http://127.0.0.1:9/return',
          metadata: { quittance_payment_id: `pay_oracle_${scenario}` },
        });
        assert.equal(created.status, 'open');
        assert.equal(created.mode, 'test');
        const checkout = created.getCheckoutUrl();
        assert.ok(checkout, 'an open payment has a checkout link');
        await payAsCustomer({ checkout: { method: 'GET', url: checkout }, scenario, followReturn: false });
        const fetched = await client.payments.get(created.id);
        assert.equal(fetched.status, scenario);
        assert.deepEqual(fetched.amount, { currency: 'EUR', value: '12.50' });
        assert.deepEqual(fetched.metadata, { quittance_payment_id: `pay_oracle_${scenario}` });
        assert.equal(fetched.getCheckoutUrl(), null, 'no checkout link once decided');
        const answer = await ours('test', created.id);
        assert.ok(answer.kind === 'found', JSON.stringify(answer));
        assert.deepEqual(
          answer.signals.map((s) => s.status),
          expectedStatuses(fetched),
        );
      }
      // A refund through the official client, then the payment as it reads it.
      const paid = sim.payments().find((p) => p.status === 'paid');
      assert.ok(paid);
      const refund = await client.paymentRefunds.create({
        paymentId: paid.id,
        amount: { currency: 'EUR', value: '2.50' },
      });
      assert.equal(refund.paymentId, paid.id);
      const refunded = await client.payments.get(paid.id);
      assert.deepEqual(refunded.amountRefunded, { currency: 'EUR', value: '2.50' });
      assert.deepEqual(refunded.amountRemaining, { currency: 'EUR', value: '10.00' });
      assert.equal(refunded.hasRefunds(), true);
      const after = await ours('test', paid.id);
      assert.ok(after.kind === 'found');
      assert.deepEqual(
        after.signals.map((x) => x.status),
        expectedStatuses(refunded),
      );
      assert.deepEqual(expectedStatuses(refunded), ['partially_refunded']);
      await assert.rejects(
        client.payments.get('tr_unknown0000'),
        (e: { statusCode?: number }) => e.statusCode === 404,
      );
    });
  });
});
