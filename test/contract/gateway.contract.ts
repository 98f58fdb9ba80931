import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Money, PaymentStatus } from '../../src/core/index.js';
import { money } from '../../src/core/index.js';
import type {
  CheckoutRequest,
  DeferredCheck,
  GatewayAccount,
  GatewayAdapter,
  GatewayReply,
  NotificationCheck,
  RawRequest,
  ReplyOutcome,
  StatusAnswer,
  StatusIo,
  StatusQuery,
  Verdict,
} from '../../src/gateways/gateway.js';

/**
 * What every gateway adapter must do, whatever its protocol. An adapter's test calls `testGatewayContract` with an
 * account and a way to forge the gateway's messages; protocol details (field names, algorithms) stay in the options.
 */
export interface GatewayContractOptions<Credentials> {
  readonly adapter: GatewayAdapter<Credentials, Verdict>;
  /** An account in the shape `adapter.credentialsSchema` outputs (defaults applied). */
  readonly account: GatewayAccount<Credentials>;
  /** Gateway status words to notify, each with the status it must yield. At least one. */
  readonly statuses: Readonly<Record<string, PaymentStatus>>;
  /** The notification the gateway sends `account` about the payment made with `request`, in its status word. */
  signedNotification(request: CheckoutRequest, status: string): RawRequest;
  /** The secret an operator gives `quittance verify` to check `account`'s notifications offline. */
  readonly secret: string;
  /**
   * The same notification signed with a key that is not the account's. Only protocols whose notifications are
   * not signed at all (fetch-back ones) may leave it out; the test is then skipped.
   */
  readonly signedWithOtherKey?: ((request: CheckoutRequest, status: string) => RawRequest) | undefined;
  /**
   * For protocols whose signature does not cover every byte (Lyra signs the values in name order, not the names;
   * a percent-escape has two spellings): whether two requests carry the same signed content. A tamper that keeps
   * it may verify; any other must not. Without it every single-byte tamper must fail.
   */
  readonly sameSignedContent?: ((a: RawRequest, b: RawRequest) => boolean) | undefined;
  /** The amount of the test payments; 12.50 EUR unless the gateway does not take euros. */
  readonly amount?: Money | undefined;
  /** Largest reply body the gateway shows or keeps whole, in bytes; the body must stay under it. Default 200. */
  readonly maxReplyBytes?: number | undefined;
  /** fast-check runs per property. */
  readonly numRuns?: number | undefined;
}

const NOW = new Date('2026-05-04T10:20:30.400Z');

