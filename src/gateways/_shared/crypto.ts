import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Compares two signatures in constant time. Both are hashed first so that inputs of different
 * lengths take the same time and `timingSafeEqual` never throws on a length mismatch.
 */
export function safeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db) && byteLength(a) === byteLength(b);
}

function byteLength(x: string | Uint8Array): number {
  return typeof x === 'string' ? Buffer.byteLength(x) : x.byteLength;
}

export function sha1Hex(data: string): string {
  return createHash('sha1').update(data, 'utf8').digest('hex');
}

export function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

export function hmacSha256(key: string | Uint8Array, data: string | Uint8Array): Buffer {
  return createHmac('sha256', key).update(data).digest();
}
