import type { Fault } from '../faults.js';
import type { Scenario } from '../platform.js';
import type { ResponseRecord } from './notifier.js';
import type { PaymentRequest } from './paypage.js';
import type { SimTransaction, SipsOutcome } from './types.js';

/** The live state of one transaction; `snapshot` makes the public copy. */
export interface TxState {
  readonly txn: string;
  readonly request: PaymentRequest;
  scenario: Scenario | null;
  outcome: SipsOutcome | null;
  faults: Fault[];
  settledAmount: number;
  /** Wall-clock time the shopper acted (transactionDateTime). */
  actedAt: Date | null;
  /** The issuer's approval code, for accepted payments. */
  authorisationId: string | null;
  readonly responses: ResponseRecord[];
}

/** What the shopper's action makes of the transaction. */
export const OUTCOME: Readonly<Record<Scenario, SipsOutcome>> = {
  paid: 'ACCEPTED',
  'authorised-only': 'ACCEPTED_TO_VALIDATE',
  refused: 'REFUSED',
  cancelled: 'CANCELLED',
};

/**
 * responseCode of each outcome (worldline/sips-sdk-java `ResponseCode.java`): 00 accepted, 05 refused, 17 buyer
 * cancelled (shared/protocols.md §1).
 */
export const RESPONSE_CODE: Readonly<Record<SipsOutcome, string>> = {
  ACCEPTED: '00',
  ACCEPTED_TO_VALIDATE: '00',
  REFUSED: '05',
  CANCELLED: '17',
};

/**
 * Office's `transactionStatus` for each outcome. TO_CAPTURE (an authorisation Sips captures by itself) is the one
 * documented word (BNP Paribas Mercanet modules, class `MercanetWebservice`); TO_VALIDATE, REFUSED and ABORTED are
 * the Sips data dictionary's and [UNCONFIRMED] against a stored Worldline page. A cancelled payment is read as
 * ABORTED (the customer left the page) [UNCONFIRMED].
 */
export const TRANSACTION_STATUS: Readonly<Record<SipsOutcome, string>> = {
  ACCEPTED: 'TO_CAPTURE',
  ACCEPTED_TO_VALIDATE: 'TO_VALIDATE',
  REFUSED: 'REFUSED',
  CANCELLED: 'ABORTED',
};

export function snapshot(tx: TxState): SimTransaction {
  const { request } = tx;
  return {
    txn: tx.txn,
    merchantId: request.merchantId,
    transactionReference: request.transactionReference,
    orderId: request.orderId,
    automaticResponseUrl: request.automaticResponseUrl,
    normalReturnUrl: request.normalReturnUrl,
    orderAmount: request.amount,
    currencyCode: request.currencyCode,
    settledAmount: tx.settledAmount,
    scenario: tx.scenario,
    outcome: tx.outcome,
    faults: tx.faults.map((f) => ({ ...f })),
    responses: [...tx.responses]
      .sort((a, b) => a.n - b.n)
      .map((r) => ({ ...r, attempts: r.attempts.map((a) => ({ ...a })) })),
  };
}
