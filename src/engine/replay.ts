import { QuittanceError } from '../core/errors.js';
import { enqueue } from '../jobs/queue.js';
import {
  enableEndpoint as clearDisabled,
  type EndpointRecord,
  getEndpoint,
  listEndpoints,
} from '../store/repos/endpoints.js';
import { type EventRecord, findEvent, listEvents } from '../store/repos/events.js';
import { EFFECT_TASK } from './apply-signal.js';
import { displayUrl } from './deliver.js';
import type { Engine } from './engine.js';

/** One event by id, or every event created in [since, until), optionally of one account. */
export type ReplaySelector =
  | { readonly eventId: string }
  | { readonly since: Date; readonly until: Date; readonly account?: string | undefined };

export interface ReplayResult {
  /** Events the selector matched. */
  readonly matched: number;
  /** Fresh deliver-webhook jobs enqueued (one per event). */
  readonly enqueued: number;
  /** Events of accounts that have no webhook URL (nothing to send to). */
  readonly skippedNoWebhook: number;
  /** Events of accounts whose endpoint is disabled: enable it first, or they would die at once. */
  readonly skippedDisabled: number;
  /** Accounts whose disabled endpoint made events skipped. */
  readonly disabledAccounts: readonly string[];
}

export interface ReplayProgress {
  readonly done: number;
  readonly total: number;
}

const BATCH = 200;

/**
 * Sends events to the shop again: one fresh `deliver-webhook` job per event, with its own unique key
 * so a replay is never deduplicated away by the first delivery's job, and the full attempt budget.
 * The event, and so the `webhook-id` the shop sees, is the same as the first time: a shop that
 * already processed it recognises it.
 *
 * Events of an account whose endpoint is disabled are skipped and counted: enable the endpoint
 * (`enableEndpoint`) first. A running worker (serve, `quittance worker`) does the sending.
 */
export async function replayEvents(
  engine: Engine,
  selector: ReplaySelector,
  onProgress?: (progress: ReplayProgress) => void,
): Promise<ReplayResult> {
  const events = await selectEvents(engine, selector);
  const total = events.length;
  onProgress?.({ done: 0, total });
  const endpoints = new Map<string, EndpointRecord | undefined>();
  const disabledAccounts = new Set<string>();
  let enqueued = 0;
  let skippedNoWebhook = 0;
  let skippedDisabled = 0;
  for (let start = 0; start < total; start += BATCH) {
    const batch = events.slice(start, start + BATCH);
    await engine.store.db.transaction().execute(async (tx) => {
      const now = engine.clock();
      for (const event of batch) {
        const url = engine.config.accounts.get(event.accountId)?.shop.webhookUrl;
        if (!url) {
          skippedNoWebhook++;
          continue;
        }
        if (!endpoints.has(event.accountId)) {
          endpoints.set(event.accountId, await getEndpoint(tx, event.accountId));
        }
        const endpoint = endpoints.get(event.accountId);
        // A changed URL is a new endpoint: delivery starts it over, healthy (see ensureEndpoint).
        if (endpoint?.disabledAt && endpoint.url === displayUrl(url)) {
          skippedDisabled++;
          disabledAccounts.add(event.accountId);
          continue;
        }
        const jobId = engine.ids('job');
        await enqueue(tx, {
          id: jobId,
          task: EFFECT_TASK,
          payload: { eventId: event.id, type: event.type, paymentId: event.paymentId, replay: true },
          runAt: now,
          maxAttempts: engine.settings.deliveryMaxAttempts,
          uniqueKey: `${EFFECT_TASK}:${event.id}:replay:${jobId}`,
          now,
        });
        enqueued++;
      }
    });
    onProgress?.({ done: Math.min(total, start + batch.length), total });
  }
  if (enqueued > 0) engine.bus.jobsEnqueued();
  engine.logger.info(
    { matched: total, enqueued, skippedNoWebhook, skippedDisabled },
    'events queued for redelivery',
  );
  return {
    matched: total,
    enqueued,
    skippedNoWebhook,
    skippedDisabled,
    disabledAccounts: [...disabledAccounts].sort(),
  };
}

async function selectEvents(engine: Engine, selector: ReplaySelector): Promise<EventRecord[]> {
  if ('eventId' in selector) {
    const event = await findEvent(engine.store.db, selector.eventId);
    if (!event) throw new QuittanceError('NOT_FOUND', `no event ${selector.eventId}`);
    return [event];
  }
  const { since, until, account } = selector;
  if (Number.isNaN(since.getTime()) || Number.isNaN(until.getTime())) {
    throw new QuittanceError('VALIDATION_FAILED', 'since and until must be valid times', {
      field: Number.isNaN(since.getTime()) ? 'since' : 'until',
    });
  }
  if (since.getTime() >= until.getTime()) {
    throw new QuittanceError('VALIDATION_FAILED', 'since must be before until', { field: 'until' });
  }
  if (account !== undefined && !engine.config.accounts.has(account)) {
    throw new QuittanceError('UNKNOWN_ACCOUNT', `no account "${account}" is configured`);
  }
  return listEvents(engine.store.db, { since, until, ...(account ? { accountId: account } : {}) });
}

/**
 * Lets deliveries go to the account's endpoint again (after 410 Gone or sustained failure), its
 * failure streak reset. Jobs that died meanwhile stay dead: replay what was missed.
 */
export async function enableEndpoint(
  engine: Engine,
  account: string,
): Promise<{ readonly wasDisabled: boolean; readonly endpoint: EndpointRecord | undefined }> {
  if (!engine.config.accounts.has(account)) {
    throw new QuittanceError('UNKNOWN_ACCOUNT', `no account "${account}" is configured`);
  }
  const wasDisabled = await clearDisabled(engine.store.db, account, engine.clock());
  if (wasDisabled) engine.logger.info({ account }, 'webhook endpoint re-enabled');
  return { wasDisabled, endpoint: await getEndpoint(engine.store.db, account) };
}

/** One account's webhook endpoint as `quittance endpoints` shows it. */
export interface EndpointStatus {
  readonly account: string;
  /** The configured URL (shown form), or null when the account has none any more. */
  readonly url: string | null;
  readonly consecutiveFailures: number;
  readonly failingSince: string | null;
  readonly lastSuccessAt: string | null;
  readonly disabledAt: string | null;
  readonly disabledReason: string | null;
}

/** Every account with a webhook URL or an endpoint row, by account id. */
export async function endpointStatuses(engine: Engine): Promise<EndpointStatus[]> {
  const rows = new Map((await listEndpoints(engine.store.db)).map((e) => [e.accountId, e]));
  const ids = new Set([
    ...[...engine.config.accounts.values()].filter((a) => a.shop.webhookUrl).map((a) => a.id),
    ...rows.keys(),
  ]);
  const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
  return [...ids].sort().map((account) => {
    const row = rows.get(account);
    const url = engine.config.accounts.get(account)?.shop.webhookUrl;
    return {
      account,
      url: url ? displayUrl(url) : null,
      consecutiveFailures: row?.consecutiveFailures ?? 0,
      failingSince: iso(row?.failingSince),
      lastSuccessAt: iso(row?.lastSuccessAt),
      disabledAt: iso(row?.disabledAt),
      disabledReason: row?.disabledReason ?? null,
    };
  });
}
