import { Webhook } from 'standardwebhooks';
import { isQuittanceError } from '../../core/errors.js';
import { PermanentJobError, type TaskDefinition } from '../../jobs/worker.js';
import { displayUrl } from '../deliver.js';
import type { Engine } from '../engine.js';
import { alertJson } from './format.js';
import { ALERT_DELIVERY_BACKOFF, alertOfJob, failAttempt } from './job.js';
import { alertsConfig, resolveAlertSecret } from './settings.js';

/** The event type of an alert POSTed to `alerts.webhook.url`. */
export const ALERT_EVENT_TYPE = 'alert.raised';

/**
 * The `alert-webhook` task: POSTs `{ "type": "alert.raised", "timestamp", "data": <the alert> }` to
 * `alerts.webhook.url`, signed per Standard Webhooks exactly as the shop's events are (deliver.ts,
 * the `standardwebhooks` package): `webhook-id` is the alert id on every attempt, so the receiver
 * deduplicates on it. `data` is the record when the attempt runs (its count may have grown). Only a
 * 2xx delivers; redirects are not followed. The secret is never logged.
 */
export function alertWebhookTask(engine: Engine): TaskDefinition {
  return {
    backoff: ALERT_DELIVERY_BACKOFF,
    async run(job, { signal: jobSignal }) {
      const alert = await alertOfJob(engine, job);
      const hook = alertsConfig(engine).webhook;
      if (!hook) {
        engine.logger.info(
          { alertId: alert.id, jobId: job.id },
          'alert not posted: the alert webhook is no longer configured',
        );
        return;
      }
      const url = displayUrl(hook.url);
      let signer: Webhook;
      try {
        signer = new Webhook(resolveAlertSecret(hook.secret, 'alerts.webhook.secret'));
      } catch (error) {
        throw new PermanentJobError(
          isQuittanceError(error) ? error.message : 'alerts.webhook.secret cannot sign (not whsec_<base64>?)',
        );
      }
      const body = JSON.stringify({
        type: ALERT_EVENT_TYPE,
        timestamp: alert.createdAt.toISOString(),
        data: alertJson(alert),
      });
      const sentAt = engine.clock();
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'quittance',
        'webhook-id': alert.id,
        'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        'webhook-signature': signer.sign(alert.id, sentAt, body),
      };
      const timeout = AbortSignal.timeout(engine.settings.deliveryTimeoutMs);
      let status: number;
      try {
        const response = await engine.fetch(hook.url, {
          method: 'POST',
          headers,
          body,
          redirect: 'manual',
          signal: AbortSignal.any([jobSignal, timeout]),
        });
        status = response.status;
        await response.body?.cancel().catch(() => {});
      } catch (error) {
        const why = timeout.aborted
          ? `timeout: no answer within ${engine.settings.deliveryTimeoutMs} ms`
          : describeFetchError(error);
        failAttempt(engine, job, alert, { channel: 'webhook', url }, why.split(hook.url).join(url));
      }
      if (status < 200 || status >= 300) {
        failAttempt(engine, job, alert, { channel: 'webhook', url, status }, `HTTP ${status}`);
      }
      engine.logger.info(
        { alertId: alert.id, kind: alert.kind, channel: 'webhook', url, status },
        'alert posted',
      );
    },
  };
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: unknown } | undefined)?.cause ?? error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  const message = cause instanceof Error ? cause.message : String(cause);
  return typeof code === 'string' ? `${message} (${code})` : message;
}
