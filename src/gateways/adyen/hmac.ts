import { hmacSha256, safeEqual } from '../_shared/crypto.js';

/** The fields of a NotificationRequestItem the HMAC covers, as the JSON gives them. */
export interface SignedItemFields {
  readonly pspReference?: unknown;
  readonly originalReference?: unknown;
  readonly merchantAccountCode?: unknown;
  readonly merchantReference?: unknown;
  readonly amount?: { readonly value?: unknown; readonly currency?: unknown } | undefined;
  readonly eventCode?: unknown;
  readonly success?: unknown;
}

/**
 * `pspReference:originalReference:merchantAccountCode:merchantReference:amount.value:amount.currency:eventCode:success`
 * (shared/protocols.md §6). Each value is written as JavaScript's `Array.join` writes it (what @adyen/api-library's
 * `getDataToSign` does): a missing or null field is an empty slot, a number its shortest decimal form.
 */
export function adyenSigningString(item: SignedItemFields): string {
  return [
    item.pspReference,
    item.originalReference,
    item.merchantAccountCode,
    item.merchantReference,
    item.amount?.value,
    item.amount?.currency,
    item.eventCode,
    item.success,
  ].join(':');
}

/** base64(HMAC-SHA-256(hex-decoded key, UTF-8 message)). The key must be hex (the credentials schema checks it). */
export function adyenHmac(hexKey: string, message: string): string {
  return hmacSha256(Buffer.from(hexKey, 'hex'), Buffer.from(message, 'utf8')).toString('base64');
}

/**
 * Whether `signature` (base64) is the HMAC of `message` under one of `hexKeys`. Compared as decoded bytes in constant
 * time, as the official library does (`HmacValidator.secureCompare`): two spellings of the same base64 bytes (with or
 * without padding) are the same signature.
 */
export function isAdyenSignatureValid(
  hexKeys: readonly string[],
  message: string,
  signature: string,
): boolean {
  if (signature.length === 0) return false;
  const received = Buffer.from(signature, 'base64');
  let valid = false;
  for (const key of hexKeys) {
    // Buffer.from(…, 'hex') stops at the first bad digit: a key that is not strict hex would be another key.
    if (!isHexKey(key)) continue;
    const expected = hmacSha256(Buffer.from(key, 'hex'), Buffer.from(message, 'utf8'));
    // Every key is tried (no early exit), so the time does not say which key matched.
    if (safeEqual(expected, received)) valid = true;
  }
  return valid;
}

/** Whole bytes of hex digits, nothing else. */
export function isHexKey(key: string): boolean {
  return /^(?:[0-9a-fA-F]{2})+$/.test(key);
}
