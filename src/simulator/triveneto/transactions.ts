import type { Fault } from '../faults.js';
import type { Scenario } from '../platform.js';
import type { PaymentInit } from './payment-init.js';
import type { CustomerDestination, SimNotification, SimTransaction, TrivenetoResult } from './types.js';

/** The live state of one PaymentID; `snapshot` makes the public copy. */
export interface TxState {
  readonly paymentId: string;
  readonly init: PaymentInit;
  scenario: Scenario | null;
  result: TrivenetoResult | null;
  faults: Fault[];
  readonly notifications: SimNotification[];
  destination: CustomerDestination | null;
}

export function newTransaction(paymentId: string, init: PaymentInit): TxState {
  return { paymentId, init, scenario: null, result: null, faults: [], notifications: [], destination: null };
}

export function snapshot(tx: TxState): SimTransaction {
  const { init } = tx;
  return {
    paymentId: tx.paymentId,
    terminalId: init.terminalId,
    action: init.action,
    amt: init.amt,
    amountMinor: init.amountMinor,
    currencycode: init.currencycode,
    langid: init.langid,
    trackid: init.trackid,
    responseURL: init.responseURL,
    errorURL: init.errorURL,
    udf: { ...init.udf },
    scenario: tx.scenario,
    result: tx.result,
    faults: tx.faults.map((f) => ({ ...f })),
    notifications: tx.notifications.map((n) => ({
      ...n,
      fields: { ...n.fields },
      delivery: n.delivery && { ...n.delivery },
    })),
    destination: tx.destination && { ...tx.destination },
  };
}
