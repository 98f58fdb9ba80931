import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { money } from '../../core/index.js';
import type { CheckoutRequest, GatewayAccount, StatusAnswer, StatusQuery } from '../gateway.js';
import { lyraMerchantRef } from './checkout.js';
import type { LyraCredentials } from './credentials.js';
import { checkoutRequest, testAccount, transUuid, withCredentials } from './fixtures/notification.js';
import {
  type FetchCall,
  fakeFetch,
  jsonResponse,
  restError,
  restOrder,
  restSuccess,
  restTransaction,
} from './fixtures/rest.js';
import { lyra } from './index.js';

const PASSWORD = testAccount.credentials.restPassword as string;
const request = checkoutRequest();
const UUID = transUuid(request);

function query(req: CheckoutRequest = request, gatewayRef: string | null = null): StatusQuery {
  return {
    paymentId: req.paymentId,
    orderRef: req.orderRef,
    merchantRef: req.merchantRef,
    gatewayRef,
    amount: req.amount,
    createdAt: req.now,
  };
}

async function ask(
  answer: (call: FetchCall) => Response | Promise<Response>,
  options: {
    account?: GatewayAccount<LyraCredentials>;
    query?: StatusQuery;
    signal?: AbortSignal;
  } = {},
): Promise<{ result: StatusAnswer; calls: FetchCall[] }> {
  const fake = fakeFetch(answer);
  const fetchStatus = lyra.fetchStatus;
  assert.ok(fetchStatus, 'the Lyra adapter has fetchStatus');
  const result = await fetchStatus(options.account ?? testAccount, options.query ?? query(), {
    fetch: fake.fetch,
    signal: options.signal ?? new AbortController().signal,
    now: new Date('2026-03-14T23:30:00Z'),
  });
  return { result, calls: fake.calls };
}

function assertFailed(result: StatusAnswer, retryable: boolean, pattern?: RegExp): void {
  assert.equal(result.kind, 'failed', JSON.stringify(result));
  if (result.kind !== 'failed') return;
  assert.equal(result.code, 'GATEWAY_UNAVAILABLE');
  assert.equal(result.retryable, retryable, result.reason);
  if (pattern) assert.match(result.reason, pattern);
  assert.ok(!result.reason.includes(PASSWORD), 'the password never appears in a reason');
}

/** Another payment of the same order: the next trans id of the day, made a minute later. */
const other = checkoutRequest({
  paymentId: 'pay_other',
  dailySequence: 43,
  now: new Date(request.now.getTime() + 60_000),
});