export function testGatewayContract<Credentials>(options: GatewayContractOptions<Credentials>): void {
  const { adapter, account } = options;
  const numRuns = options.numRuns ?? 200;
  const maxReplyBytes = options.maxReplyBytes ?? 200;
  const statuses = Object.entries(options.statuses);

  function request(dailySequence = 7): CheckoutRequest {
    const paymentId = `pay_contract${String(dailySequence).padStart(6, '0')}`;
    return {
      paymentId,
      orderRef: `ORDER-${dailySequence}`,
      merchantRef: adapter.merchantRef({ paymentId, now: NOW, dailySequence }),
      amount: options.amount ?? money(1250, 'EUR'),
      now: NOW,
      urls: {
        notify: `https://quittance.example/notify/${account.id}`,
        return: `https://quittance.example/return/${paymentId}`,
        wait: 'https://quittance.example/pay/wait',
      },
    };
  }

  function firstNotification(): RawRequest {
    const [status] = statuses[0] ?? [];
    assert.ok(status, 'the options name at least one gateway status');
    return options.signedNotification(request(), status);
  }

  function assertNotVerified(verdict: Verdict, what: string): void {
    assert.notEqual(verdict.kind, 'verified', `${what} must not verify`);
    if (verdict.kind !== 'verified') {
      assert.ok(verdict.reason.length > 0, `${what} is refused with a reason`);
    }
  }

  describe(`gateway contract: ${adapter.id}`, () => {
    it('describes itself', () => {
      assert.match(adapter.id, /^[a-z][a-z0-9-]*$/);
      assert.ok(adapter.displayName.length > 0);
      assert.ok(Number.isFinite(adapter.notifyTimeoutMs) && adapter.notifyTimeoutMs > 0);
      assert.ok(
        Number.isFinite(adapter.abandonedAfterMs) && adapter.abandonedAfterMs > 0,
        'abandonedAfterMs',
      );
      assert.ok(adapter.fetchStatus === undefined || typeof adapter.fetchStatus === 'function');
      for (const range of adapter.sourceIps) assert.match(range, /^[0-9a-f.:]+\/\d{1,3}$/i);
      const parsed = adapter.credentialsSchema.safeParse(account.credentials);
      assert.ok(
        parsed.success,
        `the account's credentials pass the adapter's schema: ${parsed.error?.message}`,
      );
      for (const field of adapter.secretFields) {
        assert.ok(
          Object.hasOwn(parsed.data as object, field),
          `secret field ${field} is a credentials field`,
        );
      }
    });

    it('gives distinct merchant references to the payments of one day', () => {
      const refs = new Set<string>();
      for (let sequence = 1; sequence <= 2000; sequence++) {
        refs.add(adapter.merchantRef({ paymentId: `pay_${sequence}`, now: NOW, dailySequence: sequence }));
      }
      assert.equal(refs.size, 2000);
    });

    it('creates a usable checkout', () => {
      const req = request();
      assert.ok(adapter.supportsCurrency(req.amount.currency), `supports ${req.amount.currency}`);
      const checkout = adapter.createPayment(account, req);
      assert.ok(checkout.method === 'GET' || checkout.method === 'POST');
      const url = new URL(checkout.url);
      assert.ok(
        url.protocol === 'https:' || url.protocol === 'http:',
        `absolute http(s) URL: ${checkout.url}`,
      );
      const entries = Object.entries(checkout.fields);
      assert.ok(checkout.method === 'GET' || entries.length > 0, 'a form has fields');
      for (const [name, value] of entries) {
        assert.ok(name.length > 0);
        assert.equal(typeof value, 'string');
      }
    });

    for (const [word, expected] of statuses) {
      it(`verifies a signed ${word} notification: status ${expected}, and the lookup finds the payment`, () => {
        const req = request();
        const verdict = adapter.verifyNotification(account, options.signedNotification(req, word));
        assert.equal(verdict.kind, 'verified', verdict.kind === 'verified' ? '' : verdict.reason);
        assert.ok(verdict.kind === 'verified' && verdict.signals.length > 0, 'at least one signal');
        for (const signal of verdict.signals) {
          assert.equal(signal.source, 'notification');
          assert.equal(signal.status, expected);
          assert.ok(
            signal.lookup.paymentId === req.paymentId || signal.lookup.merchantRef === req.merchantRef,
            `the lookup finds the payment: ${JSON.stringify(signal.lookup)}`,
          );
          if (signal.amount) assert.deepEqual(signal.amount, req.amount);
        }
      });
    }

    it('never verifies a notification with one byte changed', () => {
      const original = firstNotification();
      const tamper = (position: number, byte: number): void => {
        const tampered = withOneByte(original, position, byte);
        if (options.sameSignedContent?.(original, tampered)) return;
        assertNotVerified(
          adapter.verifyNotification(account, tampered),
          `byte ${position} set to 0x${byte.toString(16)}`,
        );
      };
      const size = signedPart(original).length;
      assert.ok(size > 0, 'the notification carries content');
      for (let position = 0; position < size; position++) {
        tamper(position, (signedPart(original)[position] as number) ^ 0x01);
      }
      fc.assert(
        fc.property(fc.nat({ max: size - 1 }), fc.integer({ min: 0, max: 255 }), (position, byte) => {
          fc.pre(byte !== signedPart(original)[position]);
          tamper(position, byte);
        }),
        { numRuns },
      );
    });

    it('rejects a notification signed with another key', { skip: !options.signedWithOtherKey }, () => {
      for (const [word] of statuses) {
        const verdict = adapter.verifyNotification(
          account,
          options.signedWithOtherKey?.(request(), word) as RawRequest,
        );
        assert.equal(verdict.kind, 'rejected', `${word} signed with another key`);
      }
    });

    it('never verifies an empty or a garbage body', () => {
      const original = firstNotification();
      const withBody = (body: Uint8Array): RawRequest => ({ ...original, query: '', body });
      assertNotVerified(adapter.verifyNotification(account, withBody(new Uint8Array())), 'an empty body');
      for (const text of ['{}', '{"status":"PAID"}', 'signature=', '&&&==&', '%', '%zz=1', '\u0000\uffff']) {
        assertNotVerified(
          adapter.verifyNotification(account, withBody(Buffer.from(text))),
          `the body ${JSON.stringify(text)}`,
        );
      }
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 2048 }), (body) => {
          assertNotVerified(adapter.verifyNotification(account, withBody(body)), 'a random body');
        }),
        { numRuns },
      );
    });

    it('builds an offline account from the message and the secret alone', () => {
      const notification = firstNotification();
      const online = adapter.verifyNotification(account, notification);
      const offline = adapter.offlineAccount({ request: notification, secret: options.secret });
      assert.deepEqual(adapter.verifyNotification(offline, notification), online);
      const wrong = adapter.offlineAccount({ request: notification, secret: `${options.secret}x` });
      assertNotVerified(
        adapter.verifyNotification(wrong, notification),
        'a notification checked with a wrong secret',
      );
    });

    it('finds nothing to trust in a bare return', () => {
      const bare: RawRequest = {
        method: 'GET',
        path: '/return/pay_contract000007',
        query: '',
        headers: {},
        body: new Uint8Array(),
        sourceIp: '203.0.113.9',
        receivedAt: NOW,
      };
      assert.equal(adapter.readReturn(account, bare), null);
    });

    it('replies with a short plain answer, never a redirect', () => {
      const check = (outcome: ReplyOutcome): GatewayReply => {
        const reply = adapter.reply(outcome);
        const label = `${outcome.kind} "${outcome.detail.slice(0, 30)}"`;
        assert.ok(reply.status >= 200 && reply.status <= 599, `${label}: a real status`);
        assert.ok(reply.status < 300 || reply.status >= 400, `${label}: never a 3xx`);
        assert.ok(Buffer.byteLength(reply.body) < maxReplyBytes, `${label}: under ${maxReplyBytes} bytes`);
        assert.ok(!reply.body.includes('<'), `${label}: no markup`);
        assert.doesNotMatch(reply.contentType, /html/i);
        if (outcome.kind === 'accepted') assert.ok(reply.status < 300, `${label}: accepted is a 2xx`);
        else assert.ok(reply.status >= 400, `${label}: the gateway must see a failure`);
        return reply;
      };
      const outcomes = (detail: string): ReplyOutcome[] => [
        { kind: 'accepted', detail },
        { kind: 'rejected', code: 'SIGNATURE_MISMATCH', status: 401, detail },
        { kind: 'rejected', code: 'MALFORMED_BODY', status: 400, detail },
        { kind: 'unavailable', detail },
      ];
      for (const detail of ['', 'stored', '<html><body>x</body></html>', 'é'.repeat(500), '😀'.repeat(300)]) {
        outcomes(detail).forEach(check);
      }
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 1000 }), (detail) => {
          outcomes(detail).forEach(check);
        }),
        { numRuns },
      );
    });
  });
}

