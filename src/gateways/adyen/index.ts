import { isKnownCurrency, QuittanceError } from '../../core/index.js';
import { refusalReply, unavailableReply } from '../_shared/text-reply.js';
import type { GatewayAdapter, GatewayReply, ReplyOutcome, Verdict } from '../gateway.js';
import { ADYEN_SECRET_FIELDS, type AdyenCredentials, adyenCredentialsSchema } from './credentials.js';
import { adyenOfflineAccount, verifyAdyenNotification } from './notification.js';
import { createPaymentLink, LINK_LIFETIME_MS } from './payment-link.js';
import { fetchAdyenStatus } from './status.js';

export type { AdyenCredentials } from './credentials.js';

/** What Adyen expects from a notification it may count as delivered (shared/protocols.md §6). */
export const ADYEN_ACCEPTED = '[accepted]';

const MAX_REPLY_BYTES = 199;

/**
 * accepted → 200 `[accepted]` (the classic rule for standard notifications; newer Adyen webhooks take any 2xx,
 * [UNCONFIRMED] which applies: this body satisfies both); rejected → a 4xx plain line, so Adyen keeps the item in
 * its retry queue and shows the failure; unavailable → 503.
 */
export function adyenReply(outcome: ReplyOutcome): GatewayReply {
  switch (outcome.kind) {
    case 'accepted':
      return { status: 200, contentType: 'text/plain; charset=utf-8', body: ADYEN_ACCEPTED };
    case 'rejected':
      return refusalReply(outcome, MAX_REPLY_BYTES);
    case 'unavailable':
      return unavailableReply(outcome, MAX_REPLY_BYTES);
  }
}

export const adyen: GatewayAdapter<AdyenCredentials, Verdict> = {
  id: 'adyen',
  displayName: 'Adyen (standard notifications, Pay by Link)',
  credentialsSchema: adyenCredentialsSchema,
  secretFields: ADYEN_SECRET_FIELDS,
  // A test account must never create links on the live platform, nor the reverse.
  accountProblem: (account) =>
    (account.mode === 'live') === (account.credentials.environment === 'live')
      ? undefined
      : `credentials.environment is "${account.credentials.environment}" but the account's mode is "${account.mode}": they must agree`,
  // Adyen publishes no fixed source ranges for webhooks (it advises checking the HMAC, not addresses).
  sourceIps: [],
  // DESIGN.md "The ingest path": Adyen waits 10 s for the answer; the doctor's adyen profile says the same.
  notifyTimeoutMs: 10_000,
  // The link expires after LINK_LIFETIME_MS; an hour more for the last shopper on the page and clock drift.
  abandonedAfterMs: LINK_LIFETIME_MS + 60 * 60_000,
  // Adyen's minor units follow ISO 4217 for most currencies; the few where Adyen differs are [UNCONFIRMED] here.
  supportsCurrency: (currency) => isKnownCurrency(currency),
  // The payment link's `reference`, echoed as every notification's merchantReference (at most 80 characters).
  merchantRef: ({ paymentId }) => paymentId,
  createPayment: () => {
    throw new QuittanceError(
      'GATEWAY_UNAVAILABLE',
      'Adyen checkout starts with a server-to-server POST /paymentLinks: call initPayment; createPayment cannot build ' +
        'the link offline.',
    );
  },
  async initPayment(account, request, io) {
    const { checkout, linkId } = await createPaymentLink(account, request, io);
    // Kept as the payment's gatewayRef until the first notification replaces it with the pspReference: until then
    // fetchStatus can ask about the link.
    return { checkout, gatewayRef: linkId };
  },
  verifyNotification: verifyAdyenNotification,
  // The shopper's return from a payment link carries nothing signed.
  readReturn: () => null,
  reply: adyenReply,
  // Through the payment link only (status.ts): Adyen has no payment status API by reference.
  fetchStatus: fetchAdyenStatus,
  offlineAccount: adyenOfflineAccount,
};