describe('Lyra fetchStatus: Transaction/Get (the uuid is known)', () => {
  it('asks Transaction/Get with Basic auth, a JSON body and the caller signal, and maps the transaction', async () => {
    const controller = new AbortController();
    const { result, calls } = await ask(
      () => jsonResponse(restSuccess('Transaction/Get', restTransaction(request, 'CAPTURED'))),
      { query: query(request, UUID), signal: controller.signal },
    );
    assert.equal(calls.length, 1);
    const [call] = calls;
    assert.ok(call);
    assert.equal(call.url, 'https://api.lyra.com/api-payment/V4/Transaction/Get');
    assert.equal(call.method, 'POST');
    assert.equal(
      call.headers.get('authorization'),
      `Basic ${Buffer.from(`12345678:${PASSWORD}`).toString('base64')}`,
    );
    assert.equal(call.headers.get('content-type'), 'application/json');
    assert.equal(call.headers.get('accept'), 'application/json');
    assert.deepEqual(call.body, { uuid: UUID });
    assert.equal(call.signal, controller.signal);
    assert.equal(call.redirect, 'manual');

    assert.deepEqual(result, {
      kind: 'found',
      signals: [
        {
          source: 'poll',
          status: 'captured',
          amount: money(1250, 'EUR'),
          gatewayRef: UUID,
          gatewayStatus: 'CAPTURED',
          lookup: { merchantRef: request.merchantRef, gatewayRef: UUID },
          facts: { status: 'PAID', detailedStatus: 'CAPTURED', operationType: 'DEBIT' },
        },
      ],
    });
  });

  for (const [word, expected] of [
    ['AUTHORISED', 'authorized'],
    ['AUTHORISED_TO_VALIDATE', 'authorized'],
    ['WAITING_AUTHORISATION', 'pending'],
    ['REFUSED', 'refused'],
    ['CANCELLED', 'cancelled'],
    ['EXPIRED', 'expired'],
    ['CAPTURE_FAILED', 'error'],
  ] as const) {
    it(`maps detailedStatus ${word} through the notification map: ${expected}`, async () => {
      const { result } = await ask(
        () => jsonResponse(restSuccess('Transaction/Get', restTransaction(request, word))),
        {
          query: query(request, UUID),
        },
      );
      assert.equal(result.kind, 'found');
      assert.equal(result.kind === 'found' && result.signals[0]?.status, expected);
    });
  }

  it('keeps the refusal codes as facts', async () => {
    const { result } = await ask(
      () => jsonResponse(restSuccess('Transaction/Get', restTransaction(request, 'REFUSED'))),
      { query: query(request, UUID) },
    );
    assert.ok(result.kind === 'found');
    assert.deepEqual(result.signals[0]?.facts, {
      status: 'UNPAID',
      detailedStatus: 'REFUSED',
      operationType: 'DEBIT',
      errorCode: 'ACQ_001',
      detailedErrorCode: '05',
    });
  });

  it('leaves an unknown detailedStatus pending, with a note for a person', async () => {
    const { result } = await ask(
      () => jsonResponse(restSuccess('Transaction/Get', restTransaction(request, 'BRAND_NEW_STATUS'))),
      { query: query(request, UUID) },
    );
    assert.ok(result.kind === 'found');
    assert.equal(result.signals[0]?.status, 'pending');
    assert.match(result.signals[0]?.note ?? '', /BRAND_NEW_STATUS/);
  });

  it('reports the amount Lyra holds, so that core can flag a wrong one', async () => {
    const { result } = await ask(
      () =>
        jsonResponse(
          restSuccess('Transaction/Get', restTransaction(request, 'AUTHORISED', { amount: 1251 })),
        ),
      { query: query(request, UUID) },
    );
    assert.ok(result.kind === 'found');
    assert.deepEqual(result.signals[0]?.amount, money(1251, 'EUR'));
  });

  it('says nothing to apply about a refund (CREDIT) transaction', async () => {
    const { result } = await ask(
      () =>
        jsonResponse(
          restSuccess('Transaction/Get', restTransaction(request, 'CAPTURED', { operationType: 'CREDIT' })),
        ),
      { query: query(request, UUID) },
    );
    assert.deepEqual(result, { kind: 'found', signals: [] });
  });

  it('refuses a transaction Lyra files under another order', async () => {
    const tx = restTransaction(request, 'CAPTURED', { orderDetails: { orderId: 'ORDER-9999' } });
    const { result } = await ask(() => jsonResponse(restSuccess('Transaction/Get', tx)), {
      query: query(request, UUID),
    });
    assertFailed(result, false, /ORDER-9999/);
  });

  it('PSP_010 (transaction not found) is not-found', async () => {
    const { result } = await ask(
      () => jsonResponse(restError('Transaction/Get', 'PSP_010', 'transaction not found')),
      { query: query(request, UUID) },
    );
    assert.equal(result.kind, 'not-found');
    assert.match(result.kind === 'not-found' ? result.reason : '', /PSP_010 transaction not found/);
  });
});