/** What `testStatusContract` needs: an account able to ask the status API and a fake of that API. */
export interface StatusContractOptions<Credentials> {
  readonly adapter: GatewayAdapter<Credentials, Verdict>;
  /** An account whose credentials include what `fetchStatus` needs (API password...). */
  readonly account: GatewayAccount<Credentials>;
  /** Gateway status words, each with the status a poll must yield. At least one. */
  readonly statuses: Readonly<Record<string, PaymentStatus>>;
  /** A fetch answering as the gateway's status API does about the payment made with `request`, in `status`. */
  gatewayFetch(request: CheckoutRequest, status: string): typeof fetch;
  /** A fetch answering as the gateway's status API does about a payment it has no trace of. */
  unknownFetch(request: CheckoutRequest): typeof fetch;
  /** The amount of the test payments; 12.50 EUR unless the gateway does not take euros. */
  readonly amount?: Money | undefined;
}

/**
 * What `fetchStatus` must do whatever the protocol: poll signals whose lookup finds the payment, not-found for a
 * payment the gateway never saw, a retryable failure when the network fails or the caller's time runs out, only the
 * `fetch` and the signal it is handed, and no secret in any reason.
 */
export function testStatusContract<Credentials>(options: StatusContractOptions<Credentials>): void {
  const { adapter, account } = options;
  const statuses = Object.entries(options.statuses);

  function request(dailySequence = 7): CheckoutRequest {
    const paymentId = `pay_status${String(dailySequence).padStart(6, '0')}`;
    return {
      paymentId,
      orderRef: `ORDER-${dailySequence}`,
      merchantRef: adapter.merchantRef({ paymentId, now: NOW, dailySequence }),
      amount: options.amount ?? money(1250, 'EUR'),
      now: NOW,
      urls: {
        notify: `https://quittance.example/notify/${account.id}`,
        return: `https://quittance.example/return/${paymentId}`,
        wait: 'https://quittance.example/pay/wait',
      },
    };
  }

  function queryOf(req: CheckoutRequest): StatusQuery {
    return {
      paymentId: req.paymentId,
      orderRef: req.orderRef,
      merchantRef: req.merchantRef,
      gatewayRef: null,
      amount: req.amount,
      createdAt: req.now,
    };
  }

  /** Calls fetchStatus with the global fetch made to fail the test: an adapter may use only `io.fetch`. */
  async function ask(
    req: CheckoutRequest,
    io: Partial<StatusIo> & Pick<StatusIo, 'fetch'>,
  ): Promise<StatusAnswer> {
    const fetchStatus = adapter.fetchStatus?.bind(adapter);
    assert.ok(fetchStatus, 'the adapter has fetchStatus');
    const global = globalThis.fetch;
    globalThis.fetch = (() => assert.fail('fetchStatus called the global fetch')) as typeof fetch;
    try {
      return await fetchStatus(account, queryOf(req), {
        signal: new AbortController().signal,
        now: new Date(NOW.getTime() + 60_000),
        ...io,
      });
    } finally {
      globalThis.fetch = global;
    }
  }

  function assertNoSecret(answer: StatusAnswer): void {
    if (answer.kind === 'found') return;
    assert.ok(answer.reason.length > 0, 'a reason is given');
    const credentials = account.credentials as Record<string, unknown>;
    for (const field of adapter.secretFields) {
      const secret = credentials[field];
      if (typeof secret === 'string' && secret.length >= 4) {
        assert.ok(!answer.reason.includes(secret), `the reason does not quote the secret ${field}`);
      }
    }
  }

  describe(`gateway contract: ${adapter.id} fetchStatus`, () => {
    it('has fetchStatus and statuses to test', () => {
      assert.equal(typeof adapter.fetchStatus, 'function');
      assert.ok(statuses.length > 0);
    });

    for (const [word, expected] of statuses) {
      it(`polls a ${word} payment: poll signals in status ${expected} whose lookup finds the payment`, async () => {
        const req = request();
        const answer = await ask(req, { fetch: options.gatewayFetch(req, word) });
        assert.equal(answer.kind, 'found', answer.kind === 'found' ? '' : answer.reason);
        assert.ok(answer.kind === 'found' && answer.signals.length > 0, 'at least one signal');
        for (const signal of answer.signals) {
          assert.equal(signal.source, 'poll');
          assert.equal(signal.status, expected);
          assert.ok(
            signal.lookup.paymentId === req.paymentId || signal.lookup.merchantRef === req.merchantRef,
            `the lookup finds the payment: ${JSON.stringify(signal.lookup)}`,
          );
          if (signal.amount) assert.deepEqual(signal.amount, req.amount);
        }
      });
    }

    it('says not-found for a payment the gateway has no trace of', async () => {
      const req = request(8);
      const answer = await ask(req, { fetch: options.unknownFetch(req) });
      assert.equal(answer.kind, 'not-found');
      assertNoSecret(answer);
    });

    it('fails, retryably, when the network fails', async () => {
      const answer = await ask(request(), {
        fetch: (() => Promise.reject(new TypeError('fetch failed'))) as typeof fetch,
      });
      assert.ok(answer.kind === 'failed' && answer.retryable, JSON.stringify(answer));
      assertNoSecret(answer);
    });

    it("fails, retryably, when the caller's time runs out, and passes the caller's signal on", async () => {
      const controller = new AbortController();
      const seen: (AbortSignal | null | undefined)[] = [];
      const hanging = ((_: unknown, init?: RequestInit) => {
        seen.push(init?.signal);
        return new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true });
        });
      }) as typeof fetch;
      setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), 10);
      const answer = await ask(request(), { fetch: hanging, signal: controller.signal });
      assert.ok(answer.kind === 'failed' && answer.retryable, JSON.stringify(answer));
      assert.ok(
        seen.length > 0 && seen.every((s) => s === controller.signal),
        'every call carries io.signal',
      );
      assertNoSecret(answer);
    });
  });
}

