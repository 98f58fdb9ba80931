import { createHash } from 'node:crypto';
import { currencyToNumeric, QuittanceError } from '../../core/index.js';
import type { Checkout, CheckoutRequest, GatewayAccount } from '../gateway.js';
import { type SipsCredentials, sipsPaypageUrl } from './credentials.js';
import { buildSipsData } from './data.js';
import { sipsSeal } from './seal.js';

/**
 * The Paypage POST interface version sent with the form: `HP_2.24`, as wl-sips/sips-paypage-post-php
 * `Common/redirectionForm.php` sends it.
 */
export const SIPS_INTERFACE_VERSION = 'HP_2.24';

/**
 * transactionReference: unique per merchantId and always given back (worldline/sips-sdk-java `ResponseData.java`,
 * shared/protocols.md §1). odoo/odoo `addons/payment_sips/models/payment_transaction.py` `_compute_reference`: "References
 * can only be made of alphanumeric characters" and "must be unique at provider level for a given merchant account".
 * Its maximum length is commonly given as 35 (AN35 in the Sips data dictionary: [UNCONFIRMED] against a stored
 * Worldline page), so we stay within 35.
 */
export const SIPS_MAX_REFERENCE = 35;

/**
 * Our payment id without its separator (`pay_01jq…` → `pay01jq…`, 29 characters): unique because payment ids are.
 * Any other id (longer, other characters) falls back to 32 hex digits of its SHA-256, still deterministic.
 */
export function sipsMerchantRef(input: { readonly paymentId: string }): string {
  const compact = input.paymentId.replace('_', '');
  if (/^[a-z]+_[0-9A-Za-z]+$/.test(input.paymentId) && compact.length <= SIPS_MAX_REFERENCE) return compact;
  return createHash('sha256').update(input.paymentId, 'utf8').digest('hex').slice(0, 32);
}

export function createSipsPayment(
  account: GatewayAccount<SipsCredentials>,
  request: CheckoutRequest,
): Checkout {
  const { credentials } = account;
  const currency = currencyToNumeric(request.amount.currency);
  if (currency === undefined) {
    throw new QuittanceError(
      'UNSUPPORTED_CURRENCY',
      `Sips takes a numeric ISO-4217 currency code; quittance has none for ${request.amount.currency}.`,
    );
  }
  if (!/^[0-9A-Za-z]{1,35}$/.test(request.merchantRef)) {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      `The Sips transactionReference "${request.merchantRef}" must be 1 to ${SIPS_MAX_REFERENCE} letters or digits.`,
    );
  }
  for (const [name, value] of [
    ['orderRef', request.orderRef],
    ['notify URL', request.urls.notify],
    ['return URL', request.urls.return],
  ] as const) {
    if (value.includes('|')) {
      throw new QuittanceError(
        'VALIDATION_FAILED',
        `The ${name} cannot contain "|", the Sips Data separator.`,
      );
    }
  }
  // Keys as in the SDK samples (shared/protocols.md §1); Sips does not sort them, the seal is over the string as built.
  const data = buildSipsData([
    ['amount', String(request.amount.value)],
    ['currencyCode', currency],
    ['merchantId', credentials.merchantId],
    ['normalReturnUrl', request.urls.return],
    ['automaticResponseUrl', request.urls.notify],
    ['transactionReference', request.merchantRef],
    ['keyVersion', credentials.keyVersion],
    ['orderId', request.orderRef],
    ['orderChannel', 'INTERNET'],
    ['customerLanguage', 'en'],
  ]);
  return {
    method: 'POST',
    url: sipsPaypageUrl(credentials),
    fields: {
      Data: data,
      InterfaceVersion: SIPS_INTERFACE_VERSION,
      Seal: sipsSeal(data, credentials.secretKey, credentials.sealAlgorithm),
      SealAlgorithm: credentials.sealAlgorithm,
    },
  };
}
