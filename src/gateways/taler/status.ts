import type { PaymentStatus, SignalSource } from '../../core/index.js';
import { clip } from '../_shared/request.js';
import type { DeferredCheck, GatewayAccount, StatusAnswer, StatusIo, StatusQuery } from '../gateway.js';
import { callTaler, ORDER_ID } from './api.js';
import { payDeadlineSeconds, shownBase, type TalerCredentials } from './credentials.js';
import { readOrderStatus, signalOfOrder, type TalerOrder } from './order-status.js';

type Account = GatewayAccount<TalerCredentials>;

/**
 * The payment as the engine knows it, plus the customer's session when the engine passes it (StatusQuery has no
 * `sessionId` yet: with it, the GET carries `session_id` and repurchase detection works on polls too).
 */
export type TalerStatusQuery = StatusQuery & { readonly sessionId?: string | null | undefined };

interface Ask {
  readonly orderId: string;
  readonly source: SignalSource;
  readonly sessionId?: string | undefined;
  readonly timeoutMs?: number | undefined;
  readonly query?: StatusQuery | undefined;
}

/** Reconciliation and returns: `GET private/orders/$ID?session_id=…`, no long-poll. */
export function fetchTalerStatus(
  account: Account,
  query: TalerStatusQuery,
  io: StatusIo,
): Promise<StatusAnswer> {
  const orderId = query.gatewayRef ?? query.merchantRef;
  return getOrder(
    account,
    { orderId, source: 'poll', sessionId: query.sessionId ?? undefined, query },
    io,
  ).then((r) => r.answer);
}

/**
 * The long-poll (docs.taler.net merchant API: `GET /private/orders/$ID?timeout_ms=` holds the answer until the order
 * is paid or the time passes; this is how Taler tells a merchant). One held request of `io.timeoutMs`: a state that
 * differs from `knownStatus` comes back as signals; the same state (the backend's timeout) as `found` with none, and
 * the engine asks again.
 */
export async function watchTalerStatus(
  account: Account,
  query: TalerStatusQuery & { readonly knownStatus: PaymentStatus },
  io: StatusIo & { readonly timeoutMs: number },
): Promise<StatusAnswer> {
  const orderId = query.gatewayRef ?? query.merchantRef;
  const { answer } = await getOrder(
    account,
    {
      orderId,
      source: 'poll',
      sessionId: query.sessionId ?? undefined,
      timeoutMs: Math.max(0, Math.floor(io.timeoutMs)),
      query,
    },
    io,
  );
  if (answer.kind !== 'found') return answer;
  // Nothing decided reads as `created`: still waiting for the wallet.
  const changed = answer.signals.filter((s) => s.status !== query.knownStatus);
  return { kind: 'found', signals: changed };
}

/**
 * The fetch-back of a webhook (`pay`, `refund`): the same GET for the order the webhook named, signals with source
 * `notification`, built from the fetched order only.
 */
export async function fetchTalerBack(
  account: Account,
  check: DeferredCheck,
  io: StatusIo,
): Promise<StatusAnswer> {
  return (await getOrder(account, { orderId: check.resource, source: 'notification' }, io)).answer;
}

/** One GET of the order: its parsed state (when found) and our answer. */
export async function getOrder(
  account: Account,
  ask: Ask,
  io: Pick<StatusIo, 'fetch' | 'signal' | 'now'>,
): Promise<{ readonly answer: StatusAnswer; readonly order?: TalerOrder }> {
  const { orderId } = ask;
  if (!ORDER_ID.test(orderId)) {
    return { answer: { kind: 'not-found', reason: `${clip(orderId)} is not a Taler order id.` } };
  }
  const params = new URLSearchParams();
  if (ask.sessionId) params.set('session_id', ask.sessionId);
  if (ask.timeoutMs !== undefined && ask.timeoutMs > 0) params.set('timeout_ms', String(ask.timeoutMs));
  const search = params.size > 0 ? `?${params.toString()}` : '';
  const path = `private/orders/${encodeURIComponent(orderId)}${search}`;
  const where = `the Taler backend (GET private/orders/${orderId} at ${shownBase(account.credentials)})`;
  const result = await callTaler(account, 'GET', path, undefined, io);
  if (result.kind === 'unreachable') {
    return {
      answer: failed(
        true,
        result.timedOut
          ? `${where} did not answer in time; asking again later.`
          : `${where} could not be reached (${result.detail}); asking again later.`,
      ),
    };
  }
  const { status } = result;
  if (status === 404) {
    return {
      answer: { kind: 'not-found', reason: `the Taler backend has no order ${orderId}${result.said}.` },
    };
  }
  if (status === 401 || status === 403) {
    return {
      answer: failed(
        false,
        `${where} refused the access token (HTTP ${status}${result.said}): check credentials.token of the account ` +
          `${account.id}.`,
        'UNAUTHORIZED',
      ),
    };
  }
  if (status >= 500 || status === 408 || status === 429) {
    return { answer: failed(true, `${where} answered HTTP ${status}${result.said}; asking again later.`) };
  }
  if (status < 200 || status > 299) {
    const hint = status >= 300 && status < 400 ? ': check credentials.backendUrl' : '';
    return { answer: failed(false, `${where} answered HTTP ${status}${result.said}${hint}.`) };
  }
  const order = readOrderStatus(result.json);
  if (typeof order === 'string') {
    return { answer: failed(false, `${where} answered something quittance cannot read: ${order}.`) };
  }
  if (order.status !== 'unpaid' && order.orderId !== orderId) {
    return {
      answer: failed(
        false,
        `${where} answered about the order ${order.orderId} instead: check credentials.backendUrl.`,
      ),
    };
  }
  const fallbackDeadline =
    ask.query !== undefined
      ? Math.floor(ask.query.createdAt.getTime() / 1000) + payDeadlineSeconds(account.credentials)
      : order.status === 'unpaid' && order.createdAt !== undefined
        ? order.createdAt + payDeadlineSeconds(account.credentials)
        : undefined;
  const signal = signalOfOrder(order, orderId, ask.source, {
    now: io.now,
    fallbackDeadline,
    paymentId: ask.query?.paymentId,
  });
  return { answer: { kind: 'found', signals: signal ? [signal] : [] }, order };
}

function failed(
  retryable: boolean,
  reason: string,
  code: 'GATEWAY_UNAVAILABLE' | 'UNAUTHORIZED' = 'GATEWAY_UNAVAILABLE',
): StatusAnswer {
  return { kind: 'failed', code, reason, retryable };
}
