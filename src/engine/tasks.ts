import type { TaskDefinition } from '../jobs/worker.js';
import { alertMailTask } from './alerts/deliver-mail.js';
import { alertWebhookTask } from './alerts/deliver-webhook.js';
import { OVERDUE_CHECK_TASK, overdueCheckTask } from './alerts/overdue.js';
import { ALERT_MAIL_TASK, ALERT_WEBHOOK_TASK } from './alerts/raise.js';
import { EFFECT_TASK, HANDLER_TASK } from './apply-signal.js';
import { deliverWebhookTask } from './deliver.js';
import type { Engine } from './engine.js';
import { FETCH_BACK_TASK, fetchBackTask } from './fetch-back.js';
import { runHandlersTask } from './handlers-task.js';
import { RECONCILE_TASK, reconcileTask } from './reconcile-task.js';
import { WATCH_TASK, watchTask } from './watch.js';

/** Every task the worker knows, by name. */
export function engineTasks(engine: Engine): Record<string, TaskDefinition> {
  return {
    [HANDLER_TASK]: runHandlersTask(engine),
    [RECONCILE_TASK]: reconcileTask(engine),
    [EFFECT_TASK]: deliverWebhookTask(engine),
    [FETCH_BACK_TASK]: fetchBackTask(engine),
    [WATCH_TASK]: watchTask(engine),
    [ALERT_MAIL_TASK]: alertMailTask(engine),
    [ALERT_WEBHOOK_TASK]: alertWebhookTask(engine),
    [OVERDUE_CHECK_TASK]: overdueCheckTask(engine),
  };
}
