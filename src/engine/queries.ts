import { QuittanceError } from '../core/errors.js';
import { redactHeaders, redactText } from '../core/redact.js';
import { pageJobs } from '../jobs/pages.js';
import type { JobState } from '../jobs/queue.js';
import type { InboxKind, InboxRecord, InboxVerdict } from '../store/repos/inbox.js';
import { findInboxEntry } from '../store/repos/inbox.js';
import { conflictSignals, pageDeliveries, pageInbox, pagePayments } from '../store/repos/pages.js';
import { type SignalRecord, signalsOfInbox } from '../store/repos/signals.js';
import type { Engine } from './engine.js';
import { type PaymentView, summary } from './payments.js';
import { endpointStatuses } from './replay.js';
import { secretsOf } from './secrets.js';

/**
 * The read side shared by the API, the dashboard and the CLI: filtered lists in keyset pages
 * (newest first, an opaque cursor to continue) and single records with what people may see.
 * Anything that may carry a secret (raw requests, errors, answers) is redacted with `secretsOf`.
 */

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface PageOf<T> {
  readonly items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

interface PageInput {
  readonly limit?: number | undefined;
  readonly cursor?: string | undefined;
}

/** Cursors are opaque to clients: the last id of the page, base64url-encoded with a version tag. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(`v1:${lastId}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^v1:([a-z]{3}_[0-9a-z]{26})$/.exec(text);
  if (!match)
    throw new QuittanceError('VALIDATION_FAILED', 'cursor is not one this API gave', { field: 'cursor' });
  return match[1] as string;
}

function pageRequest(input: PageInput): { limit: number; after: string | undefined } {
  const limit = input.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new QuittanceError('VALIDATION_FAILED', `limit must be 1 to ${MAX_PAGE_SIZE}`, { field: 'limit' });
  }
  return { limit, after: input.cursor ? decodeCursor(input.cursor) : undefined };
}

function pageOf<R extends { id: string }, T>(rows: readonly R[], more: boolean, map: (r: R) => T): PageOf<T> {
  const last = rows[rows.length - 1];
  return { items: rows.map(map), nextCursor: more && last ? encodeCursor(last.id) : null };
}

// Payments

export type PaymentSummary = Omit<PaymentView, 'signals' | 'events'>;

export interface PaymentsQuery extends PageInput {
  readonly account?: string | undefined;
  readonly status?: string | undefined;
  readonly needsReview?: boolean | undefined;
  /** Order reference, gateway reference or payment id: exact or prefix. */
  readonly q?: string | undefined;
  readonly createdFrom?: Date | undefined;
  readonly createdTo?: Date | undefined;
}

export async function listPaymentsPage(
  engine: Engine,
  query: PaymentsQuery,
): Promise<PageOf<PaymentSummary>> {
  const { limit, after } = pageRequest(query);
  const { rows, more } = await pagePayments(engine.store.db, {
    limit,
    after,
    accountId: query.account,
    status: query.status,
    needsReview: query.needsReview,
    q: query.q,
    createdFrom: query.createdFrom,
    createdTo: query.createdTo,
  });
  return pageOf(rows, more, summary);
}

// Signals

export interface SignalView {
  readonly id: string;
  readonly paymentId: string | null;
  readonly inboxId: string | null;
  readonly source: string;
  readonly status: string;
  readonly gatewayStatus: string | null;
  readonly amount: { readonly value: number; readonly currency: string } | null;
  readonly gatewayRef: string | null;
  readonly settlement: string;
  readonly reason: string;
  readonly at: string;
}

export function signalView(s: SignalRecord): SignalView {
  return {
    id: s.id,
    paymentId: s.paymentId,
    inboxId: s.inboxId,
    source: s.source,
    status: s.status,
    gatewayStatus: s.gatewayStatus,
    amount: s.amount,
    gatewayRef: s.gatewayRef,
    settlement: s.settlement,
    reason: s.reason,
    at: s.createdAt.toISOString(),
  };
}

// Inbox

export interface InboxSummary {
  readonly id: string;
  readonly account: string | null;
  readonly kind: string;
  readonly method: string;
  readonly path: string;
  readonly sourceIp: string;
  readonly receivedAt: string;
  readonly bodyBytes: number;
  readonly bodyTruncated: boolean;
  readonly verdict: InboxVerdict;
  readonly reasonCode: string | null;
  readonly reason: string | null;
  readonly answerStatus: number | null;
}