/** What `testFetchBackContract` needs: notifications as the gateway sends them and a fake of its API. */
export interface FetchBackContractOptions<Credentials> {
  readonly adapter: GatewayAdapter<Credentials, NotificationCheck>;
  /** An account whose credentials let `fetchBack` ask the gateway. */
  readonly account: GatewayAccount<Credentials>;
  /** Gateway states, each with the status the fetched resource must yield. At least two. */
  readonly statuses: Readonly<Record<string, PaymentStatus>>;
  /** The (unsigned) notification the gateway sends about the payment made with `request`, in `status`. */
  notification(request: CheckoutRequest, status: string): RawRequest;
  /** A fetch answering as the gateway's API does about that payment, now in `status`. */
  gatewayFetch(request: CheckoutRequest, status: string): typeof fetch;
  /** A fetch answering as the gateway's API does about a resource it does not know. */
  unknownFetch(): typeof fetch;
  readonly amount?: Money | undefined;
  readonly numRuns?: number | undefined;
}

/**
 * What a fetch-back protocol (PayPlug, Mollie) must do, whatever its wire format: a notification is never settled
 * from its body (verifyNotification answers `deferred`, never `verified`); `fetchBack` settles from the FETCHED
 * state only (the notification claiming another state changes nothing), with `notification` signals whose lookup
 * finds the payment; not-found for what the gateway does not know; retryable failures for the network and the
 * caller's timeout, through `io.fetch` and `io.signal` only; no secret in any reason; arbitrary bytes never throw.
 */
