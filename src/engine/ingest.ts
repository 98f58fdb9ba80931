import type { Kysely } from 'kysely';
import type { ResolvedAccount } from '../config/load.js';
import { ERROR_CODES, type ErrorCode } from '../core/errors.js';
import { isFinal } from '../core/status.js';
import { textReply } from '../gateways/_shared/text-reply.js';
import type { GatewayReply, RawRequest, ReplyOutcome } from '../gateways/gateway.js';
import {
  type InboxKind,
  type InboxVerdict,
  insertInboxEntry,
  recordInboxOutcome,
} from '../store/repos/inbox.js';
import { findPayment } from '../store/repos/payments.js';
import type { Database } from '../store/schema.js';
import { type AppliedSignal, applySignal } from './apply-signal.js';
import type { Engine } from './engine.js';
import { enqueueFetchBack } from './fetch-back.js';
import { shopPage, waitPage } from './pages.js';

/** A refusal decided before the gateway adapter looks at the request (HTTP layer, allowlist). */
export interface Precheck {
  readonly code: ErrorCode;
  readonly reason: string;
}

export interface IngestResult {
  readonly inboxId: string;
  readonly verdict: InboxVerdict;
  readonly reply: GatewayReply;
  readonly applied: readonly AppliedSignal[];
}

export interface IncomingRequest {
  readonly accountId: string;
  readonly raw: RawRequest;
  /** The body was cut at the size limit: what is stored is its beginning. */
  readonly truncated?: boolean;
  readonly precheck?: Precheck;
  /** For returns: the payment the URL names; signed data about another payment is refused. */
  readonly expectedPaymentId?: string;
}

/**
 * The ingest path, the heart of quittance (DESIGN.md "The ingest path").
 *
 * 1. One transaction: insert the raw request into the inbox, verify it, settle each signal, journal
 *    them, write the payment and its effect jobs, record the verdict and the answer. Commit.
 * 2. Only after the commit does the caller answer the gateway, with what `reply` returned. An
 *    acknowledgement therefore always means "stored"; the gateway may forget the notification.
 * 3. If anything in 1 fails, nothing of it is kept (one transaction), so we try once more to keep
 *    the raw request alone, marked `error`, and answer 503: the gateway retries, and the bytes are
 *    still there for a person if the retry never comes. If even that fails the database is down,
 *    and 503 is all we can honestly say.
 * Verification failures are not errors: they are verdicts, stored with their reason, answered as
 * the protocol wants, and they never touch a payment.
 * Protocols that do not sign (PayPlug) answer `deferred`: the entry is kept `pending`, acknowledged,
 * and a `verify-notification` job enqueued in the same transaction asks the gateway (fetch-back.ts).
 */
export async function ingestNotification(engine: Engine, incoming: IncomingRequest): Promise<IngestResult> {
  return ingest(engine, 'notification', incoming);
}

export async function ingest(
  engine: Engine,
  kind: InboxKind,
  incoming: IncomingRequest,
): Promise<IngestResult> {
  const { raw } = incoming;
  const account = engine.config.accounts.get(incoming.accountId);
  const inboxId = engine.ids('inbox');
  const entry = {
    id: inboxId,
    accountId: incoming.accountId,
    kind,
    method: raw.method,
    path: raw.path,
    query: raw.query,
    headers: { ...raw.headers },
    body: raw.body,
    bodyTruncated: incoming.truncated ?? false,
    sourceIp: raw.sourceIp,
    receivedAt: raw.receivedAt,
  };
  const precheck = incoming.precheck ?? accountPrecheck(kind, incoming.accountId, account, raw);
  try {
    const result = await engine.store.db.transaction().execute(async (tx) => {
      await insertInboxEntry(tx, entry);
      let verdict: InboxVerdict;
      let outcome: ReplyOutcome;
      let reasonCode: string | null = null;
      let reason: string | null = null;
      const applied: AppliedSignal[] = [];
      let fetchBackQueued = false;
      if (precheck || !account) {
        const refusal = precheck ?? { code: 'UNKNOWN_ACCOUNT' as const, reason: 'no account' };
        verdict = 'rejected';
        reasonCode = refusal.code;
        reason = refusal.reason;
        outcome = rejected(refusal.code, refusal.reason);
      } else {
        const check =
          kind === 'notification'
            ? account.adapter.verifyNotification(account, raw)
            : (account.adapter.readReturn(account, raw) ?? { kind: 'verified' as const, signals: [] });
        if (check.kind === 'deferred') {
          // Nothing in the request can be trusted: keep it, acknowledge it, ask the gateway from a job.
          verdict = 'pending';
          reason = `waiting for the answer of ${account.adapter.displayName} about ${check.resource}`;
          await enqueueFetchBack(engine, tx, { inboxId, accountId: account.id, check });
          outcome = { kind: 'accepted', detail: 'received, checking with the gateway' };
          fetchBackQueued = true;
        } else if (check.kind !== 'verified') {
          verdict = check.kind;
          reasonCode = check.code;
          reason = check.reason;
          outcome = rejected(check.code, check.reason);
        } else {
          for (const signal of check.signals) {
            applied.push(
              await applySignal(engine, tx, {
                accountId: account.id,
                signal,
                inboxId,
                ...(incoming.expectedPaymentId ? { expectedPaymentId: incoming.expectedPaymentId } : {}),
              }),
            );
          }
          const misdirected = applied.filter((a) => a.settlement === 'rejected');
          const unmatched = applied.filter((a) => a.settlement === 'unmatched');
          if (misdirected.length > 0) {
            verdict = 'rejected';
            reasonCode = 'PAYMENT_MISMATCH';
            reason = misdirected.map((a) => a.reason).join('; ');
            outcome = rejected('PAYMENT_MISMATCH', reason);
          } else {
            verdict = unmatched.length > 0 && unmatched.length === applied.length ? 'unmatched' : 'verified';
            if (verdict === 'unmatched') {
              reasonCode = 'UNKNOWN_PAYMENT';
              reason = unmatched.map((a) => a.reason).join('; ');
            }
            const next = await nextPageOf(engine, tx, account, applied);
            outcome = { kind: 'accepted', detail: describeApplied(applied), ...(next ? { next } : {}) };
          }
        }
      }
      const reply = replyFor(account, outcome);
      await recordInboxOutcome(tx, inboxId, {
        verdict,
        reasonCode,
        reason,
        answerStatus: reply.status,
        answerBody: reply.body,
        processedAt: engine.clock(),
      });
      return { inboxId, verdict, reply, applied, fetchBackQueued };
    });
    announce(engine, result.applied);
    countVerdict(engine, kind, incoming, result.verdict);
    if (result.fetchBackQueued) engine.bus.jobsEnqueued();
    const { fetchBackQueued: _queued, ...answer } = result;
    return answer;
  } catch (error) {
    engine.logger.error(
      { err: error, inboxId, accountId: incoming.accountId },
      'ingest failed; answering 503',
    );
    const kept = await keepAsError(engine, entry, error);
    countVerdict(engine, kind, incoming, 'error');
    return {
      inboxId: kept ? inboxId : '',
      verdict: 'error',
      reply: replyFor(account, { kind: 'unavailable', detail: 'not stored, please retry' }),
      applied: [],
    };
  }
}

