import { randomBytes } from 'node:crypto';
import { formatId, type IdKind } from '../core/ids.js';

export type IdGenerator = (kind: IdKind) => string;

/**
 * Ids that sort in creation order even within one millisecond: when the clock has not moved, the
 * previous random part is incremented instead of drawn anew (the monotonic ULID rule), so a payment's
 * signals read back in the order they were written. Payment ids are the exception: they are shown to
 * customers, so each has 80 fresh random bits and none can be guessed from another.
 */
export function monotonicIds(clock: () => number = Date.now): IdGenerator {
  let lastMs = -1;
  let last = new Uint8Array(10);
  return (kind) => {
    const now = clock();
    // Payment ids appear in customers' URLs (the waiting page): never derive one from another.
    if (kind === 'payment') return formatId(kind, now, new Uint8Array(randomBytes(10)));
    if (now > lastMs) {
      lastMs = now;
      last = new Uint8Array(randomBytes(10));
      last[0] = (last[0] as number) & 0x7f; // headroom so increments never overflow in practice
    } else {
      for (let i = last.length - 1; i >= 0; i--) {
        last[i] = ((last[i] as number) + 1) & 0xff;
        if (last[i] !== 0) break;
      }
    }
    return formatId(kind, lastMs, last);
  };
}
