import type { AlertRecord } from '../../store/repos/alerts.js';

/** `[quittance] notification-overdue: acc1`: the kind and the account, so a mailbox rule can sort them. */
export function alertSubject(alert: AlertRecord): string {
  return `[quittance] ${alert.kind}: ${alert.accountId ?? 'all accounts'}`;
}

/** The plain-text mail: what happened, how often and when, examples, and what to do. */
export function alertText(alert: AlertRecord): string {
  const samples = alert.samples.length > 0 ? alert.samples.join(', ') : '(none)';
  const more = alert.count > alert.samples.length && alert.samples.length > 0 ? ' (the first ones)' : '';
  const state = alert.resolvedAt ? `resolved ${alert.resolvedAt.toISOString()}` : 'open';
  return [
    alert.message,
    '',
    `Kind:         ${alert.kind} (${alert.severity})`,
    `Account:      ${alert.accountId ?? '-'}`,
    `Cause:        ${alert.cause}`,
    `Occurrences:  ${alert.count} so far`,
    `First seen:   ${alert.firstSeenAt.toISOString()}`,
    `Last seen:    ${alert.lastSeenAt.toISOString()}`,
    `Samples:      ${samples}${more}`,
    `Alert:        ${alert.id} (${state})`,
    '',
    'What to do: follow the advice above. Further occurrences of the same cause within this UTC hour are',
    'counted in this alert and send nothing more; if the cause persists, the next hour opens a new alert.',
    `See it:       quittance alerts list --kind ${alert.kind}${alert.accountId ? ` --account ${alert.accountId}` : ''}`,
    `Once fixed:   quittance alerts resolve ${alert.id}`,
    '',
  ].join('\n');
}

/** The alert as the webhook and `quittance alerts --json` show it (times in ISO-8601 UTC). */
export function alertJson(alert: AlertRecord): Record<string, unknown> {
  return {
    id: alert.id,
    kind: alert.kind,
    cause: alert.cause,
    severity: alert.severity,
    account: alert.accountId,
    paymentId: alert.paymentId,
    message: alert.message,
    count: alert.count,
    samples: alert.samples,
    firstSeenAt: alert.firstSeenAt.toISOString(),
    lastSeenAt: alert.lastSeenAt.toISOString(),
    createdAt: alert.createdAt.toISOString(),
    resolvedAt: alert.resolvedAt?.toISOString() ?? null,
  };
}