describe('Lyra fetchStatus: Order/Get (no uuid yet)', () => {
  it('asks Order/Get with the order id and keeps only this payment’s transaction', async () => {
    const { result, calls } = await ask(() =>
      jsonResponse(
        restOrder(request.orderRef, [
          restTransaction(other, 'REFUSED'),
          restTransaction(request, 'AUTHORISED'),
          // Same trans id, another UTC day: another payment.
          restTransaction(request, 'CAPTURED', {
            uuid: 'f'.repeat(32),
            transactionDetails: {
              cardDetails: {
                legacyTransId: request.merchantRef.slice(9),
                legacyTransDate: '2026-03-13T10:00:00+00:00',
              },
            },
          }),
          // A refund of this payment: not a payment signal.
          restTransaction(request, 'CAPTURED', { uuid: 'c'.repeat(32), operationType: 'CREDIT' }),
        ]),
      ),
    );
    assert.equal(calls[0]?.url, 'https://api.lyra.com/api-payment/V4/Order/Get');
    assert.deepEqual(calls[0]?.body, { orderId: request.orderRef });
    assert.ok(result.kind === 'found', JSON.stringify(result));
    assert.deepEqual(
      result.signals.map((s) => [
        s.gatewayRef,
        s.status,
        s.source,
        s.lookup.merchantRef,
        s.lookup.gatewayRef,
      ]),
      [[UUID, 'authorized', 'poll', request.merchantRef, UUID]],
    );
  });

  it('matches the trans id case-insensitively and reads a form-style trans date', async () => {
    const req = checkoutRequest({ merchantRef: '20260314-00a4b2' });
    const tx = restTransaction(req, 'CAPTURED', {
      transactionDetails: { cardDetails: { legacyTransId: '00A4B2', legacyTransDate: '20260314230509' } },
    });
    const { result } = await ask(() => jsonResponse(restOrder(req.orderRef, [tx])), { query: query(req) });
    assert.ok(result.kind === 'found');
    assert.equal(result.signals.length, 1);
  });

  it('reads the legacy ids under paymentMethodDetails when cardDetails has none', async () => {
    const tx = restTransaction(request, 'CAPTURED', {
      transactionDetails: {
        paymentMethodDetails: {
          legacyTransId: request.merchantRef.slice(9),
          legacyTransDate: request.now.toISOString(),
        },
      },
    });
    const stranger = restTransaction(other, 'CAPTURED', {
      uuid: 'a'.repeat(32),
      transactionDetails: { paymentMethodDetails: { legacyTransId: other.merchantRef.slice(9) } },
    });
    const { result } = await ask(() => jsonResponse(restOrder(request.orderRef, [stranger, tx])));
    assert.ok(result.kind === 'found');
    assert.deepEqual(
      result.signals.map((s) => s.gatewayRef),
      [UUID],
    );
  });

  it('without legacy ids, matches on amount, currency and a creation time not before the payment', async () => {
    const bare = (req: CheckoutRequest, status: string, overrides: Record<string, unknown>) =>
      restTransaction(req, status, { transactionDetails: { sequenceNumber: 1 }, ...overrides });
    const before = new Date(request.now.getTime() - 10 * 60_000).toISOString();
    const { result } = await ask(() =>
      jsonResponse(
        restOrder(request.orderRef, [
          bare(request, 'CAPTURED', { uuid: '1'.repeat(32), creationDate: before }),
          bare(request, 'CAPTURED', { uuid: '2'.repeat(32), amount: 999 }),
          bare(request, 'CAPTURED', { uuid: '3'.repeat(32), currency: 'USD' }),
          bare(request, 'CAPTURED', { uuid: '4'.repeat(32), creationDate: null }),
          bare(request, 'AUTHORISED', {}),
        ]),
      ),
    );
    assert.ok(result.kind === 'found', JSON.stringify(result));
    assert.deepEqual(
      result.signals.map((s) => s.gatewayRef),
      [UUID],
    );
  });

  it('tolerates a few minutes of clock skew between us and Lyra', async () => {
    const skewed = new Date(request.now.getTime() - 2 * 60_000).toISOString();
    const tx = restTransaction(request, 'AUTHORISED', { transactionDetails: {}, creationDate: skewed });
    const { result } = await ask(() => jsonResponse(restOrder(request.orderRef, [tx])));
    assert.ok(result.kind === 'found');
    assert.equal(result.signals.length, 1);
  });

  it('a refused attempt then a paid one: the paid one decides', async () => {
    const at = (ms: number) => new Date(request.now.getTime() + ms).toISOString();
    const attempt = (uuid: string, status: string, ms: number) =>
      restTransaction(request, status, { uuid, transactionDetails: {}, creationDate: at(ms) });
    const { result } = await ask(() =>
      jsonResponse(
        restOrder(request.orderRef, [
          attempt('2'.repeat(32), 'AUTHORISED', 90_000),
          attempt('1'.repeat(32), 'REFUSED', 30_000),
        ]),
      ),
    );
    assert.ok(result.kind === 'found');
    assert.deepEqual(
      result.signals.map((s) => [s.gatewayRef, s.status]),
      [['2'.repeat(32), 'authorized']],
    );
  });

  it('two paid transactions for one payment: both, so that core flags the double payment', async () => {
    const at = (ms: number) => new Date(request.now.getTime() + ms).toISOString();
    const attempt = (uuid: string, ms: number) =>
      restTransaction(request, 'CAPTURED', { uuid, transactionDetails: {}, creationDate: at(ms) });
    const { result } = await ask(() =>
      jsonResponse(
        restOrder(request.orderRef, [attempt('b'.repeat(32), 90_000), attempt('a'.repeat(32), 30_000)]),
      ),
    );
    assert.ok(result.kind === 'found');
    assert.deepEqual(
      result.signals.map((s) => s.gatewayRef),
      ['a'.repeat(32), 'b'.repeat(32)],
    );
  });

  it('only failed attempts: the latest one says where the payment stands', async () => {
    const at = (ms: number) => new Date(request.now.getTime() + ms).toISOString();
    const attempt = (uuid: string, status: string, ms: number) =>
      restTransaction(request, status, { uuid, transactionDetails: {}, creationDate: at(ms) });
    const { result } = await ask(() =>
      jsonResponse(
        restOrder(request.orderRef, [
          attempt('2'.repeat(32), 'CANCELLED', 90_000),
          attempt('1'.repeat(32), 'REFUSED', 30_000),
        ]),
      ),
    );
    assert.ok(result.kind === 'found');
    assert.deepEqual(
      result.signals.map((s) => [s.gatewayRef, s.status]),
      [['2'.repeat(32), 'cancelled']],
    );
  });

  it('an order whose transactions are all another payment’s: not-found', async () => {
    const { result } = await ask(() =>
      jsonResponse(restOrder(request.orderRef, [restTransaction(other, 'CAPTURED')])),
    );
    assert.equal(result.kind, 'not-found');
    assert.match(result.kind === 'not-found' ? result.reason : '', /none of its 1 transaction/);
  });

  it('PSP_010 for the order: not-found, the customer never paid', async () => {
    const { result } = await ask(() =>
      jsonResponse(restError('Order/Get', 'PSP_010', 'transaction not found')),
    );
    assert.equal(result.kind, 'not-found');
    assert.match(result.kind === 'not-found' ? result.reason : '', /ORDER-1042.*PSP_010/);
  });

  it('an answer without a transactions list, or with an unreadable transaction, cannot be read', async () => {
    const none = await ask(() => jsonResponse(restSuccess('Order/Get', { orderId: request.orderRef })));
    assertFailed(none.result, false, /no transactions list/);
    const bad = await ask(() =>
      jsonResponse(restOrder(request.orderRef, [restTransaction(request, 'CAPTURED', { amount: '12.50' })])),
    );
    assertFailed(bad.result, false, /not a whole number/);
    const noCurrency = await ask(() =>
      jsonResponse(restOrder(request.orderRef, [restTransaction(request, 'CAPTURED', { currency: 978 })])),
    );
    assertFailed(noCurrency.result, false, /currency/);
    const noUuid = await ask(() =>
      jsonResponse(restOrder(request.orderRef, [restTransaction(request, 'CAPTURED', { uuid: null })])),
    );
    assertFailed(noUuid.result, false, /no uuid/);
  });
});

