import { currencyToNumeric, QuittanceError } from '../../core/index.js';
import { plainTextReply } from '../_shared/text-reply.js';
import type {
  GatewayAccount,
  GatewayAdapter,
  GatewayReply,
  OfflineInput,
  ReplyOutcome,
  Verdict,
} from '../gateway.js';
import { initStripeSession } from './create.js';
import {
  keyModeProblem,
  STRIPE_SECRET_FIELDS,
  type StripeCredentials,
  stripeCredentialsSchema,
} from './credentials.js';
import { verifyStripeNotification } from './notification.js';
import { fetchStripeStatus } from './status.js';

export { checkoutOf, initStripeSession, sessionParams } from './create.js';
export type { StripeCredentials } from './credentials.js';
export { verifyStripeNotification } from './notification.js';
export { checkStripeSignature, signatureHeader, stripeSignature } from './signature.js';
export { fetchStripeStatus } from './status.js';

const MAX_REPLY_BYTES = 199;

/**
 * Stripe's documentation asks for a 2xx "quickly", before any slow logic, and counts a slow answer as failed; the
 * exact timeout is not in protocols.md [UNCONFIRMED]. We store and answer in milliseconds.
 */
const NOTIFY_TIMEOUT_MS = 10_000;

/**
 * A Checkout Session stays payable for 24 h by default (`expires_at`, at most 24 h after creation), then Stripe sends
 * checkout.session.expired. An hour more for clocks and late deliveries.
 */
const ABANDONED_AFTER_MS = 25 * 60 * 60_000;

/**
 * Currencies whose smallest unit at Stripe is not ISO-4217's minor unit (Stripe's "special cases": three-decimal
 * currencies must end in 0; ISK, HUF, TWD and UGX are zero-decimal in some places and two-decimal in others). Refused
 * rather than risk paying the wrong amount.
 */
const SPECIAL_CASE_CURRENCIES = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND', 'ISK', 'HUF', 'TWD', 'UGX']);

export const stripe: GatewayAdapter<StripeCredentials, Verdict> = {
  id: 'stripe',
  displayName: 'Stripe',
  credentialsSchema: stripeCredentialsSchema,
  secretFields: STRIPE_SECRET_FIELDS,
  accountProblem: (account) => keyModeProblem(account.id, account.mode, account.credentials),
  // Stripe publishes its webhook source addresses (stripe.com/files/ips/ips_webhooks.txt) but changes them; the
  // signature is the authentication. Not copied here [UNCONFIRMED].
  sourceIps: [],
  notifyTimeoutMs: NOTIFY_TIMEOUT_MS,
  abandonedAfterMs: ABANDONED_AFTER_MS,
  supportsCurrency: (currency) =>
    currencyToNumeric(currency) !== undefined && !SPECIAL_CASE_CURRENCIES.has(currency),
  // Stripe takes our id as client_reference_id and metadata: no separate reference is needed.
  merchantRef: ({ paymentId }) => paymentId,
  createPayment: () => {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      'Stripe payments start with a server-to-server POST /v1/checkout/sessions: call initPayment ' +
        '(src/gateways/stripe) at checkout; createPayment cannot build the link without the session url.',
    );
  },
  initPayment: initStripeSession,
  verifyNotification: verifyStripeNotification,
  fetchStatus: fetchStripeStatus,
  // The customer comes back to success_url with nothing signed: the engine asks fetchStatus instead.
  readReturn: () => null,
  reply: stripeReply,
  offlineAccount: stripeOfflineAccount,
};

/** Any 2xx is delivered for Stripe; anything else is retried (for up to 3 days in live mode, protocols.md §6). */
export function stripeReply(outcome: ReplyOutcome): GatewayReply {
  return plainTextReply(outcome, MAX_REPLY_BYTES);
}

/**
 * For `quittance verify stripe --secret whsec_…`: the signing secret is all a check needs; the mode comes from the
 * event's `livemode` when the body reads as one. The API key is a placeholder (nothing is fetched offline).
 */
export function stripeOfflineAccount(input: OfflineInput): GatewayAccount<StripeCredentials> {
  if (input.algorithm !== undefined) {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      'Stripe signs with HMAC-SHA-256 only: leave the algorithm out.',
    );
  }
  let live = false;
  try {
    const event: unknown = JSON.parse(Buffer.from(input.request.body).toString('utf8'));
    live = typeof event === 'object' && event !== null && (event as { livemode?: unknown }).livemode === true;
  } catch {
    // Not JSON: the verdict will say so; the mode does not matter.
  }
  const parsed = stripeCredentialsSchema.safeParse({
    secretKey: live ? 'sk_live_offline' : 'sk_test_offline',
    webhookSecret: input.secret,
  });
  if (!parsed.success) {
    throw new QuittanceError('VALIDATION_FAILED', 'the secret must be the endpoint signing secret, whsec_…');
  }
  return { id: 'offline', gateway: 'stripe', mode: live ? 'live' : 'test', credentials: parsed.data };
}
