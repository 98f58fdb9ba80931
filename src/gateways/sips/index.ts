import { currencyToNumeric, ERROR_CODES } from '../../core/index.js';
import { textReply } from '../_shared/text-reply.js';
import type { GatewayAdapter, GatewayReply, ReplyOutcome, Verdict } from '../gateway.js';
import { createSipsPayment, sipsMerchantRef } from './checkout.js';
import { SIPS_SECRET_FIELDS, type SipsCredentials, sipsCredentialsSchema } from './credentials.js';
import { fetchSipsStatus } from './status.js';
import { readSipsReturn, sipsOfflineAccount, verifySipsNotification } from './verify.js';

export type { SipsCredentials } from './credentials.js';

/** Rejections stay one short line; Sips does not read the body (see `sipsReply`). */
const MAX_REPLY_BYTES = 199;

/**
 * How long a payment Sips has no trace of may still become one. No Worldline page read gives the Paypage session
 * validity ([UNCONFIRMED]; responseCode 97 "time frame exceeded" shows a limit exists). We choose the same
 * conservative 2 h as for Lyra (whose page session is 10 min): ample for the customer, and the last reconcile check
 * asks Sips Office (getTransactionData) before anything is called expired.
 */
const ABANDONED_AFTER_MS = 2 * 60 * 60_000;

export const sips: GatewayAdapter<SipsCredentials, Verdict> = {
  id: 'sips',
  displayName: 'Worldline Sips 2.0 (Paypage POST)',
  credentialsSchema: sipsCredentialsSchema,
  secretFields: SIPS_SECRET_FIELDS,
  // The automatic response's source ranges are not published in any document read ([UNCONFIRMED]): no allowlist.
  sourceIps: [],
  // Not documented either ([UNCONFIRMED], shared/protocols.md §1); we answer at once after the commit anyway.
  notifyTimeoutMs: 30_000,
  abandonedAfterMs: ABANDONED_AFTER_MS,
  supportsCurrency: (currency) => currencyToNumeric(currency) !== undefined,
  merchantRef: sipsMerchantRef,
  createPayment: createSipsPayment,
  verifyNotification: verifySipsNotification,
  readReturn: readSipsReturn,
  reply: sipsReply,
  fetchStatus: fetchSipsStatus,
  offlineAccount: sipsOfflineAccount,
};

/**
 * The answer Sips expects to its automatic response is not documented ([UNCONFIRMED]); odoo/odoo
 * `addons/payment_sips/controllers/main.py` answers an empty 200 on success. A refusal is a 4xx one-line text, a storage
 * failure a 503; never HTML, never a redirect.
 */
export function sipsReply(outcome: ReplyOutcome): GatewayReply {
  switch (outcome.kind) {
    case 'accepted':
      return { status: 200, contentType: 'text/plain; charset=utf-8', body: '' };
    case 'rejected': {
      const status =
        outcome.status >= 400 && outcome.status <= 499
          ? outcome.status
          : clamp4xx(ERROR_CODES[outcome.code].status);
      return textReply(status, `KO ${outcome.code} ${outcome.detail}`, MAX_REPLY_BYTES);
    }
    case 'unavailable':
      return textReply(503, `RETRY ${outcome.detail}`, MAX_REPLY_BYTES);
  }
}

function clamp4xx(status: number): number {
  return status >= 400 && status <= 499 ? status : 400;
}
