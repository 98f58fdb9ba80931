import { isKnownCurrency } from '../../core/index.js';
import { textReply } from '../_shared/text-reply.js';
import type { GatewayAdapter, GatewayReply, ReplyOutcome, Verdict } from '../gateway.js';
import { createStandardWebhooksPayment, standardWebhooksMerchantRef } from './checkout.js';
import {
  STANDARD_WEBHOOKS_SECRET_FIELDS,
  type StandardWebhooksCredentials,
  standardWebhooksCredentialsSchema,
} from './credentials.js';
import { standardWebhooksOfflineAccount, verifyStandardWebhook } from './notification.js';

export type { PayloadMapping, StandardWebhooksCredentials } from './credentials.js';

/**
 * Any sender following Standard Webhooks (standardwebhooks.com; Svix, and the many platforms built on it): signed
 * JSON, a configurable mapping from the payload to our signal. No status API is known for a generic sender, so
 * reconciliation alerts a person instead of polling, and the customer's return carries nothing to trust.
 */
export const standardWebhooks: GatewayAdapter<StandardWebhooksCredentials, Verdict> = {
  id: 'standard-webhooks',
  displayName: 'Standard Webhooks sender',
  credentialsSchema: standardWebhooksCredentialsSchema,
  secretFields: STANDARD_WEBHOOKS_SECRET_FIELDS,
  sourceIps: [],
  // The spec suggests senders wait 15 to 30 s for an answer; we plan for the shorter.
  notifyTimeoutMs: 15_000,
  // Nothing generic is known of the sender's page sessions; only used with a status API, which there is none of.
  abandonedAfterMs: 24 * 60 * 60_000,
  supportsCurrency: isKnownCurrency,
  merchantRef: standardWebhooksMerchantRef,
  createPayment: createStandardWebhooksPayment,
  verifyNotification: verifyStandardWebhook,
  readReturn: () => null,
  reply: standardWebhooksReply,
  offlineAccount: standardWebhooksOfflineAccount,
};

/** Any 2xx is success to a Standard Webhooks sender; anything else is retried on its schedule. */
export function standardWebhooksReply(outcome: ReplyOutcome): GatewayReply {
  switch (outcome.kind) {
    case 'accepted':
      return textReply(200, `OK ${outcome.detail}`, 199);
    case 'rejected': {
      const status = outcome.status >= 400 && outcome.status <= 599 ? outcome.status : 400;
      return textReply(status, `KO ${outcome.code} ${outcome.detail}`, 199);
    }
    case 'unavailable':
      return textReply(503, `RETRY ${outcome.detail}`, 199);
  }
}
