import type { ResolvedAccount } from '../config/load.js';
import { formatMoney, isFinal, type PaymentStatus, QuittanceError } from '../core/index.js';
import type { GatewaySignal, StatusAnswer, StatusQuery } from '../gateways/gateway.js';
import { findPayment, type PaymentRecord } from '../store/repos/payments.js';
import type { JournaledSettlement } from '../store/repos/signals.js';
import { raiseAlert } from './alerts/raise.js';
import { type AppliedSignal, applySignal } from './apply-signal.js';
import { abandonedAfterMs, type Engine } from './engine.js';
import { announce } from './ingest.js';

/**
 * What asking the gateway gave:
 * - `found`: the gateway knows the payment; its answer was applied as `poll` signals;
 * - `expired`: the gateway has no trace of it, and it is older than the adapter's `abandonedAfterMs`;
 * - `not-found`: no trace yet, but the customer may still pay: nothing is decided;
 * - `failed`: the question went unanswered (timeout, network, a 5xx); asking again later may help;
 * - `impossible`: the gateway cannot be asked (no status API, refused credentials): a person must look.
 */
export type ReconcileOutcome = 'found' | 'expired' | 'not-found' | 'failed' | 'impossible';

export const RECONCILE_OUTCOMES: readonly ReconcileOutcome[] = [
  'found',
  'expired',
  'not-found',
  'failed',
  'impossible',
];

export interface ReconcileResult {
  readonly outcome: ReconcileOutcome;
  /** The settlement of what was applied (`applied` when any signal applied), absent when nothing was. */
  readonly settlement?: JournaledSettlement;
  /** The payment's status after the answer was applied. */
  readonly status: PaymentStatus;
  /** In words, for logs, the CLI and alerts. */
  readonly reason: string;
  /** A `reconcile-impossible` alert was raised by this call (false when it already existed). */
  readonly alerted?: boolean;
}

export interface ReconcileOptions {
  /** Why we ask (a scheduled check, a customer's return, a sweep): for the log. */
  readonly reason: string;
  /** How long the gateway may take to answer (default DEFAULT_STATUS_TIMEOUT_MS). */
  readonly timeoutMs?: number;
  /** Aborts the question (the worker stops, the customer left). */
  readonly signal?: AbortSignal;
  /**
   * Raise the `reconcile-impossible` alert when the gateway cannot be asked (default true). The
   * customer's return passes false: the notification usually follows within seconds, and the
   * scheduled reconciliation raises the alert if it does not.
   */
  readonly alert?: boolean;
}

/** For scheduled checks and sweeps; a customer's return uses the shorter `settings.returnTimeoutMs`. */
export const DEFAULT_STATUS_TIMEOUT_MS = 20_000;

export const RECONCILE_IMPOSSIBLE_ALERT = 'reconcile-impossible';

/**
 * Asks the payment's gateway where the payment stands and folds the answer into it, like any other
 * observation: through `applySignal` (the state machine, the journal, the effects), as `poll`
 * signals with no inbox entry (the inbox keeps HTTP requests made to us; this is a request we made).
 *
 * The question is asked OUTSIDE any transaction (a slow gateway must never hold the database), then
 * everything the answer implies is written in ONE transaction, and `announce` wakes long-polls and
 * the worker after the commit. A notification racing with this is harmless: both go through the same
 * version-checked `applySignal`, so one applies and the other is a duplicate.
 *
 * Throws only for an unknown payment or a database failure; every gateway trouble is an outcome.
 */
