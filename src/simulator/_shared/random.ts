import { randomInt } from 'node:crypto';

/**
 * Seeded randomness for ids, auth numbers and hashes. The same seed and the same sequence of calls
 * give the same values; a counter mixed into every id keeps ids unique whatever the seed.
 */
export interface SimRandom {
  hex(length: number): string;
  digits(length: number): string;
  /** 32 lower-case hex, like Lyra's vads_trans_uuid. */
  uuid(): string;
  /** An opaque token for a hosted-page session. */
  token(): string;
}

export function createRandom(seed: number = randomInt(2 ** 31)): SimRandom {
  const next = mulberry32(seed);
  let counter = 0;
  const hex = (length: number) => {
    let out = '';
    while (out.length < length)
      out += Math.floor(next() * 0x1_0000_0000)
        .toString(16)
        .padStart(8, '0');
    return out.slice(0, length);
  };
  const count = () => (++counter).toString(16).padStart(8, '0');
  return {
    hex,
    digits: (length) => randomDigits(next, length),
    uuid: () => hex(24) + count(),
    token: () => `t${count()}${hex(16)}`,
  };
}

/** `length` decimal digits drawn from `next`. */
export function randomDigits(next: () => number, length: number): string {
  return Array.from({ length }, () => Math.floor(next() * 10)).join('');
}

/** A small, well-known 32-bit PRNG: enough for test data, not for secrets. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}
