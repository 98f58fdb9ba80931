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
import { initTalerPayment } from './create.js';
import {
  DEFAULT_PAY_DEADLINE_SECONDS,
  TALER_CURRENCY,
  TALER_SECRET_FIELDS,
  type TalerCredentials,
  talerCredentialsSchema,
} from './credentials.js';
import { refundTalerOrder } from './refund.js';
import { fetchTalerBack, fetchTalerStatus, watchTalerStatus } from './status.js';
import { verifyTalerWebhook } from './webhook.js';

export { formatTalerAmount, parseTalerAmount } from './amount.js';
export { createOrderBody, initTalerPayment, isWalletUri } from './create.js';
export type { TalerCredentials } from './credentials.js';
export { mapOrder, readOrderStatus, signalOfOrder, type TalerOrder } from './order-status.js';
export { refundTag, refundTalerOrder } from './refund.js';
export { fetchTalerBack, fetchTalerStatus, type TalerStatusQuery, watchTalerStatus } from './status.js';
export { verifyTalerWebhook, WEBHOOK_EVENTS } from './webhook.js';

const MAX_REPLY_BYTES = 199;

/**
 * The backend's webhook client gives up on a slow target after a time it does not publish [UNCONFIRMED]; we store and
 * answer in milliseconds and fetch back later from a job, so 10 s is a conservative budget.
 */
const NOTIFY_TIMEOUT_MS = 10_000;

/**
 * Every Taler payment is created at the backend first (initPayment), so "the gateway has no trace" happens only when
 * that never succeeded. An unpaid order is called expired by the status mapping itself once its `pay_deadline`
 * (which quittance sets: credentials.payDeadlineSeconds, default 2 h) has passed; this horizon is the default pay
 * delay plus a margin, for the engine's last reconciliation check.
 */
const ABANDONED_AFTER_MS = (DEFAULT_PAY_DEADLINE_SECONDS + 5 * 60) * 1000;

export const taler: GatewayAdapter<TalerCredentials, NotificationCheck> = {
  id: 'taler',
  displayName: 'GNU Taler',
  credentialsSchema: talerCredentialsSchema,
  secretFields: TALER_SECRET_FIELDS,
  // Webhooks come from wherever the merchant runs the backend: no published ranges. The fetch-back authenticates.
  sourceIps: [],
  notifyTimeoutMs: NOTIFY_TIMEOUT_MS,
  abandonedAfterMs: ABANDONED_AFTER_MS,
  // Without the account, any code a Taler amount can carry (the account's `currency`, when set, is checked at
  // initPayment: supportsCurrency has no account to read it from).
  supportsCurrency: (currency) => TALER_CURRENCY.test(currency),
  // Our payment id becomes the Taler order_id: unique per account, URL-safe, and what webhooks name.
  merchantRef: ({ paymentId }) => paymentId,
  createPayment: () => {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      'Taler payments start with a server-to-server POST /private/orders: call initPayment (src/gateways/taler) at ' +
        'checkout; createPayment cannot build the taler://pay URI without the order the backend creates.',
    );
  },
  initPayment: initTalerPayment,
  verifyNotification: verifyTalerWebhook,
  fetchBack: fetchTalerBack,
  fetchStatus: fetchTalerStatus,
  watchStatus: watchTalerStatus,
  refund: refundTalerOrder,
  // The browser comes back to the fulfillment URL with nothing signed: the engine asks fetchStatus instead.
  readReturn: () => null,
  reply: talerReply,
  offlineAccount: talerOfflineAccount,
};

/**
 * The backend's webhook client wants a 2xx; what it does on other answers is [UNCONFIRMED] beyond "retries on a
 * temporary error" (protocols.md §5). Accepted (a stored hint waiting for its fetch-back) → 200; refused → a 4xx, so
 * it is not retried; nothing stored → 503 so that it retries.
 */
export function talerReply(outcome: ReplyOutcome): GatewayReply {
  return plainTextReply(outcome, MAX_REPLY_BYTES);
}

/**
 * For `quittance verify taler`: nothing in a webhook can be checked offline (nothing is signed); the secret is the
 * access token, needed to fetch the order back. The backend URL is not in the webhook: `quittance verify` passes it
 * as `--api-base` (read by the verify command) — here a placeholder that the command replaces [see report].
 */
export function talerOfflineAccount(input: OfflineInput): GatewayAccount<TalerCredentials> {
  if (input.algorithm !== undefined) {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      'Taler webhooks are not signed: there is no algorithm to choose.',
    );
  }
  const parsed = talerCredentialsSchema.safeParse({
    backendUrl: 'https://taler-backend.invalid/',
    token: input.secret,
  });
  if (!parsed.success) {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      'the secret must be the Taler instance access token (secret-token:…), printable ASCII without spaces.',
    );
  }
  return { id: 'offline', gateway: 'taler', mode: 'test', credentials: parsed.data };
}
