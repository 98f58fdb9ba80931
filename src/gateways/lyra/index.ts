import { currencyToNumeric, ERROR_CODES } from '../../core/index.js';
import { textReply } from '../_shared/text-reply.js';
import type { GatewayAdapter, GatewayReply, ReplyOutcome, Verdict } from '../gateway.js';
import { createLyraPayment, lyraMerchantRef } from './checkout.js';
import { LYRA_SECRET_FIELDS, type LyraCredentials, lyraCredentialsSchema } from './credentials.js';
import { fetchLyraStatus } from './status.js';
import { lyraOfflineAccount, readLyraReturn, verifyLyraNotification } from './verify.js';

export type { LyraCredentials } from './credentials.js';

/**
 * Lyra's transaction history keeps the first 200 bytes read from our socket (the Spanish guide says 512
 * characters): a one-line plain-text answer under that stays readable there.
 */
const MAX_REPLY_BYTES = 199;

/**
 * How long a payment Lyra has no trace of may still become one. The form must reach the payment page close to its
 * vads_trans_date: in production Lyra tolerates a vads_trans_date up to 30 min in the past, and only beyond 60 min in
 * the past does it send the merchant a warning e-mail (a late form "can be temporary allowed")
 * (paiement.systempay.fr/doc/en-EN/error-code/error-04.html, Systempay being one of Lyra's brands). Once on the page,
 * "the maximum length of a payment session is 10 minutes" (docs.lyra.com/en-EN/collect/form-payment/standard-payment/
 * setting-up-notifications-in-case-of-abandoned-or-canceled-payments.html; also …/form-payment/iframe/
 * managing-timeouts.html). So 60 + 10 minutes after creation is the last documented moment a payment can be made; we
 * wait 2 h, 50 minutes more, because the 60-minute bound is a warning threshold rather than a documented hard refusal,
 * and the clocks (ours, Lyra's) drift.
 */
const ABANDONED_AFTER_MS = 2 * 60 * 60_000;

export const lyra: GatewayAdapter<LyraCredentials, Verdict> = {
  id: 'lyra',
  displayName: 'Lyra Collect (PayZen, Systempay, Sogecommerce)',
  credentialsSchema: lyraCredentialsSchema,
  secretFields: LYRA_SECRET_FIELDS,
  sourceIps: ['194.50.38.0/24'],
  notifyTimeoutMs: 35_000,
  abandonedAfterMs: ABANDONED_AFTER_MS,
  supportsCurrency: (currency) => currencyToNumeric(currency) !== undefined,
  merchantRef: lyraMerchantRef,
  createPayment: createLyraPayment,
  verifyNotification: verifyLyraNotification,
  readReturn: readLyraReturn,
  reply: lyraReply,
  fetchStatus: fetchLyraStatus,
  offlineAccount: lyraOfflineAccount,
};

/**
 * Lyra counts 2xx and 3xx answers as delivered, so a refusal must be a 4xx/5xx, and a redirect would make it drop
 * the POST data. Anything else fails the call and, when the rule allows it, Lyra retries.
 */
export function lyraReply(outcome: ReplyOutcome): GatewayReply {
  switch (outcome.kind) {
    case 'accepted':
      return text(200, `OK ${outcome.detail}`);
    case 'rejected': {
      const status =
        outcome.status >= 400 && outcome.status <= 599 ? outcome.status : ERROR_CODES[outcome.code].status;
      return text(status, `KO ${outcome.code} ${outcome.detail}`);
    }
    case 'unavailable':
      return text(503, `RETRY ${outcome.detail}`);
  }
}

function text(status: number, line: string): GatewayReply {
  return textReply(status, line, MAX_REPLY_BYTES);
}
