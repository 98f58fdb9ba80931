import { currencyFromNumeric } from '../../core/index.js';
import { type FormPair, formToRecord, repeatedNames } from '../../gateways/_shared/form-codec.js';
import { isSipsSealValid } from '../../gateways/sips/seal.js';
import { isHttpUrl } from '../_shared/http.js';
import { clip, decodeData, parseData } from './data.js';
import type { SipsSealAlgorithm, SipsShop } from './types.js';

/**
 * Paypage POST interface versions: `HP_2.x` (wl-sips/sips-paypage-post-php `Common/redirectionForm.php` sends HP_2.24).
 * Which minor versions Sips still accepts is [UNCONFIRMED]: the simulator takes any HP_2.<n>.
 */
const INTERFACE_VERSION = /^HP_2\.\d{1,3}$/;
const REFERENCE = /^[0-9A-Za-z]{1,35}$/;
/** captureMode values of ResponseData.java (worldline/sips-sdk-java); the simulator refuses others. */
const CAPTURE_MODES = ['AUTHOR_CAPTURE', 'VALIDATION', 'IMMEDIATE'] as const;

/** A payment request that passed every check of the Paypage entry point. */
export interface PaymentRequest {
  readonly shop: SipsShop;
  readonly merchantId: string;
  readonly keyVersion: string;
  /** As the form named it; the responses are sealed the same way ([UNCONFIRMED], see fields.ts). */
  readonly sealAlgorithm: SipsSealAlgorithm;
  readonly interfaceVersion: string;
  /** The form's Encode: the responses' Data is encoded the same way ([UNCONFIRMED]). */
  readonly encode: 'base64' | '';
  /** Every Data field as posted. */
  readonly fields: Readonly<Record<string, string>>;
  readonly amount: number;
  readonly currencyCode: string;
  readonly transactionReference: string;
  readonly orderId: string;
  readonly normalReturnUrl: string;
  /** '' when absent: Sips then sends no automatic response. */
  readonly automaticResponseUrl: string;
  readonly captureMode: (typeof CAPTURE_MODES)[number];
  readonly captureDay: string;
}

/**
 * Why Sips refuses to open its page, with the Sips responseCode that names the class of error (worldline/sips-sdk-java
 * `ResponseCode.java`, shared/protocols.md §1): 03 invalid merchant contract, 12 invalid transaction (a bad or
 * missing parameter), 30 format error, 34 fraud suspicion (seal mismatch or wrong keyVersion), 94 duplicate
 * transactionReference.
 */
export interface PaypageRejection {
  readonly responseCode: '03' | '12' | '30' | '34' | '94';
  readonly field?: string;
  readonly message: string;
}

export type PaypageResult =
  | { readonly ok: true; readonly request: PaymentRequest }
  | { readonly ok: false; readonly rejection: PaypageRejection };

/**
 * Checks a Paypage POST form (`Data`, `InterfaceVersion`, `Seal`, `SealAlgorithm`, `Encode`) the way the entry point
 * must before showing a page: the merchant first (its key is needed for the rest), then keyVersion and the seal over
 * Data exactly as posted, and only then Data's content, so that a forged form is always reported as a seal error.
 * `usedReferences` holds `merchantId/transactionReference` of earlier requests (unique per merchant: ResponseData.java).
 */
