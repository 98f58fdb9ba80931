import { z } from 'zod';

/**
 * Mollie credentials (docs.mollie.com/reference/authentication; mollie/mollie-api-node `src/communication/NetworkClient.ts`
 * sends `Authorization: Bearer <apiKey>` on every call). One host serves test and live: the key's prefix (`test_` /
 * `live_`) selects the mode (mollie-api-node `checkCredentials` accepts `test_`/`live_` API keys), so the prefix must
 * match the account's mode.
 */
export const MOLLIE_API_BASE = 'https://api.mollie.com';

export const KEY_PREFIXES = { test: 'test_', live: 'live_' } as const;

// Strict: a misspelt option (say `apiBsae`) fails at config load instead of being ignored.
export const mollieCredentialsSchema = z.strictObject({
  /** The API key of the account's mode, from the Mollie dashboard (Developers → API keys): test_… or live_…. */
  apiKey: z
    .string()
    .regex(
      /^(test|live)_[A-Za-z0-9]{4,64}$/,
      'apiKey is the Mollie API key: test_… (test mode) or live_… (live mode)',
    ),
  /** Overrides https://api.mollie.com, e.g. to point at a simulator. */
  apiBase: z.url({ protocol: /^https?$/ }).optional(),
});

export type MollieCredentials = z.infer<typeof mollieCredentialsSchema>;

export const MOLLIE_SECRET_FIELDS = ['apiKey'] as const satisfies readonly (keyof MollieCredentials)[];

/** `{apiBase}/v2/<path>` with no doubled slash. */
export function mollieUrl(credentials: MollieCredentials, path: string): string {
  const base = (credentials.apiBase ?? MOLLIE_API_BASE).replace(/\/+$/, '');
  return `${base}/v2/${path}`;
}

/** The API base without user info or query, for messages. */
export function shownBase(credentials: MollieCredentials): string {
  const url = new URL(mollieUrl(credentials, ''));
  return `${url.origin}${url.pathname}`;
}

/** The mode an API key works in, from its prefix. */
export function keyMode(apiKey: string): 'test' | 'live' {
  return apiKey.startsWith(KEY_PREFIXES.live) ? 'live' : 'test';
}

/**
 * Why the key cannot serve an account in `mode`, or undefined when it can. The credentials schema cannot see the
 * account's mode, so every call checks it (a live key on a test account would move real money).
 */
export function keyModeProblem(
  accountId: string,
  mode: 'test' | 'live',
  credentials: MollieCredentials,
): string | undefined {
  if (keyMode(credentials.apiKey) === mode) return undefined;
  const expected = KEY_PREFIXES[mode];
  return (
    `credentials.apiKey of the account ${accountId} is a ${mode === 'live' ? 'TEST' : 'LIVE'} Mollie API key, but ` +
    `the account is ${mode === 'live' ? 'live' : 'in test mode'}: use the ${mode} API key (${expected}…) from the ` +
    `Mollie dashboard, or change the account's mode.`
  );
}
