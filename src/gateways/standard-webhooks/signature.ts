import { hmacSha256, safeEqual } from '../_shared/crypto.js';

/**
 * Standard Webhooks, symmetric scheme (standard-webhooks/standard-webhooks `spec/standard-webhooks.md`, shared/
 * protocols.md §6): `webhook-signature` is a space-separated list of `v1,<base64>`; each `v1` is
 * base64(HMAC-SHA-256(key = base64-decode(secret without `whsec_`), "<webhook-id>.<webhook-timestamp>.<raw body>")).
 * Other versions (`v1a`, the ed25519 form) are skipped, as the reference library does.
 */
export const SECRET_PREFIX = 'whsec_';

/** Strict base64 (padding included): Node's decoder would silently skip stray characters. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The HMAC key a `whsec_…` secret stands for; undefined when it is not base64 or decodes to nothing. */
export function secretKey(secret: string): Buffer | undefined {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (encoded.length === 0 || !BASE64.test(encoded)) return undefined;
  const key = Buffer.from(encoded, 'base64');
  return key.byteLength > 0 ? key : undefined;
}

/** `v1,<base64>` for one message: what a sender puts in `webhook-signature`. */
export function signStandardWebhook(
  key: Uint8Array,
  id: string,
  timestamp: number,
  body: Uint8Array,
): string {
  const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), body]);
  return `v1,${hmacSha256(key, signed).toString('base64')}`;
}

/**
 * Whether any `v1` entry of the header matches one of the keys (several during a secret rotation). Entries are split
 * as the reference library does (`version,signature`, anything after a second comma ignored); compared in constant time.
 */
export function signatureMatches(
  header: string,
  keys: readonly Uint8Array[],
  id: string,
  timestamp: number,
  body: Uint8Array,
): boolean {
  const given = header
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version]) => version === 'v1')
    .map(([, signature]) => signature ?? '');
  if (given.length === 0) return false;
  let matched = false;
  for (const key of keys) {
    const expected = signStandardWebhook(key, id, timestamp, body).slice(3);
    // Every pair is compared, so the time taken does not say which entry or key matched.
    for (const signature of given) matched = safeEqual(signature, expected) || matched;
  }
  return matched;
}

/** Whether the header lists at least one `v1` entry (else: signed by a scheme we do not speak, or not signed). */
export function hasV1Entry(header: string): boolean {
  return header.split(' ').some((entry) => entry.split(',')[0] === 'v1');
}
