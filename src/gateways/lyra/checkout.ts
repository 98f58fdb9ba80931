import { currencyToNumeric, QuittanceError } from '../../core/index.js';
import type { Checkout, CheckoutRequest, GatewayAccount } from '../gateway.js';
import type { LyraBrand, LyraCredentials } from './credentials.js';
import { lyraSignature } from './signature.js';

const PAYMENT_PAGES: Readonly<Record<LyraBrand, string>> = {
  lyra: 'https://secure.lyra.com/vads-payment/',
  payzen: 'https://secure.payzen.eu/vads-payment/',
  systempay: 'https://paiement.systempay.fr/vads-payment/',
  sogecommerce: 'https://sogecommerce.societegenerale.eu/vads-payment/',
};

/** vads_trans_id values 900000–999999 are reserved for the gateway, so a shop has 900000 ids per UTC day. */
const TRANS_IDS_PER_DAY = 900_000;

/** `YYYYMMDDHHMMSS` in UTC, the format of `vads_trans_date`. */
export function lyraTransDate(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * `YYYYMMDD-NNNNNN`: the UTC day and the `vads_trans_id`. Lyra only requires the trans id to be unique per shop
 * per UTC day, so the day is part of our reference; a notification gives it back as `vads_trans_date`.
 */
export function lyraMerchantRef(input: { readonly now: Date; readonly dailySequence: number }): string {
  if (!Number.isSafeInteger(input.dailySequence) || input.dailySequence < 1) {
    throw new RangeError(`dailySequence counts from 1, got ${input.dailySequence}`);
  }
  const transId = String((input.dailySequence - 1) % TRANS_IDS_PER_DAY).padStart(6, '0');
  return `${lyraTransDate(input.now).slice(0, 8)}-${transId}`;
}

/** The merchant reference a notification speaks of, rebuilt from its signed fields. */
export function merchantRefOf(transDate: string, transId: string): string {
  return `${transDate.slice(0, 8)}-${transId}`;
}

export function createLyraPayment(
  account: GatewayAccount<LyraCredentials>,
  request: CheckoutRequest,
): Checkout {
  const { credentials } = account;
  const currency = currencyToNumeric(request.amount.currency);
  if (currency === undefined) {
    throw new QuittanceError(
      'UNSUPPORTED_CURRENCY',
      `Lyra has no numeric code for the currency ${request.amount.currency}.`,
    );
  }
  const transDate = lyraTransDate(request.now);
  const fields: Record<string, string> = {
    vads_action_mode: 'INTERACTIVE',
    vads_amount: String(request.amount.value),
    vads_ctx_mode: account.mode === 'live' ? 'PRODUCTION' : 'TEST',
    vads_currency: currency,
    vads_order_id: request.orderRef,
    vads_page_action: 'PAYMENT',
    vads_payment_config: 'SINGLE',
    vads_return_mode: 'POST',
    vads_site_id: credentials.siteId,
    vads_trans_date: transDate,
    vads_trans_id: transIdOf(request.merchantRef, transDate),
    vads_url_check: request.urls.notify,
    vads_url_return: request.urls.return,
    vads_version: 'V2',
  };
  fields.signature = lyraSignature(fields, credentials.key, credentials.algorithm);
  return { method: 'POST', url: credentials.paymentUrl ?? PAYMENT_PAGES[credentials.brand], fields };
}

/**
 * The trans id is unique only within its UTC day, and notifications are matched on `trans_date` day + trans id,
 * so a reference made for another day than `now` (a request built just before midnight) would never be found again.
 */
function transIdOf(merchantRef: string, transDate: string): string {
  const match = /^(\d{8})-(\d{6})$/.exec(merchantRef);
  if (!match) {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      `The Lyra reference "${merchantRef}" is not of the form YYYYMMDD-NNNNNN.`,
    );
  }
  if (match[1] !== transDate.slice(0, 8)) {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      `The Lyra reference ${merchantRef} was made for another UTC day than the payment date ${transDate.slice(0, 8)}.`,
    );
  }
  return match[2] as string;
}
