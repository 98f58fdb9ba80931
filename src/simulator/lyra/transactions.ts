import type { Fault } from '../faults.js';
import type { CheckoutForm } from './checkout.js';
import type { IpnRecord } from './notifier.js';
import type { Scenario, SimTransaction, SimTransStatus } from './types.js';

/** The live state of one transaction; `snapshot` makes the public copy. */
export interface TxState {
  readonly txn: string;
  readonly form: CheckoutForm;
  readonly uuid: string;
  scenario: Scenario | null;
  faults: Fault[];
  settledAmount: number;
  /** For `paid`: when the acquirer captures (ms since start), i.e. when IPN #2 is due. */
  captureAt: number | null;
  /** Wall-clock time the shopper acted: the transaction's creation date (vads_effective_creation_date). */
  actedAt: Date | null;
  /** The authorisation number, once the shopper acted. */
  authNumber: string | null;
  readonly ipns: IpnRecord[];
}

/** The status the shopper's action leads to at once. */
export const INITIAL_STATUS: Readonly<Record<Scenario, SimTransStatus>> = {
  paid: 'AUTHORISED',
  refused: 'REFUSED',
  cancelled: 'ABANDONED',
  'authorised-only': 'AUTHORISED_TO_VALIDATE',
};

export function finalStatus(tx: TxState, now: number): SimTransStatus | null {
  if (tx.scenario === null) return null;
  if (tx.captureAt !== null && now >= tx.captureAt) return 'CAPTURED';
  return INITIAL_STATUS[tx.scenario];
}

export function snapshot(tx: TxState, now: number): SimTransaction {
  const { form } = tx;
  return {
    txn: tx.txn,
    siteId: form.shop.siteId,
    transId: form.transId,
    transDate: form.transDate,
    orderId: form.orderId,
    notifyUrl: form.notifyUrl,
    returnUrl: form.returnUrl,
    orderAmount: form.amount,
    currency: form.currency,
    settledAmount: tx.settledAmount,
    scenario: tx.scenario,
    finalStatus: finalStatus(tx, now),
    uuid: tx.uuid,
    faults: tx.faults.map((f) => ({ ...f })),
    ipns: [...tx.ipns]
      .sort((a, b) => a.n - b.n)
      .map((ipn) => ({ ...ipn, attempts: ipn.attempts.map((a) => ({ ...a })) })),
  };
}
