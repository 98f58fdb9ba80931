import { sipsSeal } from '../../gateways/sips/seal.js';
import { buildData, encodeData } from './data.js';
import { RESPONSE_CODE, type TxState } from './transactions.js';
import type { SipsOutcome } from './types.js';

/** What the platform knows about a transaction once the shopper has acted. */
export interface ResponseFacts {
  readonly tx: TxState;
  readonly actedAt: Date;
  readonly authorisationId: string;
}

/**
 * The response `Data` pairs for `outcome` (the same for the manual and the automatic response: docs.sips.worldline-
 * solutions.com/en/WLSIPS.325-UG-Sips-Message.html says the two are independent, not different). Fields and order
 * after worldline/sips-sdk-java's response tests (ResponseData.java; shared/protocols.md §1): always
 * transactionReference, merchantId, amount (as settled), currencyCode, responseCode, keyVersion; orderId echoed only
 * when the form sent one; card data and acquirerResponseCode only when a card was used (not for 17, cancelled);
 * authorisationId only when accepted. Sips writes `null` for fields it has no value for (the SDK's
 * `decodeResponse_with_cancelled_request_unknown` test): customerMobilePhone shows that.
 *
 * captureMode [simulation choice]: `authorised-only` answers VALIDATION (the merchant must validate in Office),
 * `paid` answers the form's captureMode unless it asked VALIDATION, then AUTHOR_CAPTURE (the default).
 */
export function responsePairs(
  facts: ResponseFacts,
  outcome: SipsOutcome,
  amount: number,
): [string, string][] {
  const { tx, actedAt, authorisationId } = facts;
  const { request } = tx;
  const responseCode = RESPONSE_CODE[outcome];
  const accepted = responseCode === '00';
  const cardUsed = outcome !== 'CANCELLED';
  const captureMode = responseCaptureMode(tx, outcome);
  const pairs: [string, string][] = [
    ['captureDay', request.captureDay],
    ['captureMode', captureMode],
    ['currencyCode', request.currencyCode],
    ['merchantId', request.merchantId],
    ['orderChannel', request.fields.orderChannel ?? 'INTERNET'],
    ['responseCode', responseCode],
    ['transactionDateTime', sipsDateTime(actedAt)],
    ['transactionReference', request.transactionReference],
    ['keyVersion', request.keyVersion],
  ];
  if (cardUsed) pairs.push(['acquirerResponseCode', accepted ? '00' : '05']);
  pairs.push(['amount', String(amount)]);
  if (accepted) pairs.push(['authorisationId', authorisationId]);
  if (request.orderId) pairs.push(['orderId', request.orderId]);
  if (cardUsed) {
    pairs.push(
      ['paymentMeanBrand', 'VISA'],
      ['paymentMeanType', 'CARD'],
      ['maskedPan', '4100##########00'],
      ['holderAuthentStatus', accepted ? '3D_SUCCESS' : '3D_FAILURE'],
    );
  }
  pairs.push(['customerMobilePhone', 'null']);
  return pairs;
}

/** The captureMode the platform applied (see `responsePairs`). */
export function responseCaptureMode(tx: TxState, outcome: SipsOutcome): string {
  if (outcome === 'ACCEPTED_TO_VALIDATE') return 'VALIDATION';
  return tx.request.captureMode === 'VALIDATION' ? 'AUTHOR_CAPTURE' : tx.request.captureMode;
}

/**
 * A response form: `Data`, `Encode`, `Seal`, `InterfaceVersion` (wl-sips/sips-paypage-post-php
 * `Common/paymentResponse.php`), sealed over Data as sent with the merchant's secret key. [UNCONFIRMED] choices: the
 * seal uses the algorithm the payment request named, Data is encoded as the request was, and InterfaceVersion echoes
 * the request's. A forgery is sealed with a key that is not the merchant's.
 */
export function responseForm(tx: TxState, pairs: readonly (readonly [string, string])[], forged = false) {
  const { request } = tx;
  const data = encodeData(buildData(pairs), request.encode);
  const key = forged ? `${request.shop.secretKey}-forged` : request.shop.secretKey;
  return {
    Data: data,
    Encode: request.encode,
    Seal: sipsSeal(data, key, request.sealAlgorithm),
    InterfaceVersion: request.interfaceVersion,
  };
}

/** `2026-03-15T00:06:09+00:00`: ISO-8601 with an offset, as in the SDK's response tests. */
export function sipsDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+00:00`;
}

export { RESPONSE_CODE };
