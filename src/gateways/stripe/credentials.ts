import { z } from 'zod';

/**
 * Stripe credentials (shared/protocols.md §6; stripe/stripe-node `src/Webhooks.ts`). The webhook signing secret is
 * used whole, `whsec_` included, as the HMAC key: it is never base64-decoded. Two secrets are accepted at once
 * while an endpoint's secret is rolled (Stripe then signs with both: one `v1=` each).
 */
export const STRIPE_API_BASE = 'https://api.stripe.com';

/** `Stripe-Signature` timestamps older than this are refused (stripe-node `DEFAULT_TOLERANCE`). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const whsecSchema = z
  .string()
  .regex(
    /^whsec_\S+$/,
    'a webhook signing secret is whsec_… (Dashboard → Webhooks → the endpoint → Signing secret)',
  );

// Strict: a misspelt option fails at config load instead of being ignored.
export const stripeCredentialsSchema = z.strictObject({
  /** The API secret key (or a restricted key) of the account's mode: sk_test_… / rk_test_… or sk_live_… / rk_live_…. */
  secretKey: z
    .string()
    .regex(
      /^[sr]k_(test|live)_[A-Za-z0-9]+$/,
      'secretKey is a Stripe secret key: sk_test_… or sk_live_… (a restricted rk_… key works too)',
    ),
  /** The endpoint's signing secret (whsec_…). */
  webhookSecret: whsecSchema,
  /**
   * The secret being rolled out, while Stripe still signs with it too (a roll keeps the old one valid for up to
   * 24 h). A separate field, not a list, so that it can be given as `{ "env": … }` and is redacted like any secret.
   */
  previousWebhookSecret: whsecSchema.optional(),
  /** How old a signed timestamp may be, in seconds; 0 skips the check (as stripe-node's tolerance 0 does). */
  toleranceSeconds: z.number().int().min(0).max(86_400).default(DEFAULT_TOLERANCE_SECONDS),
  /** Overrides https://api.stripe.com, e.g. to point at a simulator. */
  apiBase: z.url({ protocol: /^https?$/ }).optional(),
  /** The `Stripe-Version` header; absent, the account's default API version applies. */
  apiVersion: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/, 'apiVersion is a Stripe API version such as 2025-03-31.basil')
    .optional(),
});

export type StripeCredentials = z.infer<typeof stripeCredentialsSchema>;

export const STRIPE_SECRET_FIELDS = [
  'secretKey',
  'webhookSecret',
  'previousWebhookSecret',
] as const satisfies readonly (keyof StripeCredentials)[];

/**
 * Why the key cannot serve an account in `mode`, or undefined. A live key on a test account would move real money.
 */
export function keyModeProblem(
  accountId: string,
  mode: 'test' | 'live',
  credentials: StripeCredentials,
): string | undefined {
  const keyMode = /^[sr]k_live_/.test(credentials.secretKey) ? 'live' : 'test';
  if (keyMode === mode) return undefined;
  return (
    `credentials.secretKey of the account ${accountId} is a ${keyMode.toUpperCase()} key, but the account is ` +
    `${mode === 'live' ? 'live' : 'in test mode'}: use the ${mode} secret key (${mode === 'live' ? 'sk_live_' : 'sk_test_'}…) ` +
    `from the Stripe Dashboard, or change the account's mode.`
  );
}

/** `{apiBase}/v1/<path>` with no doubled slash. */
export function stripeUrl(credentials: StripeCredentials, path: string): string {
  const base = (credentials.apiBase ?? STRIPE_API_BASE).replace(/\/+$/, '');
  return `${base}/v1/${path}`;
}

/** The signing secrets to try, current first. */
export function webhookSecretsOf(credentials: StripeCredentials): string[] {
  return credentials.previousWebhookSecret === undefined
    ? [credentials.webhookSecret]
    : [credentials.webhookSecret, credentials.previousWebhookSecret];
}
