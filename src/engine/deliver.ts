import { Webhook } from 'standardwebhooks';
import type { JobRecord } from '../jobs/queue.js';
import { type JobContext, PermanentJobError, RetryLaterError, type TaskDefinition } from '../jobs/worker.js';
import type { WebhookDeliveryResult } from '../observability/metrics.js';
import { insertDelivery } from '../store/repos/deliveries.js';
import {
  disableEndpoint,
  ensureEndpoint,
  recordEndpointFailure,
  recordEndpointSuccess,
} from '../store/repos/endpoints.js';
import { type EventRecord, findEvent } from '../store/repos/events.js';
import { raiseAlert } from './alerts/raise.js';
import type { Engine } from './engine.js';

/** How much of the shop's answer is read and kept: enough to diagnose, never a whole page. */
export const EXCERPT_BYTES = 1024;
/** The longest wait a shop's `Retry-After` may ask for; past it, the schedule decides. */
const RETRY_AFTER_CAP_MS = 24 * 3_600_000;

/**
 * The `deliver-webhook` task: POSTs one event to its account's webhook URL, signed per Standard
 * Webhooks, and records the attempt whatever happens.
 *
 * - What is sent: `{ "type", "timestamp" (when the event happened), "data" (the event's payload) }`,
 *   the same bytes on every attempt. `webhook-id` is the event id, on every retry and every replay:
 *   delivery is at least once (a lost answer, a worker killed mid-request), and the shop
 *   deduplicates on it.
 * - Only a 2xx delivers. A 3xx is a failure and is not followed (the spec says so, and following
 *   would re-POST the payload to wherever a misconfigured proxy points). 410 Gone disables the
 *   endpoint at once. 429 and 503 may carry `Retry-After`: the next attempt is no earlier.
 * - Every attempt becomes a `deliveries` row (status or error, latency, the first 1 KB of the
 *   answer) and moves the endpoint's health: a success resets it, a failure extends the failing
 *   streak, and a streak longer than `disableAfter` disables the endpoint with an alert. Jobs for a
 *   disabled endpoint die at once with a message saying how to resume (enable, then replay).
 * - The last attempt failing raises a `delivery-failed` alert naming the event.
 *
 * The secret never leaves this function: not in a log line, an error, or a stored row.
 */
export function deliverWebhookTask(engine: Engine): TaskDefinition {
  return {
    backoff: { schedule: engine.settings.deliverySchedule, jitter: 0.2 },
    run: (job, context) => deliver(engine, job, context),
  };
}

interface Outcome {
  readonly ok: boolean;
  readonly statusCode: number | null;
  /** Why it failed, in words; null when delivered. */
  readonly error: string | null;
  readonly excerpt: string | null;
  readonly latencyMs: number;
  /** 410 Gone: the shop says this endpoint is no more. */
  readonly gone?: boolean;
  /** A 429/503 `Retry-After`, resolved to a time. */
  readonly retryAfter?: Date;
  /** The job was aborted (worker stopping, lease lost) before an answer came. */
  readonly interrupted?: unknown;
}

async function deliver(engine: Engine, job: JobRecord, { signal }: JobContext): Promise<void> {
  const db = engine.store.db;
  const { eventId } = (job.payload ?? {}) as { eventId?: unknown };
  if (typeof eventId !== 'string') throw new PermanentJobError('job payload names no event');
  const event = await findEvent(db, eventId);
  if (!event) throw new PermanentJobError(`event ${eventId} does not exist`);
  const accountId = event.accountId;
  const account = engine.config.accounts.get(accountId);
  const url = account?.shop.webhookUrl;
  const secret = account?.shop.webhookSecret;
  if (!url || !secret) {
    engine.logger.info(
      { eventId, account: accountId, jobId: job.id },
      'event not delivered: the account has no webhook URL any more',
    );
    return;
  }
  const shownUrl = displayUrl(url);
  const endpoint = await ensureEndpoint(db, { accountId, url: shownUrl, now: engine.clock() });
  if (endpoint.disabledAt) {
    throw new PermanentJobError(
      `the webhook endpoint of account ${accountId} is disabled since ${endpoint.disabledAt.toISOString()}` +
        ` (${endpoint.disabledReason ?? 'no reason recorded'}); re-enable it` +
        ` (quittance endpoints enable ${accountId}) and replay (quittance replay ${event.id})`,
    );
  }

  const body = JSON.stringify({
    type: event.type,
    timestamp: event.createdAt.toISOString(),
    data: event.payload,
  });
  const sentAt = engine.clock();
  let signature: string;
  try {
    signature = new Webhook(secret).sign(event.id, sentAt, body);
  } catch {
    throw new PermanentJobError(
      `the webhook secret of account ${accountId} cannot sign (not whsec_<base64>?)`,
    );
  }
  const outcome = await post(engine, url, signal, body, {
    'content-type': 'application/json',
    'user-agent': 'quittance',
    'webhook-id': event.id,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': signature,
  });
  await settleAttempt(engine, job, event, shownUrl, outcome);
}