export function testFetchBackContract<Credentials>(options: FetchBackContractOptions<Credentials>): void {
  const { adapter, account } = options;
  const statuses = Object.entries(options.statuses);

  const request = (n = 7) => deferredRequest(adapter, account, n, options.amount);

  function deferred(raw: RawRequest): DeferredCheck {
    const check = adapter.verifyNotification(account, raw);
    assert.equal(check.kind, 'deferred', JSON.stringify(check));
    return check as DeferredCheck;
  }

  async function fetchBack(check: DeferredCheck, io: Partial<StatusIo> & Pick<StatusIo, 'fetch'>) {
    const fetchBackFn = adapter.fetchBack?.bind(adapter);
    assert.ok(fetchBackFn, 'the adapter has fetchBack');
    const global = globalThis.fetch;
    globalThis.fetch = (() => assert.fail('fetchBack called the global fetch')) as typeof fetch;
    try {
      return await fetchBackFn(account, check, {
        signal: new AbortController().signal,
        now: new Date(NOW.getTime() + 60_000),
        ...io,
      });
    } finally {
      globalThis.fetch = global;
    }
  }

  function assertNoSecret(answer: StatusAnswer): void {
    if (answer.kind === 'found') return;
    assert.ok(answer.reason.length > 0, 'a reason is given');
    const credentials = account.credentials as Record<string, unknown>;
    for (const field of adapter.secretFields) {
      const secret = credentials[field];
      if (typeof secret === 'string' && secret.length >= 4) {
        assert.ok(!answer.reason.includes(secret), `the reason does not quote the secret ${field}`);
      }
    }
  }

  describe(`gateway contract: ${adapter.id} fetch-back`, () => {
    it('has fetchBack and at least two states to test', () => {
      assert.equal(typeof adapter.fetchBack, 'function');
      assert.ok(statuses.length >= 2);
    });

    for (const [word, expected] of statuses) {
      it(`a ${word} notification is deferred; the fetch-back yields ${expected} as notification signals`, async () => {
        const req = request();
        const check = deferred(options.notification(req, word));
        if (check.claimed !== undefined) assert.equal(check.claimed, expected, 'what the body claims');
        const answer = await fetchBack(check, { fetch: options.gatewayFetch(req, word) });
        assert.equal(answer.kind, 'found', answer.kind === 'found' ? '' : answer.reason);
        assert.ok(answer.kind === 'found' && answer.signals.length > 0, 'at least one signal');
        for (const signal of answer.signals) {
          assert.equal(signal.source, 'notification');
          assert.equal(signal.status, expected);
          assert.ok(
            signal.lookup.paymentId === req.paymentId || signal.lookup.merchantRef === req.merchantRef,
            `the lookup finds the payment: ${JSON.stringify(signal.lookup)}`,
          );
          if (signal.amount) assert.deepEqual(signal.amount, req.amount);
        }
      });
    }

    it('settles from the fetched state, never from what the notification claims', async () => {
      for (const [claimedWord] of statuses) {
        for (const [truthWord, truth] of statuses) {
          const req = request();
          const check = deferred(options.notification(req, claimedWord));
          const answer = await fetchBack(check, { fetch: options.gatewayFetch(req, truthWord) });
          assert.ok(answer.kind === 'found', JSON.stringify(answer));
          assert.deepEqual(
            answer.signals.map((s) => s.status),
            answer.signals.map(() => truth),
          );
        }
      }
    });

    it('says not-found for a resource the gateway does not know', async () => {
      const check = deferred(options.notification(request(8), statuses[0]?.[0] ?? ''));
      const answer = await fetchBack(check, { fetch: options.unknownFetch() });
      assert.equal(answer.kind, 'not-found');
      assertNoSecret(answer);
    });

    it('fails, retryably, when the network fails or the caller gives up, through io.signal', async () => {
      const check = deferred(options.notification(request(), statuses[0]?.[0] ?? ''));
      await assertRetryableFailures((io) => fetchBack(check, io), assertNoSecret);
    });

    testDeferredBasics(
      adapter,
      account,
      () => options.notification(request(), statuses[0]?.[0] ?? ''),
      options.numRuns,
    );
  });
}

