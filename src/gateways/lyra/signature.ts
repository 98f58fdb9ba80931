import { createHmac } from 'node:crypto';
import { safeEqual, sha1Hex } from '../_shared/crypto.js';

export const LYRA_ALGORITHMS = ['hmac-sha-256', 'sha1'] as const;
export type LyraAlgorithm = (typeof LYRA_ALGORITHMS)[number];

/**
 * The string Lyra signs (docs.lyra.com/en/collect/form-payment/quick-start-guide/computing-the-signature.html):
 * every field whose name starts with `vads_`, empty ones included, sorted by name in ascending
 * ASCII order, values joined with `+`, then `+` and the key.
 */
export function signedString(fields: Readonly<Record<string, string>>, key: string): string {
  const names = Object.keys(fields)
    .filter((name) => name.startsWith('vads_'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [...names.map((name) => fields[name]), key].join('+');
}

/** SHA-1 gives lower-case hex; HMAC-SHA-256 (keyed with the same key) gives base64. */
export function lyraSignature(
  fields: Readonly<Record<string, string>>,
  key: string,
  algorithm: LyraAlgorithm,
): string {
  const message = signedString(fields, key);
  return algorithm === 'sha1'
    ? sha1Hex(message)
    : createHmac('sha256', key).update(message, 'utf8').digest('base64');
}

/** Constant-time check of the `signature` field against the fields and key. */
export function isLyraSignatureValid(
  fields: Readonly<Record<string, string>>,
  signature: string,
  key: string,
  algorithm: LyraAlgorithm,
): boolean {
  return safeEqual(lyraSignature(fields, key, algorithm), signature);
}