export interface InboxEntryDetail extends InboxSummary {
  /** The request as received, secrets and card numbers redacted. */
  readonly request: {
    readonly query: string;
    readonly headers: Record<string, string>;
    /** The body as text when it is text (UTF-8), redacted; null when it is binary. */
    readonly body: string | null;
  };
  readonly answerBody: string | null;
  readonly processedAt: string | null;
  /** What the request led to: one signal per observation it carried. */
  readonly signals: SignalView[];
}

/** Verdicts a person filtering "rejected" wants to see: refused, unreadable, or failed. */
export const REJECTED_VERDICTS: readonly InboxVerdict[] = ['rejected', 'unparseable', 'error'];

export interface InboxQuery extends PageInput {
  readonly account?: string | undefined;
  readonly verdict?: InboxVerdict | undefined;
  readonly kind?: InboxKind | undefined;
  readonly rejectedOnly?: boolean | undefined;
}

export async function listInboxPage(engine: Engine, query: InboxQuery): Promise<PageOf<InboxSummary>> {
  const { limit, after } = pageRequest(query);
  const verdicts = query.verdict
    ? query.rejectedOnly && !REJECTED_VERDICTS.includes(query.verdict)
      ? []
      : [query.verdict]
    : query.rejectedOnly
      ? [...REJECTED_VERDICTS]
      : undefined;
  if (verdicts !== undefined && verdicts.length === 0) return { items: [], nextCursor: null };
  const { rows, more } = await pageInbox(engine.store.db, {
    limit,
    after,
    accountId: query.account,
    verdicts,
    kind: query.kind,
  });
  const secrets = secretsOf(engine.config);
  return pageOf(rows, more, (r) => inboxSummary(r, secrets));
}

export async function getInboxEntry(engine: Engine, id: string): Promise<InboxEntryDetail | undefined> {
  const entry = await findInboxEntry(engine.store.db, id);
  if (!entry) return undefined;
  const secrets = secretsOf(engine.config);
  const text = bodyText(entry.body);
  const signals = await signalsOfInbox(engine.store.db, id);
  return {
    ...inboxSummary(entry, secrets),
    request: {
      query: redactText(entry.query, secrets),
      headers: redactHeaders(entry.headers, secrets),
      body: text === null ? null : redactText(text, secrets),
    },
    answerBody: entry.answerBody === null ? null : redactText(entry.answerBody, secrets),
    processedAt: entry.processedAt?.toISOString() ?? null,
    signals: signals.map(signalView),
  };
}

function inboxSummary(e: InboxRecord, secrets: readonly string[]): InboxSummary {
  return {
    id: e.id,
    account: e.accountId,
    kind: e.kind,
    method: e.method,
    path: e.path,
    sourceIp: e.sourceIp,
    receivedAt: e.receivedAt.toISOString(),
    bodyBytes: e.body.byteLength,
    bodyTruncated: e.bodyTruncated,
    verdict: e.verdict,
    reasonCode: e.reasonCode,
    reason: e.reason === null ? null : redactText(e.reason, secrets),
    answerStatus: e.answerStatus,
  };
}

/**
 * UTF-8 text, or null for binary. A binary body is never shown: its bytes could hold a secret in a
 * form redaction does not know.
 */
export function bodyText(body: Uint8Array): string | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return null;
  }
  // Control characters other than tab, newline and carriage return: not text meant for people.
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return null;
  }
  return text;
}

// Conflicts

export interface ConflictView {
  readonly payment: PaymentSummary;
  /** The signals that contradicted the payment's status, oldest first. */
  readonly signals: SignalView[];
}

export async function listConflicts(
  engine: Engine,
  query: PageInput & { readonly account?: string | undefined },
): Promise<PageOf<ConflictView>> {
  const { limit, after } = pageRequest(query);
  const { rows, more } = await pagePayments(engine.store.db, {
    limit,
    after,
    accountId: query.account,
    needsReview: true,
  });
  const signals = await conflictSignals(
    engine.store.db,
    rows.map((r) => r.id),
  );
  return pageOf(rows, more, (p) => ({
    payment: summary(p),
    signals: signals.filter((s) => s.paymentId === p.id).map(signalView),
  }));
}