/** Records the attempt and the endpoint's health in one transaction, then tells the worker. */
async function settleAttempt(
  engine: Engine,
  job: JobRecord,
  event: EventRecord,
  shownUrl: string,
  outcome: Outcome,
): Promise<void> {
  const accountId = event.accountId;
  const now = engine.clock();
  const lastAttempt = job.attempts >= job.maxAttempts;
  const log = {
    eventId: event.id,
    type: event.type,
    account: accountId,
    jobId: job.id,
    attempt: job.attempts,
    status: outcome.statusCode,
    latencyMs: Math.round(outcome.latencyMs),
  };
  let disabledBecause: string | undefined;
  await engine.store.db.transaction().execute(async (tx) => {
    await insertDelivery(tx, {
      id: engine.ids('delivery'),
      eventId: event.id,
      accountId,
      url: shownUrl,
      attempt: job.attempts,
      statusCode: outcome.statusCode,
      error: outcome.error,
      latencyMs: outcome.latencyMs,
      responseExcerpt: outcome.excerpt,
      ok: outcome.ok,
      now,
    });
    if (outcome.ok) {
      await recordEndpointSuccess(tx, accountId, now);
      return;
    }
    // An interrupted attempt says nothing about the shop: its health is left as it was.
    if (outcome.interrupted !== undefined) return;
    const failing = await recordEndpointFailure(tx, accountId, now);
    if (outcome.gone) {
      disabledBecause = 'the shop answered 410 Gone';
    } else if (failing.failingForMs > engine.settings.disableEndpointAfterMs) {
      disabledBecause =
        `failing since ${failing.failingSince.toISOString()} (${failing.consecutiveFailures} failed ` +
        `attempts in a row, the last: ${outcome.error})`;
    }
    if (disabledBecause !== undefined) {
      if (await disableEndpoint(tx, accountId, disabledBecause, now)) {
        await raiseAlert(engine, tx, {
          kind: 'endpoint-disabled',
          accountId,
          subject: shownUrl,
          message:
            `webhook endpoint of account ${accountId} (${shownUrl}) disabled: ${disabledBecause}. ` +
            `Nothing is sent to it until a person runs: quittance endpoints enable ${accountId}; ` +
            `then resend what was missed: quittance replay --since ${failing.failingSince.toISOString()} ` +
            `--until <now> --account ${accountId}`,
        });
      }
    } else if (lastAttempt) {
      await raiseAlert(engine, tx, {
        kind: 'delivery-failed',
        accountId,
        subject: shownUrl,
        paymentId: event.paymentId,
        sample: event.id,
        message:
          `event ${event.id} (${event.type} of payment ${event.paymentId}) was not delivered to the ` +
          `webhook of account ${accountId} after ${job.attempts} attempts, the last: ${outcome.error}. ` +
          `Once the endpoint works: quittance replay ${event.id}`,
      });
    }
  });
  engine.metrics.webhookDelivery(accountId, deliveryResult(outcome));

  if (outcome.ok) {
    engine.logger.info(log, 'webhook delivered');
    return;
  }
  engine.logger.warn({ ...log, error: outcome.error }, 'webhook delivery failed');
  if (outcome.interrupted !== undefined) throw outcome.interrupted;
  const attempt = `attempt ${job.attempts}/${job.maxAttempts}: ${outcome.error}`;
  if (disabledBecause !== undefined) {
    throw new PermanentJobError(
      `${attempt}; the webhook endpoint of account ${accountId} is now disabled (${disabledBecause}); ` +
        `re-enable it (quittance endpoints enable ${accountId}) and replay`,
    );
  }
  if (outcome.retryAfter && !lastAttempt) {
    throw new RetryLaterError(
      outcome.retryAfter,
      `${attempt}; the shop asked to retry after ${outcome.retryAfter.toISOString()}`,
    );
  }
  throw new Error(attempt);
}