export async function reconcilePayment(
  engine: Engine,
  paymentId: string,
  options: ReconcileOptions,
): Promise<ReconcileResult> {
  const payment = await findPayment(engine.store.db, paymentId);
  if (!payment) throw new QuittanceError('UNKNOWN_PAYMENT', `no payment ${paymentId}`);
  const account = engine.config.accounts.get(payment.accountId);
  const log = engine.logger.child({ paymentId, accountId: payment.accountId, why: options.reason });

  if (!account?.adapter.fetchStatus) {
    const name = account?.adapter.displayName ?? `the gateway of account ${payment.accountId}`;
    const why = account
      ? `${name} has no status API`
      : `the account ${payment.accountId} is no longer configured`;
    return impossible(engine, payment, options, why, name);
  }

  const answer = await askGateway(engine, account, payment, options);
  switch (answer.kind) {
    case 'failed': {
      if (!answer.retryable) {
        return impossible(engine, payment, options, answer.reason, account.adapter.displayName);
      }
      log.warn({ code: answer.code, reason: answer.reason }, 'status question failed; will ask again');
      return { outcome: 'failed', status: payment.status, reason: answer.reason };
    }
    case 'not-found': {
      const age = engine.clock().getTime() - payment.createdAt.getTime();
      const after = abandonedAfterMs(engine, account.adapter);
      if (age < after) {
        return {
          outcome: 'not-found',
          status: payment.status,
          reason: `${answer.reason} The customer may still pay: it is ${formatDuration(age)} old, expiry comes at ${formatDuration(after)}.`,
        };
      }
      const note =
        `${account.adapter.displayName} has no trace of this payment ${formatDuration(age)} after its creation ` +
        `(the customer can no longer pay it after ${formatDuration(after)}): ${answer.reason}`;
      const signal: GatewaySignal = {
        source: 'poll',
        status: 'expired',
        note,
        lookup: { paymentId: payment.id },
        facts: { answer: 'not-found' },
      };
      // Settled against the payment as it is now, in the transaction: a notification may have
      // finalised it while we were asking, and "no trace" must then not contradict it.
      const result = await applyAll(engine, payment, [signal], 'expired', note, { unlessFinal: true });
      const { skipped, ...expired } = result;
      return skipped
        ? {
            outcome: 'not-found',
            status: result.status,
            reason: `${answer.reason} (meanwhile the payment became ${result.status})`,
          }
        : expired;
    }
    case 'found': {
      const signals = answer.signals.map((s) => asPoll(s, payment));
      const reason =
        signals.length === 0
          ? `${account.adapter.displayName} knows the payment but nothing is decided yet`
          : `${account.adapter.displayName} says ${signals.map((s) => s.gatewayStatus ?? s.status).join(', ')}`;
      const { skipped: _, ...found } = await applyAll(engine, payment, signals, 'found', reason, {
        unlessFinal: false,
      });
      return found;
    }
  }
}

/** The adapter's signal, as a `poll` about this payment (the signed-for payment must be ours). */
function asPoll(signal: GatewaySignal, payment: PaymentRecord): GatewaySignal {
  const names = Object.values(signal.lookup).some((v) => v !== undefined);
  return { ...signal, source: 'poll', lookup: names ? signal.lookup : { paymentId: payment.id } };
}

async function applyAll(
  engine: Engine,
  payment: PaymentRecord,
  signals: readonly GatewaySignal[],
  outcome: 'found' | 'expired',
  reason: string,
  options: { unlessFinal: boolean },
): Promise<ReconcileResult & { readonly skipped: boolean }> {
  const { applied, status, skipped } = await engine.store.db.transaction().execute(async (tx) => {
    const current = await findPayment(tx, payment.id);
    const applied: AppliedSignal[] = [];
    const skipped = !current || (options.unlessFinal && isFinal(current.status));
    if (!skipped) {
      for (const signal of signals) {
        applied.push(
          await applySignal(engine, tx, {
            accountId: payment.accountId,
            signal,
            inboxId: null,
            expectedPaymentId: payment.id,
          }),
        );
      }
    }
    const after = applied.length > 0 ? await findPayment(tx, payment.id) : current;
    return { applied, status: after?.status ?? payment.status, skipped };
  });
  announce(engine, applied);
  const settlement = summarise(applied);
  return { outcome, status, reason, skipped, ...(settlement ? { settlement } : {}) };
}