/** Tampering targets the body, or the query string for protocols that notify by GET. */
function signedPart(raw: RawRequest): Uint8Array {
  return raw.body.byteLength > 0 ? raw.body : Buffer.from(raw.query, 'latin1');
}

function withOneByte(raw: RawRequest, position: number, byte: number): RawRequest {
  const bytes = Uint8Array.from(signedPart(raw));
  bytes[position] = byte;
  return raw.body.byteLength > 0
    ? { ...raw, body: bytes }
    : { ...raw, query: Buffer.from(bytes).toString('latin1') };
}

/**
 * What every deferring protocol shares: any bytes give deferred, rejected or unparseable with a reason (never
 * verified, never a throw), and the gateway gets a 2xx for accepted, a 4xx for refused.
 */
function testDeferredBasics<Credentials>(
  adapter: GatewayAdapter<Credentials, NotificationCheck>,
  account: GatewayAccount<Credentials>,
  notification: () => RawRequest,
  numRuns: number | undefined,
): void {
  it('never settles from a body: any bytes give deferred, rejected or unparseable with a reason, never a throw', () => {
    const base = notification();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (body) => {
        const check = adapter.verifyNotification(account, { ...base, body });
        assert.notEqual(check.kind, 'verified');
        if (check.kind === 'rejected' || check.kind === 'unparseable') assert.ok(check.reason.length > 0);
      }),
      { numRuns: numRuns ?? 200 },
    );
  });

  it('acknowledges accepted notifications with a 2xx and refuses with a 4xx', () => {
    const accepted = adapter.reply({ kind: 'accepted', detail: 'received, checking with the gateway' });
    assert.ok(accepted.status >= 200 && accepted.status <= 299);
    const refused = adapter.reply({ kind: 'rejected', code: 'MALFORMED_BODY', status: 400, detail: 'x' });
    assert.ok(refused.status >= 400 && refused.status <= 499);
  });
}

