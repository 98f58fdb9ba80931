import { hmacSha256, safeEqual, sha256Hex } from '../_shared/crypto.js';
import type { SipsSealAlgorithm } from './credentials.js';

/**
 * The Paypage POST seal (wl-sips/sips-paypage-post-php `Common/sealCalculationPaypagePost.php`):
 * - `HMAC-SHA-256`: lowercase hex of HMAC-SHA-256 keyed with the secret key (UTF-8) over `Data`;
 * - anything else (the legacy `SHA-256`, or no SealAlgorithm at all): lowercase hex of SHA-256(Data ‖ secretKey).
 * `data` is the `Data` field exactly as sent or received: still base64 when `Encode=base64`
 * (`Common/paymentResponse.php` checks the seal before decoding).
 */
export function sipsSeal(data: string, secretKey: string, algorithm: SipsSealAlgorithm): string {
  return algorithm === 'HMAC-SHA-256'
    ? hmacSha256(Buffer.from(secretKey, 'utf8'), Buffer.from(data, 'utf8')).toString('hex')
    : sha256Hex(data + secretKey);
}

/** Constant-time check of a received `Seal` (hashed both sides first: see _shared/crypto.ts). */
export function isSipsSealValid(
  data: string,
  seal: string,
  secretKey: string,
  algorithm: SipsSealAlgorithm,
): boolean {
  return safeEqual(sipsSeal(data, secretKey, algorithm), seal);
}

type JsonValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly JsonValue[]
  | { readonly [k: string]: JsonValue };

/**
 * The string sealed in Sips Office JSON messages (worldline/sips-sdk-java `payment-sdk-common/.../util/SealCalculator.java`
 * with `helper/SealStringStyle.java`): the values of every non-null field in alphabetical order of field name,
 * concatenated with no separator; a nested object is expanded in place (its own fields alphabetical); list items are
 * rendered, sorted, then concatenated. `skip` names top-level fields left out: `keyVersion` in requests, `seal` in
 * responses. Whether Office also skips `sealAlgorithm` is [UNCONFIRMED] (BdEINSALyon/billevent `mercanet/calculateSeal.py`
 * skips it), so quittance never sends `sealAlgorithm` to Office.
 */
export function sipsJsonSealString(
  value: Readonly<Record<string, JsonValue>>,
  skip: readonly string[] = [],
): string {
  return render(value, new Set(skip));
}

function render(value: JsonValue, skip: ReadonlySet<string> = new Set()): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) {
    return (value as readonly JsonValue[])
      .map((item) => render(item))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .join('');
  }
  if (typeof value === 'object') {
    const record = value as { readonly [k: string]: JsonValue };
    return Object.keys(record)
      .filter((name) => !skip.has(name))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((name) => render(record[name]))
      .join('');
  }
  return String(value);
}

/** `lowercase_hex(HMAC_SHA256(key = secretKey UTF-8, msg UTF-8))` (SealCalculator.java). */
export function sipsJsonSeal(message: string, secretKey: string): string {
  return hmacSha256(Buffer.from(secretKey, 'utf8'), Buffer.from(message, 'utf8')).toString('hex');
}
