import type { Kysely } from 'kysely';
import type { AnyGatewayAdapter } from '../../gateways/gateway.js';
import { enqueue } from '../../jobs/queue.js';
import { PermanentJobError, type TaskDefinition } from '../../jobs/worker.js';
import { findPayment } from '../../store/repos/payments.js';
import { signalsOfPayment } from '../../store/repos/signals.js';
import type { Database } from '../../store/schema.js';
import type { Engine } from '../engine.js';
import { raiseAlert } from './raise.js';
import { alertsConfig, overdueAfterMs } from './settings.js';

export const OVERDUE_CHECK_TASK = 'notification-overdue-check';
export const NOTIFICATION_OVERDUE_ALERT = 'notification-overdue';

/**
 * Whether the gateway tells us by calling our notification URL. A gateway that tells by long-poll
 * (`watchStatus`, GNU Taler: the watch job's poll IS its notification) never calls us, so a payment
 * paid without a notification says nothing about reaching us.
 */
export function notifiesByServerCall(adapter: AnyGatewayAdapter): boolean {
  return adapter.watchStatus === undefined;
}

/**
 * Notification-overdue detection (issue 6): a payment paid according to the customer's return, a
 * status poll (reconciliation) or an operator, for which no verified notification has come within
 * `alerts.overdueAfter`, means the gateway probably cannot reach our notification URL.
 *
 * Mechanism: a delayed check job per payment, enqueued by `applySignal` in the SAME transaction that
 * makes the payment paid from a non-notification source (runAt = now + grace, uniqueKey per payment),
 * rather than a periodic sweep. Why:
 * - it survives restarts: the check exists if and only if the paid state was committed; a sweep
 *   needs a scheduler that itself must be restarted, and a memory of which payments it already
 *   reported (else every sweep re-counts them);
 * - it scales to several instances: the queue hands each job to one worker (SKIP LOCKED on
 *   PostgreSQL), and the unique key makes a payment observed twice one check; the alert's unique key
 *   folds racing raises into one record;
 * - it costs one small job per payment paid by another path, and nothing for payments whose
 *   notification came first (the usual case): no periodic query over all payments.
 * At-least-once: a check that runs twice (a lost lease) may count its payment twice in the alert's
 * occurrences; the samples are deduplicated.
 */
export async function scheduleOverdueCheck(
  engine: Engine,
  tx: Kysely<Database>,
  payment: { readonly id: string; readonly accountId: string },
): Promise<boolean> {
  const adapter = engine.config.accounts.get(payment.accountId)?.adapter;
  if (!adapter || !notifiesByServerCall(adapter)) return false;
  const now = engine.clock();
  return enqueue(tx, {
    id: engine.ids('job'),
    task: OVERDUE_CHECK_TASK,
    payload: { paymentId: payment.id },
    runAt: new Date(now.getTime() + overdueAfterMs(engine)),
    maxAttempts: 5,
    uniqueKey: `${OVERDUE_CHECK_TASK}:${payment.id}`,
    now,
  });
}

/**
 * The check: did a genuine notification for the payment arrive? Any `notification` signal journaled
 * on it counts (applied, duplicate, stale or conflict: the gateway reached us), except `rejected`
 * (a message about another transaction). A fetch-back notification (PayPlug) counts once its
 * fetch-back has run; one still waiting for it after the grace period is reported [a rare case].
 * If none arrived, one `notification-overdue` alert per account and hour counts the payments.
 */
export function overdueCheckTask(engine: Engine): TaskDefinition {
  return {
    async run(job) {
      const { paymentId } = (job.payload ?? {}) as { paymentId?: unknown };
      if (typeof paymentId !== 'string') throw new PermanentJobError('job payload names no payment');
      const payment = await findPayment(engine.store.db, paymentId);
      if (!payment) throw new PermanentJobError(`payment ${paymentId} does not exist`);
      const account = engine.config.accounts.get(payment.accountId);
      if (!account || !notifiesByServerCall(account.adapter)) return;
      const signals = await signalsOfPayment(engine.store.db, paymentId);
      if (signals.some((s) => s.source === 'notification' && s.settlement !== 'rejected')) return;

      const notifyUrl = `${engine.publicUrl}/notify/${account.id}`;
      const { created } = await raiseAlert(engine, engine.store.db, {
        kind: NOTIFICATION_OVERDUE_ALERT,
        accountId: account.id,
        paymentId,
        message: ({ count }) =>
          `${account.id}: ${count} ${count === 1 ? 'payment' : 'payments'} paid according to the customer's return, ` +
          `a status poll or an operator, but ${account.adapter.displayName}'s notification never came ` +
          `(waited ${alertsConfig(engine).overdueAfter}) — the gateway probably cannot reach ${notifyUrl}: ` +
          `run \`quittance doctor ${notifyUrl} --gateway ${account.gateway}\`, and check the notification URL ` +
          `and its failed calls in the gateway's back office.`,
      });
      engine.logger.warn(
        { paymentId, account: account.id, alertOpened: created },
        'notification overdue: paid by another path, no notification came',
      );
    },
  };
}
