/**
 * Tests only (excluded from the build like every testkit.ts): a fake gateway whose status API answers
 * what the test scripts, and an engine over in-memory SQLite with one account using it. The fake is
 * never in the registry: the account is resolved as a Lyra one, then its adapter object is swapped.
 */
import { z } from 'zod';
import { resolveConfig } from '../config/load.js';
import type { ConfigInput } from '../config/schema.js';
import { textReply } from '../gateways/_shared/text-reply.js';
import type {
  AnyGatewayAdapter,
  GatewaySignal,
  StatusAnswer,
  StatusIo,
  StatusQuery,
} from '../gateways/gateway.js';
import { silentLogger } from '../observability/logger.js';
import { createStore } from '../store/db.js';
import { createScratchDatabase } from '../store/dialects/postgres.js';
import { type Engine, startEngine } from './engine.js';

export const FAKE_ACCOUNT = 'fake-shop';
export const FAKE_SHOP = {
  successUrl: 'https://shop.example/ok',
  failureUrl: 'https://shop.example/ko',
  pendingUrl: 'https://shop.example/pending',
} as const;

export type StatusScript = (query: StatusQuery, io: StatusIo) => StatusAnswer | Promise<StatusAnswer>;

export interface FakeGateway {
  readonly adapter: AnyGatewayAdapter;
  /** Every status question asked, in order. */
  readonly asked: StatusQuery[];
  /** What the status API answers next (replace it between steps of a test). */
  answer: StatusScript;
}

/** A status answer saying the gateway has the payment in `status` (a `poll` signal). */
export function found(
  query: StatusQuery,
  status: GatewaySignal['status'],
  gatewayRef?: string,
): StatusAnswer {
  return {
    kind: 'found',
    signals: [
      {
        source: 'poll',
        status,
        amount: query.amount,
        gatewayRef: gatewayRef ?? `T-${query.paymentId}`,
        gatewayStatus: status.toUpperCase(),
        lookup: { merchantRef: query.merchantRef },
      },
    ],
  };
}

/**
 * The fake protocol: notifications are JSON `{ "paymentId", "status", "gatewayRef"? }`, trusted as
 * they are (no signature: the fake is about timing, not about verification); returns carry nothing
 * signed (`readReturn` gives null), so a return always goes to the status API.
 */
export function fakeGateway(
  options: { withStatusApi?: boolean; abandonedAfterMs?: number; answer?: StatusScript } = {},
): FakeGateway {
  const asked: StatusQuery[] = [];
  const fake: FakeGateway = {
    asked,
    answer:
      options.answer ?? ((q) => ({ kind: 'not-found', reason: `no transaction for ${q.merchantRef}.` })),
    adapter: {
      id: 'fake',
      displayName: 'Fake Pay',
      credentialsSchema: z.unknown(),
      secretFields: [],
      sourceIps: [],
      notifyTimeoutMs: 10_000,
      abandonedAfterMs: options.abandonedAfterMs ?? 2 * 60 * 60_000,
      supportsCurrency: () => true,
      merchantRef: ({ now, dailySequence }) =>
        `${now.toISOString().slice(0, 10).replaceAll('-', '')}-${dailySequence}`,
      createPayment: (_account, request) => ({
        method: 'GET',
        url: 'https://fake.example/pay',
        fields: { ref: request.merchantRef },
      }),
      verifyNotification(_account, request) {
        try {
          const body = JSON.parse(Buffer.from(request.body).toString('utf8')) as {
            paymentId: string;
            status: GatewaySignal['status'];
            gatewayRef?: string;
          };
          return {
            kind: 'verified',
            signals: [
              {
                source: 'notification',
                status: body.status,
                gatewayRef: body.gatewayRef,
                lookup: { paymentId: body.paymentId },
              },
            ],
          };
        } catch {
          return { kind: 'unparseable', code: 'MALFORMED_BODY', reason: 'not JSON' };
        }
      },
      readReturn: () => null,
      reply: (outcome) =>
        textReply(
          outcome.kind === 'accepted' ? 200 : outcome.kind === 'rejected' ? outcome.status : 503,
          `${outcome.kind} ${outcome.detail}`,
          200,
        ),
      offlineAccount: () => {
        throw new Error('the fake gateway has no offline verification');
      },
    },
  };
  if (options.withStatusApi !== false) {
    (fake.adapter as { fetchStatus?: unknown }).fetchStatus = async (
      _account: unknown,
      query: StatusQuery,
      io: StatusIo,
    ) => {
      asked.push(query);
      return fake.answer(query, io);
    };
  }
  return fake;
}

export interface TestEngine {
  readonly engine: Engine;
  readonly fake: FakeGateway;
  /** The engine's clock; move it with `advance`. */
  now(): Date;
  advance(ms: number): void;
  close(): Promise<void>;
}

/** An engine over in-memory SQLite whose account `fake-shop` uses a fake gateway, with a clock the test moves. */
export async function testEngine(
  options: {
    fake?: FakeGateway;
    config?: Partial<ConfigInput>;
    /** Account options beside id, gateway, credentials and shop (allowRefundedForRepurchase…). */
    account?: { allowRefundedForRepurchase?: boolean };
    database?: string;
    start?: Date;
  } = {},
): Promise<TestEngine> {
  const fake = options.fake ?? fakeGateway();
  let now = (options.start ?? new Date('2030-01-15T10:00:00.000Z')).getTime();
  const resolved = resolveConfig(
    {
      apiKeys: ['test-key'],
      ...options.config,
      accounts: [
        {
          id: FAKE_ACCOUNT,
          gateway: 'lyra',
          mode: 'test',
          credentials: { siteId: '12345678', key: 'k' },
          shop: { ...FAKE_SHOP },
          ...options.account,
        },
      ],
    },
    {},
  );
  const accounts = new Map(
    [...resolved.accounts].map(([id, account]) => [
      id,
      { ...account, gateway: 'fake', adapter: fake.adapter },
    ]),
  );
  // QUITTANCE_TESTKIT_PG=<server URL> runs every testkit engine on PostgreSQL, each in a fresh database.
  const pgServer = options.database ? undefined : process.env.QUITTANCE_TESTKIT_PG;
  const scratch = pgServer ? await createScratchDatabase(pgServer, 'quittance_tk_') : undefined;
  const store = createStore(scratch?.url ?? options.database ?? 'sqlite::memory:');
  const engine = await startEngine({
    store,
    config: { ...resolved, accounts },
    logger: silentLogger(),
    publicUrl: 'https://pay.example',
    clock: () => new Date(now),
  });
  return {
    engine,
    fake,
    now: () => new Date(now),
    advance(ms) {
      now += ms;
    },
    async close() {
      await store.close();
      await scratch?.drop();
    },
  };
}
