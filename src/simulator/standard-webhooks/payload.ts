import type { SimPayment } from './types.js';

/** Status words per scenario, in the order a sender emits them (the default mapping's words). */
export const EVENTS: Readonly<Record<string, readonly string[]>> = {
  paid: ['authorized', 'succeeded'],
  refused: ['failed'],
  cancelled: ['canceled'],
  'authorised-only': ['authorized'],
};

/** A payload in the shape quittance's default mapping reads. */
export function payloadOf(p: SimPayment, status: string, amount = p.settledAmount): string {
  return JSON.stringify({
    type: `payment.${status}`,
    timestamp: new Date().toISOString(),
    data: { id: p.txn, reference: p.reference, status, amount, currency: p.currency },
  });
}
