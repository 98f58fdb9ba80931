import type { Kysely } from 'kysely';
import { type PaymentStatus, successRank } from '../core/index.js';
import type { DeferredCheck, GatewaySignal, StatusAnswer } from '../gateways/gateway.js';
import type { Backoff } from '../jobs/backoff.js';
import { enqueue } from '../jobs/queue.js';
import { PermanentJobError, type TaskDefinition } from '../jobs/worker.js';
import { findInboxEntry, type InboxVerdict, recordLateVerdict } from '../store/repos/inbox.js';
import type { Database } from '../store/schema.js';
import { raiseAlert } from './alerts/raise.js';
import { type AppliedSignal, applySignal } from './apply-signal.js';
import type { Engine } from './engine.js';
import { announce } from './ingest.js';

export const FETCH_BACK_TASK = 'verify-notification';
export const FETCH_BACK_FAILED_ALERT = 'fetch-back-failed';

/** One question to the gateway; its own timeout, far below the job lease. */
const FETCH_BACK_TIMEOUT_MS = 10_000;
const FETCH_BACK_MAX_ATTEMPTS = 8;

/**
 * Soon at first (a gateway blip must not delay the order by much), then less often; after the last
 * attempt the entry is marked `error` with an alert, and reconciliation still asks about the payment.
 */
const FETCH_BACK_BACKOFF: Backoff = {
  schedule: [2_000, 10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000],
  jitter: 0.2,
};

export interface FetchBackPayload {
  readonly inboxId: string;
  readonly accountId: string;
  readonly check: DeferredCheck;
}

/** Enqueues the fetch-back of a notification inside the ingest transaction: one job per inbox entry. */
export async function enqueueFetchBack(
  engine: Engine,
  tx: Kysely<Database>,
  payload: FetchBackPayload,
): Promise<void> {
  const now = engine.clock();
  await enqueue(tx, {
    id: engine.ids('job'),
    task: FETCH_BACK_TASK,
    payload,
    runAt: now,
    maxAttempts: FETCH_BACK_MAX_ATTEMPTS,
    uniqueKey: `fetch-back:${payload.inboxId}`,
    now,
  });
}

/**
 * Verifies a notification that carries nothing to trust (DESIGN.md "The ingest path", 5): ask the
 * gateway for the resource it names, and settle only from the answer.
 *
 * - not-found: the gateway has no such payment, so it did not send this: `rejected`, UNKNOWN_AT_GATEWAY.
 * - found: the fetched state is applied (it is the gateway's own word, whoever sent the notification).
 *   If the notification claimed a result the gateway does not confirm, the entry is `rejected`,
 *   NOTIFICATION_MISMATCH (forged, or stale), and the signals are journaled as `poll`: they came from
 *   our question, not from a message we could trust.
 * - failed: retried with FETCH_BACK_BACKOFF while the entry stays `pending` with the last error as its
 *   reason; refused credentials or the last attempt end it as `error` with an alert for a person.
 *
 * Safe to run twice (a lost lease): a decided entry is left alone, and applying the same fetched state
 * again settles as `duplicate`.
 */