export function checkPaymentInit(
  pairs: readonly FormPair[],
  shops: ReadonlyMap<string, SipsShop>,
  usedReferences: { has(key: string): boolean },
): PaypageResult {
  const reject = (responseCode: PaypageRejection['responseCode'], message: string, field?: string) =>
    ({
      ok: false,
      rejection: field === undefined ? { responseCode, message } : { responseCode, field, message },
    }) as const;
  const repeated = repeatedNames(pairs);
  if (repeated.length > 0) return reject('30', `the field ${clip(repeated[0] ?? '')} appears twice`);
  const form = formToRecord(pairs);
  const interfaceVersion = form.InterfaceVersion ?? '';
  if (!INTERFACE_VERSION.test(interfaceVersion)) {
    return reject(
      '30',
      `InterfaceVersion "${clip(interfaceVersion)}" is not a Paypage POST version (HP_2.x)`,
      'InterfaceVersion',
    );
  }
  const data = form.Data ?? '';
  if (data === '') return reject('30', 'the Data field is missing', 'Data');
  const seal = form.Seal ?? '';
  if (seal === '') return reject('34', 'the Seal field is missing', 'Seal');
  const encode = form.Encode ?? '';
  const decoded = decodeData(data, encode);
  if (!decoded.ok) return reject('30', decoded.reason, 'Data');
  const parsed = parseData(decoded.plain);
  if (!parsed.ok) return reject('30', `Data cannot be read: ${parsed.reason}`, 'Data');
  const fields = parsed.fields;

  const merchantId = fields.merchantId ?? '';
  const shop = shops.get(merchantId);
  if (!shop) return reject('03', `no merchant contract for merchantId "${clip(merchantId)}"`, 'merchantId');
  const keyVersion = fields.keyVersion ?? '';
  if (keyVersion !== (shop.keyVersion ?? '1')) {
    return reject(
      '34',
      `keyVersion "${clip(keyVersion)}" is not the merchant's current key version`,
      'keyVersion',
    );
  }
  // sealCalculationPaypagePost.php: HMAC-SHA-256 when SealAlgorithm says so, the legacy SHA-256 for anything else.
  const sealAlgorithm: SipsSealAlgorithm = form.SealAlgorithm === 'HMAC-SHA-256' ? 'HMAC-SHA-256' : 'SHA-256';
  if (!isSipsSealValid(data, seal, shop.secretKey, sealAlgorithm)) {
    return reject(
      '34',
      `the Seal does not match Data with the merchant's secret key (${sealAlgorithm})`,
      'Seal',
    );
  }

  for (const name of ['amount', 'currencyCode', 'transactionReference', 'normalReturnUrl'] as const) {
    if (!fields[name]) return reject('12', `${name} is required`, name);
  }
  const amount = fields.amount as string;
  if (!/^\d{1,12}$/.test(amount))
    return reject('12', `amount "${clip(amount)}" is not a whole number`, 'amount');
  const currencyCode = fields.currencyCode as string;
  if (!/^\d{3}$/.test(currencyCode) || currencyFromNumeric(currencyCode) === undefined) {
    return reject(
      '12',
      `currencyCode "${clip(currencyCode)}" is not an ISO-4217 numeric code`,
      'currencyCode',
    );
  }
  const reference = fields.transactionReference as string;
  if (!REFERENCE.test(reference)) {
    return reject('12', 'transactionReference must be 1 to 35 letters or digits', 'transactionReference');
  }
  for (const name of ['normalReturnUrl', 'automaticResponseUrl'] as const) {
    const url = fields[name];
    if (url !== undefined && !isHttpUrl(url, 1024))
      return reject('12', `${name} is not an http(s) URL`, name);
  }
  const captureMode = fields.captureMode ?? 'AUTHOR_CAPTURE';
  if (!(CAPTURE_MODES as readonly string[]).includes(captureMode)) {
    return reject(
      '12',
      `captureMode "${clip(captureMode)}" is not ${CAPTURE_MODES.join(', ')}`,
      'captureMode',
    );
  }
  const captureDay = fields.captureDay ?? '0';
  if (!/^\d{1,2}$/.test(captureDay)) return reject('12', 'captureDay is not a number of days', 'captureDay');
  if (usedReferences.has(`${merchantId}/${reference}`)) {
    return reject('94', `transactionReference ${reference} was already used`, 'transactionReference');
  }
  return {
    ok: true,
    request: {
      shop,
      merchantId,
      keyVersion,
      sealAlgorithm,
      interfaceVersion,
      encode: encode === 'base64' ? 'base64' : '',
      fields,
      amount: Number(amount),
      currencyCode,
      transactionReference: reference,
      orderId: fields.orderId ?? '',
      normalReturnUrl: fields.normalReturnUrl as string,
      automaticResponseUrl: fields.automaticResponseUrl ?? '',
      captureMode: captureMode as PaymentRequest['captureMode'],
      captureDay,
    },
  };
}
