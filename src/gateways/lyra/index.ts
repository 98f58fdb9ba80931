import { currencyToNumeric, ERROR_CODES } from '../../core/index.js';
import { textReply } from '../_shared/text-reply.js';
import type { GatewayAdapter, GatewayReply, ReplyOutcome } from '../gateway.js';
import { createLyraPayment, lyraMerchantRef } from './checkout.js';
import { LYRA_SECRET_FIELDS, type LyraCredentials, lyraCredentialsSchema } from './credentials.js';
import { lyraOfflineAccount, readLyraReturn, verifyLyraNotification } from './verify.js';

export type { LyraCredentials } from './credentials.js';

/**
 * Lyra's transaction history keeps the first 200 bytes read from our socket (the Spanish guide says 512
 * characters): a one-line plain-text answer under that stays readable there.
 */
const MAX_REPLY_BYTES = 199;

export const lyra: GatewayAdapter<LyraCredentials> = {
  id: 'lyra',
  displayName: 'Lyra Collect (PayZen, Systempay, Sogecommerce)',
  credentialsSchema: lyraCredentialsSchema,
  secretFields: LYRA_SECRET_FIELDS,
  sourceIps: ['194.50.38.0/24'],
  notifyTimeoutMs: 35_000,
  // Placeholder until the status API lands: a payment page session does not outlive a day.
  abandonedAfterMs: 24 * 60 * 60_000,
  supportsCurrency: (currency) => currencyToNumeric(currency) !== undefined,
  merchantRef: lyraMerchantRef,
  createPayment: createLyraPayment,
  verifyNotification: verifyLyraNotification,
  readReturn: readLyraReturn,
  reply: lyraReply,
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
