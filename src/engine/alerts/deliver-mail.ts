import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { isQuittanceError } from '../../core/errors.js';
import { PermanentJobError, type TaskDefinition } from '../../jobs/worker.js';
import type { Engine } from '../engine.js';
import { alertSubject, alertText } from './format.js';
import { ALERT_DELIVERY_BACKOFF, alertOfJob, failAttempt } from './job.js';
import { alertsConfig, resolveAlertSecret } from './settings.js';

/** How long one SMTP conversation may take, step by step (nodemailer's defaults are minutes). */
const SMTP_TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 };

/**
 * The `alert-mail` task: one plain-text mail per alert record to `alerts.email.to`, through the SMTP
 * server of `alerts.email.smtp` (nodemailer, `smtp://` with STARTTLS when offered, `smtps://` for TLS
 * from the start). The record is read when the job runs, so the mail counts what was folded in until
 * then. The SMTP URL holds a password: it is never logged, and errors are scrubbed of it.
 */
export function alertMailTask(engine: Engine): TaskDefinition {
  return {
    backoff: ALERT_DELIVERY_BACKOFF,
    async run(job) {
      const alert = await alertOfJob(engine, job);
      const email = alertsConfig(engine).email;
      if (!email) {
        engine.logger.info(
          { alertId: alert.id, jobId: job.id },
          'alert not mailed: e-mail alerts are no longer configured',
        );
        return;
      }
      let url: string;
      try {
        url = resolveAlertSecret(email.smtp, 'alerts.email.smtp');
      } catch (error) {
        throw new PermanentJobError(
          isQuittanceError(error) ? error.message : 'alerts.email.smtp cannot be read',
        );
      }
      const server = smtpServerOf(url);
      const transport = nodemailer.createTransport({
        url,
        ...SMTP_TIMEOUTS,
        logger: false,
        debug: false,
      } as SMTPTransport.Options);
      try {
        await transport.sendMail({
          from: email.from,
          to: [...email.to],
          subject: alertSubject(alert),
          text: alertText(alert),
        });
      } catch (error) {
        failAttempt(engine, job, alert, { channel: 'email', server }, scrub(describe(error), url));
      } finally {
        transport.close();
      }
      engine.logger.info(
        { alertId: alert.id, kind: alert.kind, channel: 'email', server, to: email.to.length },
        'alert mailed',
      );
    },
  };
}

/** `smtp://host:port` without user-info: what a log line may say about the server. */
export function smtpServerOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(unparseable SMTP URL)';
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

/** Removes the URL's password (raw and decoded) and the URL itself from a text: SMTP libraries echo them. */
export function scrub(text: string, url: string): string {
  let out = text.split(url).join(smtpServerOf(url));
  try {
    const parsed = new URL(url);
    const secrets = [parsed.password, decodeURIComponent(parsed.password)].filter((s) => s.length > 0);
    for (const secret of secrets) out = out.split(secret).join('[redacted]');
  } catch {
    // an unparseable URL has no password to find
  }
  return out;
}
