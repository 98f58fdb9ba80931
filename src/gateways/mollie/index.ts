import { QuittanceError } from '../../core/index.js';
import { plainTextReply } from '../_shared/text-reply.js';
import type {
  GatewayAccount,
  GatewayAdapter,
  GatewayReply,
  NotificationCheck,
  RawRequest,
  ReplyOutcome,
} from '../gateway.js';
import { initMolliePayment } from './create.js';
import {
  keyMode,
  keyModeProblem,
  MOLLIE_SECRET_FIELDS,
  type MollieCredentials,
  mollieCredentialsSchema,
} from './credentials.js';
import { supportsMollieCurrency } from './currencies.js';
import { fetchMollieBack, fetchMollieStatus } from './fetch.js';
import { verifyMollieNotification } from './notification.js';
import { refundMolliePayment } from './refund.js';

export { formatMollieAmount, parseMollieAmount } from './amount.js';
export { createPaymentBody, idempotencyKey, initMolliePayment } from './create.js';
export type { MollieCredentials } from './credentials.js';
export { fetchMollieBack, fetchMollieStatus, mollieSignals } from './fetch.js';
export { chargebackOf, MOLLIE_STATUSES, mapMolliePayment, readMolliePayment } from './map.js';
export { verifyMollieNotification } from './notification.js';

/** Mollie's webhook log shows the answer; a short line is plenty (and Mollie reads only the status). */
const MAX_REPLY_BYTES = 199;

/**
 * How long Mollie waits for our answer: not stated in the docs read (shared/protocols.md "Mollie": [UNCONFIRMED]). We
 * store and answer in milliseconds and fetch back later from a job, so a 10 s budget costs nothing.
 */
const NOTIFY_TIMEOUT_MS = 10_000;

/**
 * Every Mollie payment is created at Mollie first (initPayment), so "no trace" only happens when that call never
 * succeeded; an abandoned checkout shows up instead as the fetched payment's `expired`/`canceled` status. A day is
 * conservative (Mollie's own expiry is per method, from minutes for cards to days for bank transfers).
 */
const ABANDONED_AFTER_MS = 24 * 60 * 60_000;

export const mollie: GatewayAdapter<MollieCredentials, NotificationCheck> = {
  id: 'mollie',
  displayName: 'Mollie',
  credentialsSchema: mollieCredentialsSchema,
  secretFields: MOLLIE_SECRET_FIELDS,
  // Refused at config load too, not only at each call: a live key on a test account would move real money.
  accountProblem: (account) => keyModeProblem(account.id, account.mode, account.credentials),
  // Mollie publishes no source addresses for its webhooks (docs.mollie.com/reference/webhooks says nothing of them):
  // the fetch-back with our API key is the authentication.
  sourceIps: [],
  notifyTimeoutMs: NOTIFY_TIMEOUT_MS,
  abandonedAfterMs: ABANDONED_AFTER_MS,
  supportsCurrency: supportsMollieCurrency,
  // Mollie has no order-id field for payments: our payment id, unique per account, travels in metadata.
  merchantRef: ({ paymentId }) => paymentId,
  createPayment: () => {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      'Mollie payments start with a server-to-server POST /v2/payments: call initPayment (src/gateways/mollie) at ' +
        'checkout; createPayment cannot build the link without the _links.checkout.href Mollie returns.',
    );
  },
  initPayment: initMolliePayment,
  verifyNotification: verifyMollieNotification,
  fetchBack: fetchMollieBack,
  fetchStatus: fetchMollieStatus,
  refund: refundMolliePayment,
  // The customer comes back to redirectUrl with nothing at all (not even the id): the engine asks fetchStatus.
  readReturn: () => null,
  reply: mollieReply,
  offlineAccount: mollieOfflineAccount,
};

/**
 * Mollie wants HTTP 200 (docs.mollie.com/reference/webhooks); anything else is retried. Accepted — which includes a
 * webhook stored for its fetch-back, even one whose id Mollie turns out not to know — is 200 with a short line; a
 * refusal (a malformed body) a 4xx, never a 5xx; unavailable (nothing stored) 503 so that Mollie retries.
 */
export function mollieReply(outcome: ReplyOutcome): GatewayReply {
  return plainTextReply(outcome, MAX_REPLY_BYTES);
}

/**
 * For `quittance verify mollie`: a webhook carries nothing to check offline (no signature, an id only), so verify
 * reads the body and asks Mollie with the API key given, whose prefix sets the mode.
 */
export function mollieOfflineAccount(input: {
  readonly request: RawRequest;
  readonly secret: string;
  readonly algorithm?: string | undefined;
}): GatewayAccount<MollieCredentials> {
  if (input.algorithm !== undefined) {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      'Mollie signs nothing, so there is no algorithm to choose: leave the option out.',
    );
  }
  const parsed = mollieCredentialsSchema.safeParse({ apiKey: input.secret });
  if (!parsed.success) {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      'the secret must be a Mollie API key, test_… or live_… (it is needed to fetch the payment back; nothing can ' +
        'be verified offline).',
    );
  }
  return { id: 'offline', gateway: 'mollie', mode: keyMode(parsed.data.apiKey), credentials: parsed.data };
}