/** A checkout request for the fetch-back and postback suites: payment `n` of `account`. */
function deferredRequest<Credentials>(
  adapter: GatewayAdapter<Credentials, NotificationCheck>,
  account: GatewayAccount<Credentials>,
  n: number,
  amount: Money | undefined,
): CheckoutRequest {
  const paymentId = `pay_fetchback${String(n).padStart(6, '0')}`;
  return {
    paymentId,
    orderRef: `ORDER-${n}`,
    merchantRef: adapter.merchantRef({ paymentId, now: NOW, dailySequence: n }),
    amount: amount ?? money(1250, 'EUR'),
    now: NOW,
    urls: {
      notify: `https://quittance.example/notify/${account.id}`,
      return: `https://quittance.example/return/${account.id}/${paymentId}`,
      wait: 'https://quittance.example/pay/wait',
    },
  };
}

/**
 * The network failing, and the caller giving up through io.signal (a call that never answers), are both retryable
 * failures, and every call carries io.signal.
 */
async function assertRetryableFailures(
  ask: (io: Pick<StatusIo, 'fetch'> & Partial<StatusIo>) => Promise<StatusAnswer>,
  assertNoSecret: (answer: StatusAnswer) => void,
): Promise<void> {
  const down = await ask({ fetch: (() => Promise.reject(new TypeError('fetch failed'))) as typeof fetch });
  assert.ok(down.kind === 'failed' && down.retryable, JSON.stringify(down));
  assertNoSecret(down);
  const controller = new AbortController();
  const seen: (AbortSignal | null | undefined)[] = [];
  const hanging = ((_: unknown, init?: RequestInit) => {
    seen.push(init?.signal);
    return new Promise<Response>((_resolve, reject) => {
      init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true });
    });
  }) as typeof fetch;
  setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), 10);
  const late = await ask({ fetch: hanging, signal: controller.signal });
  assert.ok(late.kind === 'failed' && late.retryable, JSON.stringify(late));
  assert.ok(seen.length > 0 && seen.every((s) => s === controller.signal), 'every call carries io.signal');
  assertNoSecret(late);
}

/** What `testPostbackContract` needs: notifications as the gateway sends them and its two answers to a postback. */
export interface PostbackContractOptions<Credentials> {
  readonly adapter: GatewayAdapter<Credentials, NotificationCheck>;
  readonly account: GatewayAccount<Credentials>;
  /** Gateway states, each with the status its notification yields once the gateway vouches for it. At least two. */
  readonly statuses: Readonly<Record<string, PaymentStatus>>;
  /** The notification the gateway sends about the payment made with `request`, in `status`. */
  notification(request: CheckoutRequest, status: string): RawRequest;
  /** The gateway's answers to a postback: it sent these bytes, or it did not. */
  readonly answers: { readonly genuine: string; readonly unknown: string };
  readonly amount?: Money | undefined;
  readonly numRuns?: number | undefined;
}