describe('Lyra fetchStatus: where and with what', () => {
  for (const [brand, url] of [
    ['payzen', 'https://api.payzen.eu/api-payment/V4/Order/Get'],
    ['systempay', 'https://api.systempay.fr/api-payment/V4/Order/Get'],
    ['sogecommerce', 'https://api-sogecommerce.societegenerale.eu/api-payment/V4/Order/Get'],
  ] as const) {
    it(`asks the ${brand} REST API`, async () => {
      const { calls } = await ask(
        () => jsonResponse(restError('Order/Get', 'PSP_010', 'transaction not found')),
        {
          account: withCredentials(testAccount, { brand }),
        },
      );
      assert.equal(calls[0]?.url, url);
    });
  }

  it('asks restUrl when given, with or without its final slash', async () => {
    for (const restUrl of ['http://127.0.0.1:4010/api-payment/V4/', 'http://127.0.0.1:4010/api-payment/V4']) {
      const { calls } = await ask(
        () => jsonResponse(restError('Order/Get', 'PSP_010', 'transaction not found')),
        {
          account: withCredentials(testAccount, { restUrl }),
        },
      );
      assert.equal(calls[0]?.url, 'http://127.0.0.1:4010/api-payment/V4/Order/Get');
    }
  });

  it('without a REST password, says what to add and asks nothing', async () => {
    const { restPassword: _, ...credentials } = testAccount.credentials;
    const { result, calls } = await ask(() => assert.fail('no call without a password'), {
      account: { ...testAccount, credentials },
    });
    assert.equal(calls.length, 0);
    assertFailed(result, false, /^no REST password configured: add credentials\.restPassword/);
    assert.match(result.kind === 'failed' ? result.reason : '', /testpassword_…/);
  });

  it('refuses a password of the other mode before asking', async () => {
    const live = {
      ...withCredentials(testAccount, { restPassword: 'testpassword_abc' }),
      mode: 'live' as const,
    };
    const one = await ask(() => assert.fail('no call'), { account: live });
    assertFailed(one.result, false, /TEST REST password.*prodpassword_/);
    assert.equal(one.calls.length, 0);
    const test = withCredentials(testAccount, { restPassword: 'prodpassword_abc' });
    const two = await ask(() => assert.fail('no call'), { account: test });
    assertFailed(two.result, false, /PRODUCTION REST password.*testpassword_/);
  });
});

