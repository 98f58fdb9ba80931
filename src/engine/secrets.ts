import type { ResolvedConfig } from '../config/load.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Credential fields that name a secret even when an adapter does not list them in `secretFields`. */
const SECRET_NAME = /key|secret|password|passphrase|token|certificate|private/i;

/** Shorter values are not redacted: a 1–3 character "secret" would blank half of every body. */
const MIN_SECRET_LENGTH = 4;

/**
 * Every secret the configuration holds, resolved: account credentials (the adapter's `secretFields`
 * and any field whose name says it is secret), shop webhook secrets, the alert channels' SMTP URL and
 * webhook secret, the metrics token and the config API keys. What redaction (core/redact.ts) removes
 * from anything shown to people, and what the no-leak test greps for.
 */
export function secretsOf(config: ResolvedConfig, env: Env = process.env): string[] {
  const found = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) found.add(value);
  };
  const addSecret = (secret: string | { readonly env: string } | undefined) => {
    if (secret === undefined) return;
    add(typeof secret === 'string' ? secret : env[secret.env]);
  };
  for (const account of config.accounts.values()) {
    const listed = new Set(account.adapter.secretFields);
    const credentials = account.credentials;
    if (typeof credentials === 'object' && credentials !== null) {
      for (const [field, value] of Object.entries(credentials)) {
        if (listed.has(field) || SECRET_NAME.test(field)) add(value);
      }
    }
    add(account.shop.webhookSecret);
  }
  for (const key of config.apiKeys) add(key);
  const alerts = (config as Partial<ResolvedConfig>).alerts;
  addSecret(alerts?.email?.smtp);
  const smtp = alerts?.email?.smtp;
  const smtpUrl = typeof smtp === 'string' ? smtp : smtp ? env[smtp.env] : undefined;
  if (smtpUrl) add(passwordOf(smtpUrl));
  addSecret(alerts?.webhook?.secret);
  addSecret((config as Partial<ResolvedConfig>).metrics?.token);
  return [...found];
}

/** The password inside `smtp://user:pass@host`, decoded, so it is redacted wherever it appears alone. */
function passwordOf(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}