/**
 * What a postback protocol (PayPal IPN) must do: a notification is never settled from its body alone
 * (verifyNotification answers `deferred`); `fetchBack` posts the STORED bytes back, unchanged, and settles from them
 * only when the gateway vouches for them; the gateway disowning them is not-found; a body stored truncated is never
 * posted; the network and the caller's timeout are retryable failures; arbitrary bytes never throw.
 */
export function testPostbackContract<Credentials>(options: PostbackContractOptions<Credentials>): void {
  const { adapter, account } = options;
  const statuses = Object.entries(options.statuses);
  const request = (n = 7) => deferredRequest(adapter, account, n, options.amount);

  function answering(text: string) {
    const posted: Buffer[] = [];
    const fetch = (async (_url: unknown, init?: RequestInit) => {
      posted.push(Buffer.from(init?.body as Uint8Array));
      return new Response(text, { status: 200 });
    }) as typeof globalThis.fetch;
    return { fetch, posted };
  }

  async function postBack(
    raw: RawRequest,
    io: Pick<StatusIo, 'fetch'> & Partial<StatusIo>,
    truncated = false,
  ) {
    const check = adapter.verifyNotification(account, raw);
    assert.equal(check.kind, 'deferred', JSON.stringify(check));
    const fetchBackFn = adapter.fetchBack?.bind(adapter);
    assert.ok(fetchBackFn, 'the adapter has fetchBack');
    return fetchBackFn(
      account,
      check as DeferredCheck,
      { signal: new AbortController().signal, now: new Date(NOW.getTime() + 60_000), ...io },
      { body: raw.body, bodyTruncated: truncated },
    );
  }

  function assertNoSecret(answer: StatusAnswer): void {
    if (answer.kind === 'found') return;
    assert.ok(answer.reason.length > 0, 'a reason is given');
  }

  describe(`gateway contract: ${adapter.id} postback`, () => {
    for (const [word, expected] of statuses) {
      it(`a ${word} notification is deferred; vouched for, it yields ${expected} as notification signals`, async () => {
        const req = request();
        const raw = options.notification(req, word);
        const gateway = answering(options.answers.genuine);
        const answer = await postBack(raw, { fetch: gateway.fetch });
        assert.ok(answer.kind === 'found' && answer.signals.length > 0, JSON.stringify(answer));
        for (const signal of answer.signals) {
          assert.equal(signal.source, 'notification');
          assert.equal(signal.status, expected);
          assert.ok(
            signal.lookup.paymentId === req.paymentId || signal.lookup.merchantRef === req.merchantRef,
            `the lookup finds the payment: ${JSON.stringify(signal.lookup)}`,
          );
          if (signal.amount) assert.deepEqual(signal.amount, req.amount);
        }
        assert.equal(gateway.posted.length, 1);
        const posted = gateway.posted[0] as Buffer;
        assert.ok(
          posted.subarray(posted.length - raw.body.byteLength).equals(Buffer.from(raw.body)),
          'the stored bytes are posted back unchanged, at the end of the postback',
        );
      });
    }

    it('is not-found when the gateway disowns the bytes', async () => {
      const answer = await postBack(options.notification(request(8), statuses[0]?.[0] ?? ''), {
        fetch: answering(options.answers.unknown).fetch,
      });
      assert.equal(answer.kind, 'not-found');
      assertNoSecret(answer);
    });

    it('never posts a body stored truncated: a failure for a person, not a retry', async () => {
      const gateway = answering(options.answers.genuine);
      const answer = await postBack(options.notification(request(), statuses[0]?.[0] ?? ''), gateway, true);
      assert.ok(answer.kind === 'failed' && !answer.retryable, JSON.stringify(answer));
      assert.equal(gateway.posted.length, 0);
    });

    it('fails, retryably, when the network fails or the caller gives up, through io.signal', async () => {
      const raw = options.notification(request(), statuses[0]?.[0] ?? '');
      await assertRetryableFailures((io) => postBack(raw, io), assertNoSecret);
    });

    testDeferredBasics(
      adapter,
      account,
      () => options.notification(request(), statuses[0]?.[0] ?? ''),
      options.numRuns,
    );
  });
}
