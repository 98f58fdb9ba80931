import { randomInt } from 'node:crypto';
import { mulberry32, randomDigits } from '../_shared/random.js';

/**
 * Seeded randomness for PaymentIDs, transaction ids, auth codes and forged codes. The same seed and the same sequence
 * of calls give the same values; a counter inside every PaymentID keeps them unique whatever the seed. (Not the
 * common _shared/random.ts SimRandom: Triveneto needs `unit` and PaymentIDs, and draws hex one digit at a time, so
 * that seeded runs keep the values they always had.)
 */
export interface SimRandom {
  digits(length: number): string;
  hex(length: number): string;
  /** A number in [0, 1). */
  unit(): number;
  /** 18 digits, as e24 PaymentIDs look ([UNCONFIRMED] length; the adapter accepts 1–64 of [A-Za-z0-9_-]). */
  paymentId(): string;
}

export function createRandom(seed: number = randomInt(2 ** 31)): SimRandom {
  const next = mulberry32(seed);
  let counter = 0;
  const digits = (length: number) => randomDigits(next, length);
  return {
    digits,
    hex: (length) => Array.from({ length }, () => Math.floor(next() * 16).toString(16)).join(''),
    unit: next,
    paymentId: () => `${digits(10)}${String(++counter).padStart(8, '0')}`,
  };
}