/** The attempt's result as a metrics label: a closed list. */
function deliveryResult(outcome: Outcome): WebhookDeliveryResult {
  if (outcome.ok) return 'ok';
  if (outcome.interrupted !== undefined) return 'interrupted';
  if (outcome.statusCode !== null) return 'http_error';
  return outcome.error?.startsWith('timeout') ? 'timeout' : 'network_error';
}

/**
 * One POST with a timeout, never following redirects, reading at most EXCERPT_BYTES of the answer.
 * Never throws, except that an attempt interrupted by the job's own signal is returned as such.
 */
async function post(
  engine: Engine,
  url: string,
  jobSignal: AbortSignal,
  body: string,
  headers: Record<string, string>,
): Promise<Outcome> {
  const timeoutMs = engine.settings.deliveryTimeoutMs;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new Error('timeout')), timeoutMs);
  const signal = AbortSignal.any([jobSignal, timeout.signal]);
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  try {
    const response = await engine.fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal });
    const excerpt = await readExcerpt(response, EXCERPT_BYTES);
    const latencyMs = elapsed();
    const status = response.status;
    const base = { statusCode: status, excerpt, latencyMs };
    if (status >= 200 && status < 300) return { ...base, ok: true, error: null };
    const http = `HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}`;
    if (status >= 300 && status < 400) {
      const location = response.headers.get('location');
      const to = location ? ` to ${displayUrl(location, url)}` : '';
      return { ...base, ok: false, error: `${http}: redirect${to} not followed (a 3xx is a failure)` };
    }
    if (status === 410) return { ...base, ok: false, error: http, gone: true };
    if (status === 429 || status === 503) {
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'), engine.clock());
      return { ...base, ok: false, error: http, ...(retryAfter ? { retryAfter } : {}) };
    }
    return { ...base, ok: false, error: http };
  } catch (error) {
    const latencyMs = elapsed();
    const base = { ok: false, statusCode: null, excerpt: null, latencyMs };
    if (jobSignal.aborted) {
      return { ...base, error: `interrupted: ${reasonOf(jobSignal.reason)}`, interrupted: error };
    }
    if (timeout.signal.aborted) return { ...base, error: `timeout: no answer within ${timeoutMs} ms` };
    return { ...base, error: describeFetchError(error).split(url).join(displayUrl(url)) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Up to `limit` bytes of the body as text (at most `limit` bytes of UTF-8 too), then the rest is
 * dropped unread: a shop answering with a huge or endless body costs 1 KB. A body cut short (the
 * timeout, a reset) keeps what came: the status has already said what happened.
 */
async function readExcerpt(response: Response, limit: number): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      const part = value.subarray(0, limit - size);
      chunks.push(part);
      size += part.length;
    }
  } catch {
    // keep what came
  } finally {
    reader.cancel().catch(() => {});
  }
  if (size === 0) return null;
  const text = new TextDecoder('utf-8').decode(Buffer.concat(chunks)).replaceAll('\u0000', '\ufffd');
  return truncateUtf8(text, limit);
}

/** Cuts `text` at a character boundary so that its UTF-8 form is at most `limit` bytes. */
export function truncateUtf8(text: string, limit: number): string {
  if (Buffer.byteLength(text) <= limit) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > limit) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}

/** `Retry-After` as delta-seconds or an HTTP date, capped; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): Date | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  let at: number;
  if (/^\d+$/.test(text)) {
    at = now.getTime() + Number(text) * 1000;
  } else {
    at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
  }
  return new Date(Math.max(now.getTime(), Math.min(at, now.getTime() + RETRY_AFTER_CAP_MS)));
}

const CONNECT_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed by the shop',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no answer headers in time',
};

/** fetch's errors in words: undici says "fetch failed" and keeps the reason in `cause`. */
function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: unknown } | undefined)?.cause ?? error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') {
    const words = CONNECT_ERRORS[code] ?? (cause as Error).message ?? 'connection failed';
    return `${words} (${code})`;
  }
  if (cause instanceof Error) return cause.message || cause.name;
  return String(cause);
}

function reasonOf(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason ?? 'aborted');
}

/**
 * The URL as stored and shown: no user-info, query values hidden (shops put tokens there). `base`
 * resolves a relative Location header.
 */
export function displayUrl(url: string, base?: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url, base);
  } catch {
    return '(unparseable URL)';
  }
  parsed.username = '';
  parsed.password = '';
  const keys = [...new Set(parsed.searchParams.keys())];
  const query = keys.length ? `?${keys.map((k) => `${encodeURIComponent(k)}=…`).join('&')}` : '';
  return `${parsed.origin}${parsed.pathname}${query}`;
}
