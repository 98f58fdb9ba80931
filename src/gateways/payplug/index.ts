import { QuittanceError } from '../../core/index.js';
import { plainTextReply } from '../_shared/text-reply.js';
import type {
  GatewayAccount,
  GatewayAdapter,
  GatewayReply,
  NotificationCheck,
  OfflineInput,
  ReplyOutcome,
} from '../gateway.js';
import { initPayplugPayment } from './create.js';
import {
  keyModeProblem,
  PAYPLUG_SECRET_FIELDS,
  type PayplugCredentials,
  payplugCredentialsSchema,
} from './credentials.js';
import { fetchPayplugBack, fetchPayplugStatus } from './fetch.js';
import { verifyPayplugNotification } from './notification.js';

export { createPaymentBody, initPayplugPayment } from './create.js';
export type { PayplugCredentials } from './credentials.js';
export { fetchPayplugBack, fetchPayplugStatus } from './fetch.js';
export { mapPayplugPayment, readPayment } from './map.js';
export { verifyPayplugNotification } from './notification.js';

/** Our answer shows in the portal's notification log ("IPN 200"): a short line is plenty. */
const MAX_REPLY_BYTES = 199;

/**
 * PayPlug publishes no timeout for its notification call (shared/protocols.md §2: [UNCONFIRMED]). We store and answer
 * in milliseconds and verify later from a job, so a conservative 10 s budget costs nothing.
 */
const NOTIFY_TIMEOUT_MS = 10_000;

/**
 * How long after creation a payment PayPlug has no trace of may be called expired. Every PayPlug payment is created
 * at PayPlug first (initPayment), so "no trace" only happens when that call never succeeded; an abandoned page shows
 * up instead as the fetched payment's `failure.code: "timeout"` (map.ts). PayPlug does not publish how long its hosted
 * page stays payable [UNCONFIRMED]; a day is conservative, as for Triveneto.
 */
const ABANDONED_AFTER_MS = 24 * 60 * 60_000;

export const payplug: GatewayAdapter<PayplugCredentials, NotificationCheck> = {
  id: 'payplug',
  displayName: 'PayPlug',
  credentialsSchema: payplugCredentialsSchema,
  secretFields: PAYPLUG_SECRET_FIELDS,
  // Refused at config load too, not only at each call: a live key on a test account would move real money.
  accountProblem: (account) => keyModeProblem(account.id, account.mode, account.credentials),
  // PayPlug publishes no source addresses [UNCONFIRMED]: the fetch-back is the authentication.
  sourceIps: [],
  notifyTimeoutMs: NOTIFY_TIMEOUT_MS,
  abandonedAfterMs: ABANDONED_AFTER_MS,
  // protocols.md §2: `currency` (`EUR`); PayPlug settles in euros only.
  supportsCurrency: (currency) => currency === 'EUR',
  // PayPlug has no order-id field (protocols.md §2): our payment id, unique per account, travels in metadata.
  merchantRef: ({ paymentId }) => paymentId,
  createPayment: () => {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      'PayPlug payments start with a server-to-server POST /v1/payments: call initPayment (src/gateways/payplug) ' +
        'at checkout; createPayment cannot build the link without the payment_url PayPlug returns.',
    );
  },
  initPayment: initPayplugPayment,
  verifyNotification: verifyPayplugNotification,
  fetchBack: fetchPayplugBack,
  fetchStatus: fetchPayplugStatus,
  // The customer comes back to return_url with nothing signed: the engine asks fetchStatus instead.
  readReturn: () => null,
  reply: payplugReply,
  offlineAccount: payplugOfflineAccount,
};

/**
 * PayPlug wants HTTP 200 (protocols.md §2: the portal shows "IPN 200" and e-mails the merchant on errors). Accepted —
 * which includes a deferred notification stored for its fetch-back — is 200; a refusal a 4xx (never a 5xx, which
 * would read as "retry"); unavailable (nothing stored) 503 so that PayPlug retries, if it does [UNCONFIRMED].
 */
export function payplugReply(outcome: ReplyOutcome): GatewayReply {
  return plainTextReply(outcome, MAX_REPLY_BYTES);
}

/**
 * For `quittance verify payplug`: nothing in a PayPlug notification can be checked offline (no signature), but the
 * body can still be read and the deferred check shown. The secret key is validated and sets the mode (sk_live_ →
 * live); there is no algorithm to choose.
 */
export function payplugOfflineAccount(input: OfflineInput): GatewayAccount<PayplugCredentials> {
  if (input.algorithm !== undefined) {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      'PayPlug signs nothing, so there is no algorithm to choose: leave the option out.',
    );
  }
  const parsed = payplugCredentialsSchema.safeParse({ secretKey: input.secret });
  if (!parsed.success) {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      'the secret must be a PayPlug secret key, sk_test_… or sk_live_… (it is needed to fetch the payment back; ' +
        'nothing can be verified offline).',
    );
  }
  return {
    id: 'offline',
    gateway: 'payplug',
    mode: parsed.data.secretKey.startsWith('sk_live_') ? 'live' : 'test',
    credentials: parsed.data,
  };
}
