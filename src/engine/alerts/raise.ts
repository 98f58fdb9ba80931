import type { Kysely } from 'kysely';
import { enqueue } from '../../jobs/queue.js';
import {
  type AlertRecord,
  type AlertSeverity,
  type AlertTally,
  foldAlert,
} from '../../store/repos/alerts.js';
import type { Database } from '../../store/schema.js';
import type { Engine } from '../engine.js';
import { type AlertChannel, alertsConfig, channelsFor } from './settings.js';

export const ALERT_MAIL_TASK = 'alert-mail';
export const ALERT_WEBHOOK_TASK = 'alert-webhook';
export const TASK_OF_CHANNEL: Readonly<Record<AlertChannel, string>> = {
  email: ALERT_MAIL_TASK,
  webhook: ALERT_WEBHOOK_TASK,
};

/** Attempts of one delivery of an alert (retried with the task's backoff, about a day in all). */
export const ALERT_DELIVERY_MAX_ATTEMPTS = 12;

/**
 * How bad each kind is. `critical`: payments are or will be missed for every customer of the account
 * until someone acts (the gateway cannot reach us, the shop's endpoint is disabled); `warning`: one
 * payment or event needs a person. Unknown kinds are warnings.
 */
const SEVERITY_OF_KIND: Readonly<Record<string, AlertSeverity>> = {
  'notification-overdue': 'critical',
  'endpoint-disabled': 'critical',
  'notification-undelivered': 'warning',
  'payment-stuck': 'warning',
  'reconcile-impossible': 'warning',
  'fetch-back-failed': 'warning',
  'delivery-failed': 'warning',
};

export function severityOf(kind: string): AlertSeverity {
  return SEVERITY_OF_KIND[kind] ?? 'warning';
}

export interface RaiseAlertInput {
  readonly kind: string;
  readonly accountId?: string | null | undefined;
  /** What fails beside the account, when the account alone does not say it (a URL). Part of the cause. */
  readonly subject?: string | undefined;
  /** The payment concerned: kept as a sample, and as the record's payment if it opens one. */
  readonly paymentId?: string | null | undefined;
  /** The example to keep (default: `paymentId`): an event or inbox id where that says more. */
  readonly sample?: string | undefined;
  /** Kept from the first occurrence; a function of the tally is rewritten at every fold ("N payments…"). */
  readonly message: string | ((tally: AlertTally) => string);
  readonly severity?: AlertSeverity | undefined;
}

/** kind + account + what fails: `notification-overdue:acc1`, `webhook-failing:acc1:https://…`. */
export function alertCause(input: Pick<RaiseAlertInput, 'kind' | 'accountId' | 'subject'>): string {
  return [input.kind, input.accountId ?? '-', ...(input.subject ? [input.subject] : [])].join(':');
}

/** The UTC hour an occurrence belongs to, as the key suffix: `2030-01-15T10`. */
export function hourBucket(at: Date): string {
  return at.toISOString().slice(0, 13);
}

/**
 * Raises an alert for a person: "one alert per cause per hour, not one per payment" (issue 6).
 *
 * The folding rule. An occurrence at time t has the key `<cause>@<UTC hour of t>`; the alerts table
 * holds that key only on OPEN records (resolving sets it to NULL). So an occurrence
 * - folds into the open record of the same cause opened in the same UTC hour (one more occurrence,
 *   last seen now, its sample kept while the record has fewer than five);
 * - opens a new record when there is none: the first of the hour, or the previous record of this hour
 *   was resolved (the problem came back after someone said it was fixed: they must hear of it again).
 * A record of an earlier hour is never reopened nor extended: a cause still failing raises one record,
 * one mail, per hour, and each hour's record shows how many occurrences it saw. The unique key, not a
 * read-then-write, decides, so racing instances fold into one record (SQLite and PostgreSQL alike).
 *
 * Delivery: only a NEW record is delivered, one job per configured channel enqueued in the same
 * transaction as the record (uniqueKey `<task>:<alert id>`): a crash cannot lose a delivery nor
 * create a second one, and folds send nothing. The job reads the record when it runs, so what is sent
 * includes the occurrences folded in meanwhile.
 *
 * Runs in `db`'s transaction when it is one (the caller's state change and its alert commit
 * together), else in its own.
 */
export async function raiseAlert(
  engine: Engine,
  db: Kysely<Database>,
  input: RaiseAlertInput,
): Promise<{ created: boolean; alert: AlertRecord }> {
  const now = engine.clock();
  const cause = alertCause(input);
  const severity = input.severity ?? severityOf(input.kind);
  const sample = input.sample ?? input.paymentId ?? undefined;
  let enqueued = false;
  const work = async (tx: Kysely<Database>) => {
    const result = await foldAlert(tx, {
      id: engine.ids('alert'),
      kind: input.kind,
      cause,
      uniqueKey: `${cause}@${hourBucket(now)}`,
      severity,
      accountId: input.accountId ?? null,
      paymentId: input.paymentId ?? null,
      sample,
      message: input.message,
      now,
    });
    if (result.created) {
      for (const channel of channelsFor(alertsConfig(engine), severity)) {
        const task = TASK_OF_CHANNEL[channel];
        enqueued =
          (await enqueue(tx, {
            id: engine.ids('job'),
            task,
            payload: { alertId: result.alert.id, channel },
            runAt: now,
            maxAttempts: ALERT_DELIVERY_MAX_ATTEMPTS,
            uniqueKey: `${task}:${result.alert.id}`,
            now,
          })) || enqueued;
      }
    }
    return result;
  };
  if (db.isTransaction) return work(db);
  const result = await db.transaction().execute(work);
  if (enqueued) engine.bus.jobsEnqueued();
  return result;
}