/** The page the customer should see next, for the first payment the message settled. */
async function nextPageOf(
  engine: Engine,
  tx: Kysely<Database>,
  account: ResolvedAccount,
  applied: readonly AppliedSignal[],
): Promise<string | undefined> {
  const id = applied.find((a) => a.payment !== null)?.payment?.id;
  const payment = id ? await findPayment(tx, id) : undefined;
  if (!payment) return undefined;
  return isFinal(payment.status) ? shopPage(account, payment) : waitPage(engine, payment.id);
}

/**
 * After the commit: wake long-polls on changed payments and the worker for new effect jobs. Every
 * caller of applySignal calls this once its transaction has committed, so settlements are counted here.
 */
export function announce(engine: Engine, applied: readonly AppliedSignal[]): void {
  let effects = false;
  for (const a of applied) {
    engine.metrics.settlement(a.accountId, a.source, a.settlement);
    if (a.payment && (a.settlement === 'applied' || a.settlement === 'conflict')) {
      engine.bus.paymentChanged(a.payment.id);
      effects = true;
    }
  }
  if (effects) engine.bus.jobsEnqueued();
}

/** Metrics: the verdict, and for notifications the receive → answer time (the same span the inbox row keeps). */
function countVerdict(engine: Engine, kind: InboxKind, incoming: IncomingRequest, verdict: InboxVerdict) {
  const ackMs = engine.clock().getTime() - incoming.raw.receivedAt.getTime();
  engine.metrics.inboxVerdict({ accountId: incoming.accountId, kind, verdict, ackSeconds: ackMs / 1000 });
}

function accountPrecheck(
  kind: InboxKind,
  accountId: string,
  account: ResolvedAccount | undefined,
  raw: RawRequest,
): Precheck | undefined {
  if (!account) return { code: 'UNKNOWN_ACCOUNT', reason: `no account "${accountId}" is configured` };
  // Returns come from the customer's browser, anywhere on the internet: only notifications are filtered.
  if (
    kind === 'notification' &&
    account.allowlist &&
    !account.allowlist.check(raw.sourceIp, raw.sourceIp.includes(':') ? 'ipv6' : 'ipv4')
  ) {
    return {
      code: 'IP_NOT_ALLOWED',
      reason: `source address ${raw.sourceIp} is outside the allowed ranges of account ${account.id}`,
    };
  }
  return undefined;
}

function rejected(code: ErrorCode, detail: string): ReplyOutcome {
  return { kind: 'rejected', code, status: ERROR_CODES[code].status, detail };
}

function describeApplied(applied: readonly AppliedSignal[]): string {
  if (applied.length === 0) return 'received';
  return applied
    .map((a) =>
      a.payment ? `${a.payment.id} ${a.payment.status} (${a.settlement})` : `kept: ${a.settlement}`,
    )
    .join(', ');
}

const FALLBACK_REPLIES: Record<ReplyOutcome['kind'], number> = {
  accepted: 200,
  rejected: 400,
  unavailable: 503,
};

/** Unknown account: no adapter to ask, so a plain, short text answer. */
function replyFor(account: ResolvedAccount | undefined, outcome: ReplyOutcome) {
  if (account) return account.adapter.reply(outcome);
  const status = outcome.kind === 'rejected' ? outcome.status : FALLBACK_REPLIES[outcome.kind];
  const word =
    outcome.kind === 'rejected' ? `KO ${outcome.code}` : outcome.kind === 'accepted' ? 'OK' : 'RETRY';
  return textReply(status, `${word} ${outcome.detail}`, 199);
}

async function keepAsError(engine: Engine, entry: Parameters<typeof insertInboxEntry>[1], error: unknown) {
  try {
    await insertInboxEntry(engine.store.db, {
      ...entry,
      verdict: 'error',
      reasonCode: 'INTERNAL',
      reason:
        `processing failed, the gateway was asked to retry: ${(error as Error)?.message ?? String(error)}`.slice(
          0,
          1000,
        ),
    });
    return true;
  } catch (second) {
    engine.logger.error({ err: second, inboxId: entry.id }, 'could not even keep the raw request');
    return false;
  }
}
