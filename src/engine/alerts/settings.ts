import type { Config } from '../../config/schema.js';
import { QuittanceError } from '../../core/errors.js';
import { parseDuration } from '../../jobs/backoff.js';
import type { AlertSeverity } from '../../store/repos/alerts.js';
import type { Engine } from '../engine.js';

export type AlertChannel = 'email' | 'webhook';

type AlertsConfig = Config['alerts'];
type Secret = string | { readonly env: string };
type Env = Readonly<Record<string, string | undefined>>;

const DEFAULTS: AlertsConfig = { minSeverity: 'warning', overdueAfter: '15m' };
const RANK: Readonly<Record<AlertSeverity, number>> = { info: 0, warning: 1, critical: 2 };

/** The `alerts` section of the engine's config (defaults when an older caller built it without one). */
export function alertsConfig(engine: Engine): AlertsConfig {
  return (engine.config as { alerts?: AlertsConfig }).alerts ?? DEFAULTS;
}

/** The channels an alert of `severity` goes to: none below `minSeverity`, else every configured one. */
export function channelsFor(config: AlertsConfig, severity: AlertSeverity): AlertChannel[] {
  if (RANK[severity] < RANK[config.minSeverity]) return [];
  return [...(config.email ? (['email'] as const) : []), ...(config.webhook ? (['webhook'] as const) : [])];
}

/** How long a payment paid by another path may wait for its notification before it is overdue. */
export function overdueAfterMs(engine: Engine): number {
  return parseDuration(alertsConfig(engine).overdueAfter);
}

/**
 * A secret of the `alerts` section, resolved when it is used (`{ "env": "NAME" }` reads the environment
 * then): the config loader resolves account secrets only. The error names the setting, never the value.
 */
export function resolveAlertSecret(secret: Secret, where: string, env: Env = process.env): string {
  if (typeof secret === 'string') return secret;
  const value = env[secret.env];
  if (value === undefined || value === '') {
    throw new QuittanceError('CONFIG_INVALID', `${where}: environment variable ${secret.env} is not set`);
  }
  return value;
}