/** One word for several settlements: `applied` if anything moved, else a conflict if any, else the first. */
function summarise(applied: readonly AppliedSignal[]): JournaledSettlement | undefined {
  if (applied.some((a) => a.settlement === 'applied')) return 'applied';
  if (applied.some((a) => a.settlement === 'conflict')) return 'conflict';
  return applied[0]?.settlement;
}

async function impossible(
  engine: Engine,
  payment: PaymentRecord,
  options: ReconcileOptions,
  why: string,
  gatewayName: string,
): Promise<ReconcileResult> {
  const reason = `quittance cannot ask ${gatewayName} about this payment: ${why}`;
  let alerted = false;
  if (options.alert !== false && !isFinal(payment.status)) {
    const message =
      `${reason.replace(/\.?$/, '.')} A person must check payment ${payment.id} (order ${payment.orderRef}, ` +
      `${formatMoney(payment.amount)}, created ${payment.createdAt.toISOString()}) in the back office of ` +
      `${gatewayName}, then record what it shows: quittance settle ${payment.id} --status <status> --reason "<what you saw>" --by <name>.`;
    ({ created: alerted } = await raiseAlert(engine, engine.store.db, {
      kind: RECONCILE_IMPOSSIBLE_ALERT,
      accountId: payment.accountId,
      paymentId: payment.id,
      message,
    }));
    if (alerted) {
      engine.logger.warn(
        { paymentId: payment.id, accountId: payment.accountId, why },
        'payment cannot be reconciled; alert raised',
      );
    }
  }
  return { outcome: 'impossible', status: payment.status, reason, alerted };
}

/**
 * Calls the adapter with a deadline. The adapter gets an AbortSignal, but a deadline that depends on
 * the adapter honouring it would not be one: the race below answers `failed` (retryable) on time even
 * if the call never settles. A thrown error is a failed question too, never an exception out of here.
 */
async function askGateway(
  engine: Engine,
  account: ResolvedAccount,
  payment: PaymentRecord,
  options: ReconcileOptions,
): Promise<StatusAnswer> {
  const fetchStatus = account.adapter.fetchStatus;
  if (!fetchStatus) throw new Error('unreachable: no fetchStatus');
  const timeoutMs = options.timeoutMs ?? DEFAULT_STATUS_TIMEOUT_MS;
  const name = account.adapter.displayName;
  const controller = new AbortController();
  const query: StatusQuery = {
    paymentId: payment.id,
    orderRef: payment.orderRef,
    merchantRef: payment.merchantRef,
    gatewayRef: payment.gatewayRef,
    amount: payment.amount,
    createdAt: payment.createdAt,
  };
  const unanswered = (reason: string): StatusAnswer => ({
    kind: 'failed',
    code: 'GATEWAY_UNAVAILABLE',
    reason,
    retryable: true,
  });
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const deadline = new Promise<StatusAnswer>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`no answer within ${timeoutMs} ms`));
      resolve(unanswered(`${name} did not answer within ${formatDuration(timeoutMs)}`));
    }, timeoutMs);
    onAbort = () => {
      controller.abort(options.signal?.reason);
      resolve(unanswered('the question was abandoned (the caller stopped waiting)'));
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  const call = Promise.resolve()
    .then(() =>
      fetchStatus.call(account.adapter, account, query, {
        fetch: engine.fetch,
        signal: controller.signal,
        now: engine.clock(),
      }),
    )
    .catch((error: unknown) =>
      unanswered(`asking ${name} failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  try {
    return await Promise.race([call, deadline]);
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  }
}

/** 90_000 → "1.5 min", 7_200_000 → "2 h": durations for people. */
export function formatDuration(ms: number): string {
  const units: ReadonlyArray<readonly [number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1_000, 's'],
  ];
  for (const [size, unit] of units) {
    if (Math.abs(ms) >= size) return `${Number((ms / size).toFixed(1))} ${unit}`;
  }
  return `${Math.round(ms)} ms`;
}
