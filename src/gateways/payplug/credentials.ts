import { z } from 'zod';

/**
 * PayPlug credentials (shared/protocols.md §2; docs.payplug.com/api/apiref.html; payplug/payplug-php
 * `lib/Payplug/Core/HttpClient.php` sends `Authorization: Bearer <secret key>` and `PayPlug-Version: <version>` on
 * every authenticated call). One host serves test and live: the key's prefix (`sk_test_` / `sk_live_`) selects the
 * mode, so the prefix must match the account's mode.
 */
export const PAYPLUG_API_BASE = 'https://api.payplug.com';

/** The API version we speak (the payload shapes below are read for it; protocols.md §2). */
export const PAYPLUG_API_VERSION = '2019-08-06';

export const KEY_PREFIXES = { test: 'sk_test_', live: 'sk_live_' } as const;

// Strict: a misspelt option (say `apiVersoin`) fails at config load instead of being ignored.
export const payplugCredentialsSchema = z.strictObject({
  /** The secret key of the account's mode, from the PayPlug portal (sk_test_… for test, sk_live_… for live). */
  secretKey: z
    .string()
    .regex(
      /^sk_(test|live)_[A-Za-z0-9]+$/,
      'secretKey is the PayPlug secret key: sk_test_… (test mode) or sk_live_… (live mode)',
    ),
  /** Overrides https://api.payplug.com, e.g. to point at a simulator. */
  apiBase: z.url({ protocol: /^https?$/ }).optional(),
  /** The `PayPlug-Version` header. */
  apiVersion: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'apiVersion is a date such as 2019-08-06')
    .optional(),
});

export type PayplugCredentials = z.infer<typeof payplugCredentialsSchema>;

export const PAYPLUG_SECRET_FIELDS = ['secretKey'] as const satisfies readonly (keyof PayplugCredentials)[];

/** `{apiBase}/v1/<path>` with no doubled slash. */
export function payplugUrl(credentials: PayplugCredentials, path: string): string {
  const base = (credentials.apiBase ?? PAYPLUG_API_BASE).replace(/\/+$/, '');
  return `${base}/v1/${path}`;
}

export function payplugHeaders(credentials: PayplugCredentials): Record<string, string> {
  return {
    authorization: `Bearer ${credentials.secretKey}`,
    'payplug-version': credentials.apiVersion ?? PAYPLUG_API_VERSION,
    accept: 'application/json',
  };
}

/**
 * Why the key cannot serve an account in `mode`, or undefined when it can. The credentials schema cannot see the
 * account's mode, so every call checks it (a live key on a test account would move real money).
 */
export function keyModeProblem(
  accountId: string,
  mode: 'test' | 'live',
  credentials: PayplugCredentials,
): string | undefined {
  const expected = KEY_PREFIXES[mode];
  if (credentials.secretKey.startsWith(expected)) return undefined;
  const given = mode === 'live' ? 'a TEST' : 'a LIVE';
  return (
    `credentials.secretKey of the account ${accountId} is ${given} secret key, but the account is ` +
    `${mode === 'live' ? 'live' : 'in test mode'}: use the ${mode === 'live' ? 'live' : 'test'} secret key ` +
    `(${expected}…) from the PayPlug portal, or change the account's mode.`
  );
}