export function fetchBackTask(engine: Engine): TaskDefinition {
  return {
    backoff: FETCH_BACK_BACKOFF,
    async run(job, context) {
      const { inboxId, accountId, check } = parsePayload(job.payload);
      const entry = await findInboxEntry(engine.store.db, inboxId);
      if (!entry) throw new PermanentJobError(`inbox entry ${inboxId} does not exist`);
      if (entry.verdict !== 'pending') return;
      const account = engine.config.accounts.get(accountId);
      const fetchBack = account?.adapter.fetchBack;
      if (!account || !fetchBack) {
        await decide(engine, inboxId, {
          verdict: 'error',
          reasonCode: 'CONFIG_INVALID',
          reason: account
            ? `${account.adapter.displayName} cannot be asked back (no fetchBack)`
            : `account ${accountId} is no longer configured; the notification could not be checked`,
        });
        return;
      }

      const signal = AbortSignal.any([context.signal, AbortSignal.timeout(FETCH_BACK_TIMEOUT_MS)]);
      let answer: StatusAnswer;
      try {
        // The stored entry goes along: PayPal's postback sends its bytes back verbatim.
        answer = await fetchBack(account, check, { fetch: engine.fetch, signal, now: engine.clock() }, entry);
      } catch (error) {
        if (context.signal.aborted) throw error;
        answer = {
          kind: 'failed',
          code: 'GATEWAY_UNAVAILABLE',
          reason: (error as Error)?.message ?? String(error),
          retryable: true,
        };
      }
      const gateway = account.adapter.displayName;

      if (answer.kind === 'failed') {
        const last = job.attempts >= job.maxAttempts;
        if (answer.retryable && !last) {
          await recordLateVerdict(engine.store.db, inboxId, {
            verdict: 'pending',
            reasonCode: answer.code,
            reason: `asking ${gateway} about ${check.resource} failed (attempt ${job.attempts} of ${job.maxAttempts}): ${answer.reason}; retrying`,
            processedAt: engine.clock(),
          });
          throw new Error(`fetch-back of ${check.resource} failed: ${answer.reason}`);
        }
        const reason =
          `asking ${gateway} about ${check.resource} failed ${answer.retryable ? `${job.attempts} times` : 'for good'}: ` +
          `${answer.reason}. The notification was kept but could not be checked; reconciliation still asks about the payment.`;
        await engine.store.db.transaction().execute(async (tx) => {
          await recordLateVerdict(tx, inboxId, {
            verdict: 'error',
            reasonCode: answer.code,
            reason,
            processedAt: engine.clock(),
          });
          await raiseAlert(engine, tx, {
            kind: FETCH_BACK_FAILED_ALERT,
            accountId,
            sample: inboxId,
            message: `Notification ${inboxId} of account ${accountId}: ${reason}`,
          });
        });
        engine.logger.warn({ inboxId, accountId, code: answer.code }, 'fetch-back failed; alert raised');
        return;
      }

      if (answer.kind === 'not-found') {
        await decide(engine, inboxId, {
          verdict: 'rejected',
          reasonCode: 'UNKNOWN_AT_GATEWAY',
          reason: `asked back, ${gateway} has no payment ${check.resource} (${answer.reason}): the notification was not sent by it`,
        });
        return;
      }

      const confirmed = confirms(answer.signals, check.claimed);
      const signals: GatewaySignal[] = confirmed
        ? [...answer.signals]
        : answer.signals.map((s) => ({ ...s, source: 'poll' as const }));
      const applied = await engine.store.db.transaction().execute(async (tx) => {
        const results: AppliedSignal[] = [];
        for (const s of signals)
          results.push(await applySignal(engine, tx, { accountId, signal: s, inboxId }));
        await recordLateVerdict(tx, inboxId, {
          ...verdictOf(results, confirmed, check, signals, gateway),
          processedAt: engine.clock(),
        });
        return results;
      });
      announce(engine, applied);
    },
  };
}

/**
 * Whether the gateway's answer bears out what the notification claimed: the same status, or, on the
 * success path, a later one (a capture notice read after a refund is stale, not forged).
 */
export function confirms(signals: readonly GatewaySignal[], claimed: PaymentStatus | undefined): boolean {
  if (claimed === undefined) return true;
  const claimedRank = successRank(claimed);
  return signals.some(
    (s) =>
      s.status === claimed ||
      (claimedRank >= successRank('authorized') && successRank(s.status) >= claimedRank),
  );
}

function verdictOf(
  applied: readonly AppliedSignal[],
  confirmed: boolean,
  check: DeferredCheck,
  signals: readonly GatewaySignal[],
  gateway: string,
): { verdict: InboxVerdict; reasonCode: string | null; reason: string | null } {
  if (!confirmed) {
    const says = signals.length > 0 ? signals.map((s) => s.status).join(', ') : 'nothing decided yet';
    return {
      verdict: 'rejected',
      reasonCode: 'NOTIFICATION_MISMATCH',
      reason:
        `the notification says ${check.claimed}; asked back, ${gateway} says ${says}: not genuine (forged or stale). ` +
        `The gateway's state was applied${signals.length > 0 ? ' as a poll' : ''}.`,
    };
  }
  const unmatched = applied.filter((a) => a.settlement === 'unmatched');
  if (applied.length > 0 && unmatched.length === applied.length) {
    return {
      verdict: 'unmatched',
      reasonCode: 'UNKNOWN_PAYMENT',
      reason: unmatched.map((a) => a.reason).join('; '),
    };
  }
  return {
    verdict: 'verified',
    reasonCode: null,
    reason:
      applied.length === 0
        ? `confirmed by ${gateway}: nothing decided yet`
        : `confirmed by ${gateway}: ${applied.map((a) => `${a.payment?.status ?? 'no payment'} (${a.settlement})`).join(', ')}`,
  };
}

async function decide(
  engine: Engine,
  inboxId: string,
  v: { verdict: InboxVerdict; reasonCode: string; reason: string },
): Promise<void> {
  await recordLateVerdict(engine.store.db, inboxId, { ...v, processedAt: engine.clock() });
}

function parsePayload(payload: unknown): FetchBackPayload {
  const p = payload as Partial<FetchBackPayload> | null;
  if (
    !p ||
    typeof p.inboxId !== 'string' ||
    typeof p.accountId !== 'string' ||
    !p.check ||
    p.check.kind !== 'deferred' ||
    typeof p.check.resource !== 'string'
  ) {
    throw new PermanentJobError(`not a fetch-back payload: ${JSON.stringify(payload)}`);
  }
  return p as FetchBackPayload;
}