describe('Lyra fetchStatus: failures', () => {
  for (const status of [401, 403]) {
    it(`HTTP ${status}: bad credentials, not retryable`, async () => {
      const { result } = await ask(() =>
        jsonResponse(restError('Order/Get', 'INT_905', 'invalid login or private key'), status),
      );
      assertFailed(result, false, new RegExp(`HTTP ${status}, INT_905.*restPassword`));
    });
  }

  it('HTTP 401 without a JSON body: bad credentials too', async () => {
    const { result } = await ask(() => new Response('Unauthorized', { status: 401 }));
    assertFailed(result, false, /HTTP 401\).*restPassword/);
  });

  it('INT_905 in a 200 answer: bad credentials, not retryable', async () => {
    const { result } = await ask(() =>
      jsonResponse(restError('Order/Get', 'INT_905', 'invalid login or private key')),
    );
    assertFailed(result, false, /INT_905 invalid login or private key.*credentials\.siteId 12345678/);
  });

  it('another INT_ error is ours: not retryable', async () => {
    const { result } = await ask(() =>
      jsonResponse(restError('Order/Get', 'INT_902', 'web-service input data validation error')),
    );
    assertFailed(result, false, /INT_902/);
  });

  it('a PSP_ error other than PSP_010: retryable', async () => {
    const { result } = await ask(() => jsonResponse(restError('Order/Get', 'PSP_999', 'technical error')));
    assertFailed(result, true, /PSP_999 technical error/);
  });

  for (const status of [500, 502, 503, 504, 429, 408]) {
    it(`HTTP ${status}: retryable`, async () => {
      const { result } = await ask(() => new Response('<html>down</html>', { status }));
      assertFailed(result, true, new RegExp(`HTTP ${status}`));
    });
  }

  it('a network error: retryable, with the socket error', async () => {
    const { result } = await ask(() => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
      });
    });
    assertFailed(result, true, /could not be reached \(fetch failed: ECONNREFUSED\)/);
  });

  it('a timeout (the caller aborts the signal): retryable', async () => {
    const controller = new AbortController();
    const { result } = await ask(
      (call) =>
        new Promise<Response>((_, reject) => {
          call.signal?.addEventListener('abort', () => reject(call.signal?.reason), { once: true });
          setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), 5);
        }),
      { signal: controller.signal },
    );
    assertFailed(result, true, /did not answer in time/);
  });

  it('a signal aborted while the body is read: retryable', async () => {
    const controller = new AbortController();
    const { result } = await ask(
      () => {
        const body = new ReadableStream({
          start(stream) {
            controller.signal.addEventListener('abort', () => stream.error(controller.signal.reason));
          },
        });
        setTimeout(() => controller.abort(), 5);
        return new Response(body, { status: 200 });
      },
      { signal: controller.signal },
    );
    assertFailed(result, true, /did not answer in time/);
  });

  it('a redirect, or a 200 or 404 that is not a Lyra answer: a wrong restUrl, not retryable', async () => {
    const redirect = await ask(
      () => new Response(null, { status: 302, headers: { location: 'https://x.example/' } }),
    );
    assertFailed(redirect.result, false, /redirect.*restUrl/);
    const html = await ask(() => new Response('<html>shop</html>', { status: 200 }));
    assertFailed(html.result, false, /not a Lyra REST answer.*restUrl/);
    const missing = await ask(() => new Response('no such page', { status: 404 }));
    assertFailed(missing.result, false, /HTTP 404.*restUrl/);
    const odd = await ask(() => jsonResponse({ status: 'MAYBE', answer: {} }));
    assertFailed(odd.result, false, /restUrl/);
  });

  it('never puts the password in a reason, even when Lyra echoes it', async () => {
    const echo = `${PASSWORD} is not valid`;
    for (const [body, status] of [
      [restError('Order/Get', 'INT_905', echo), 200],
      [restError('Order/Get', 'INT_902', echo), 200],
      [restError('Order/Get', 'PSP_999', echo), 200],
      [restError('Order/Get', PASSWORD, echo), 200],
      [restError('Order/Get', 'PSP_010', echo), 200],
      [restError('Order/Get', PASSWORD, echo), 401],
    ] as const) {
      const { result } = await ask(() => jsonResponse(body, status));
      const reason = result.kind === 'found' ? '' : result.reason;
      assert.ok(reason.length > 0);
      assert.ok(!reason.includes(PASSWORD), reason);
    }
  });
});

describe('Lyra abandonedAfterMs', () => {
  it('outlasts the 60-minute vads_trans_date warning threshold plus the 10-minute payment session', () => {
    assert.ok(lyra.abandonedAfterMs >= 70 * 60_000);
    assert.equal(lyra.abandonedAfterMs, 2 * 60 * 60_000);
  });

  it('uses the reference of the day it was made (merchantRef day) for matching', () => {
    // Guard for the fixture the matching tests rely on: merchantRef = YYYYMMDD-<trans id>.
    assert.equal(lyraMerchantRef({ now: request.now, dailySequence: 42 }), request.merchantRef);
  });
});
