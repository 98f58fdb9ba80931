import { hmacSha256, safeEqual } from '../_shared/crypto.js';

/**
 * The gateway signs nothing (shared/protocols.md §4: PgConsTriv puts a merchant-chosen secret "security code" into
 * udf4 at PaymentInit and compares it on the NotificationMessage, `isValid_NM`). Ours is per payment:
 *
 *   udf4 = lower-case hex HMAC-SHA-256(key = credentials.secret, message = udf1 + "|" + udf2 + "|" + trackid)
 *
 * with udf1 = our payment id, udf2 = the amount as `<minor units> <ISO alphabetic currency>` (e.g. `1250 EUR`) and
 * trackid = our merchant reference, all as UTF-8. The NotificationMessage does not give the amount back (no `amt` in
 * PgConsTriv's or the WooCommerce plugins' list of fields), but it echoes the udf fields, so udf2 carries the amount
 * and the code makes it trustworthy: verify reads the amount from udf2 and core compares it with the order's.
 *
 * What it proves: the sender knew a code only the gateway (and we) saw. It does NOT cover `result`, `paymentid`,
 * `tranid`, `auth`: the gateway sends those unsigned; see verify.ts.
 */
export function securityMessage(paymentId: string, amountField: string, trackid: string): string {
  return `${paymentId}|${amountField}|${trackid}`;
}

export function securityCode(
  secret: string,
  paymentId: string,
  amountField: string,
  trackid: string,
): string {
  return hmacSha256(secret, securityMessage(paymentId, amountField, trackid)).toString('hex');
}

export function isSecurityCodeValid(
  secret: string,
  paymentId: string,
  amountField: string,
  trackid: string,
  code: string,
): boolean {
  return safeEqual(securityCode(secret, paymentId, amountField, trackid), code);
}