// Jobs

export interface JobView {
  readonly id: string;
  readonly task: string;
  /** `running`: a `ready` job whose lease has not lapsed. */
  readonly state: JobState | 'running';
  readonly payload: unknown;
  readonly runAt: string;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export async function listJobsPage(
  engine: Engine,
  query: PageInput & { readonly state?: JobState | undefined; readonly task?: string | undefined },
): Promise<PageOf<JobView>> {
  const { limit, after } = pageRequest(query);
  const { rows, more } = await pageJobs(engine.store.db, {
    limit,
    after,
    state: query.state,
    task: query.task,
  });
  const now = engine.clock().getTime();
  const secrets = secretsOf(engine.config);
  return pageOf(rows, more, (j) => ({
    id: j.id,
    task: j.task,
    state:
      j.state === 'ready' && j.lockedUntil !== null && j.lockedUntil.getTime() > now ? 'running' : j.state,
    payload: j.payload,
    runAt: j.runAt.toISOString(),
    attempts: j.attempts,
    maxAttempts: j.maxAttempts,
    lastError: j.lastError === null ? null : redactText(j.lastError, secrets),
    createdAt: j.createdAt.toISOString(),
    updatedAt: j.updatedAt.toISOString(),
  }));
}

// Deliveries

export interface DeliveryView {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly paymentId: string;
  readonly account: string;
  readonly url: string;
  readonly attempt: number;
  readonly ok: boolean;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly latencyMs: number;
  readonly responseExcerpt: string | null;
  readonly at: string;
}

export async function listDeliveriesPage(
  engine: Engine,
  query: PageInput & {
    readonly eventId?: string | undefined;
    readonly paymentId?: string | undefined;
    readonly account?: string | undefined;
    readonly ok?: boolean | undefined;
  },
): Promise<PageOf<DeliveryView>> {
  const { limit, after } = pageRequest(query);
  const { rows, more } = await pageDeliveries(engine.store.db, {
    limit,
    after,
    eventId: query.eventId,
    paymentId: query.paymentId,
    accountId: query.account,
    ok: query.ok,
  });
  const secrets = secretsOf(engine.config);
  return pageOf(rows, more, (d) => ({
    id: d.id,
    eventId: d.eventId,
    eventType: d.eventType,
    paymentId: d.paymentId,
    account: d.accountId,
    url: d.url,
    attempt: d.attempt,
    ok: d.ok,
    statusCode: d.statusCode,
    error: d.error === null ? null : redactText(d.error, secrets),
    latencyMs: d.latencyMs,
    responseExcerpt: d.responseExcerpt === null ? null : redactText(d.responseExcerpt, secrets),
    at: d.createdAt.toISOString(),
  }));
}

// Accounts

export interface AccountView {
  readonly id: string;
  readonly gateway: string;
  readonly gatewayName: string;
  readonly mode: 'test' | 'live';
  readonly webhookConfigured: boolean;
  /** The shop's webhook endpoint: `none` without a URL, `disabled` after failing too long. */
  readonly endpoint: {
    readonly status: 'none' | 'healthy' | 'failing' | 'disabled';
    readonly consecutiveFailures: number;
    readonly lastSuccessAt: string | null;
    readonly disabledAt: string | null;
  };
}

/** Configured accounts: never a credential, a secret, or the webhook URL's query. */
export async function listAccounts(engine: Engine): Promise<AccountView[]> {
  const endpoints = new Map((await endpointStatuses(engine)).map((e) => [e.account, e]));
  return [...engine.config.accounts.values()]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((a) => {
      const e = endpoints.get(a.id);
      const configured = a.shop.webhookUrl !== undefined;
      const status = !configured
        ? 'none'
        : e?.disabledAt
          ? 'disabled'
          : (e?.consecutiveFailures ?? 0) > 0
            ? 'failing'
            : 'healthy';
      return {
        id: a.id,
        gateway: a.gateway,
        gatewayName: a.adapter.displayName,
        mode: a.mode,
        webhookConfigured: configured,
        endpoint: {
          status,
          consecutiveFailures: e?.consecutiveFailures ?? 0,
          lastSuccessAt: e?.lastSuccessAt ?? null,
          disabledAt: e?.disabledAt ?? null,
        },
      };
    });
}
