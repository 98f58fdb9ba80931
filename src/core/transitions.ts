import type { PaymentStatus } from './status.js';

/** What a signal's status does to a payment's current status, before amounts are looked at. */
export type Move = 'apply' | 'duplicate' | 'stale' | 'conflict';

const A = 'apply';
const D = 'duplicate';
const S = 'stale';
const C = 'conflict';

// Columns, in order: created pending authorized captured partially_refunded refunded
//                    refused cancelled expired error
type Row = readonly [Move, Move, Move, Move, Move, Move, Move, Move, Move, Move];

/**
 * The transition table. Rows are the payment's current status, columns the status a signal reports.
 * - Before a final result anything applies: the first final result wins.
 * - Along the success path only forward moves apply; an earlier step arriving late is `stale`
 *   (out-of-order delivery is normal, it is not a contradiction).
 * - An authorization never captured may still be voided or expire (authorized → cancelled/expired).
 * - Everything else that disagrees with a final result is a `conflict`: journaled, flagged for a
 *   person, never applied.
 */
const TABLE: Readonly<Record<PaymentStatus, Row>> = {
  //                  cre pen aut cap prf ref | rfs can exp err
  created: [D, A, A, A, A, A, /**/ A, A, A, A],
  pending: [S, D, A, A, A, A, /**/ A, A, A, A],
  authorized: [S, S, D, A, A, A, /**/ C, A, A, C],
  captured: [S, S, S, D, A, A, /**/ C, C, C, C],
  partially_refunded: [S, S, S, S, D, A, /**/ C, C, C, C],
  refunded: [S, S, S, S, S, D, /**/ C, C, C, C],
  refused: [S, S, C, C, C, C, /**/ D, C, C, C],
  cancelled: [S, S, C, C, C, C, /**/ C, D, C, C],
  expired: [S, S, C, C, C, C, /**/ C, C, D, C],
  error: [S, S, C, C, C, C, /**/ C, C, C, D],
};

const COLUMNS: readonly PaymentStatus[] = [
  'created',
  'pending',
  'authorized',
  'captured',
  'partially_refunded',
  'refunded',
  'refused',
  'cancelled',
  'expired',
  'error',
];

export function move(from: PaymentStatus, to: PaymentStatus): Move {
  return TABLE[from][COLUMNS.indexOf(to)] as Move;
}
