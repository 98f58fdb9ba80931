import type { SimClock } from '../_shared/clock.js';
import { delayOf, type Fault, type FaultKind, hasFault } from '../faults.js';
import type { Scenario } from '../platform.js';
import {
  destinationOf,
  forgedFields,
  type NotificationFacts,
  notificationFields,
  postdateOf,
  resultOf,
} from './notification.js';
import { postNotification } from './notifier.js';
import type { SimRandom } from './random.js';
import type { TxState } from './transactions.js';
import type { CustomerDestination, Delivery, SimNotification, TrivenetoResult } from './types.js';

/**
 * The faults this protocol can express (faults.ts), and only those:
 * - drop / drop-all: the one NotificationMessage is lost; with no retries both mean the same — the merchant never
 *   hears of the payment and the customer is sent to errorURL;
 * - delay: the NotificationMessage leaves `ms` later (the customer waits on the gateway's page meanwhile);
 * - duplicate: the same NotificationMessage is sent twice; the customer goes where the first answer said;
 * - bad-signature: after the genuine exchange, a forged NotificationMessage (wrong udf4, the opposite result) reaches
 *   responseURL with `x-simulator-fault: forged`.
 * Not expressible: `wrong-amount` — the NotificationMessage carries no amount (PgConsTriv and the WooCommerce plugins
 * read no `amt`), so the gateway cannot report another amount than the order's; `reorder` — there is one message per
 * payment, nothing to reorder.
 */
export const TRIVENETO_FAULT_KINDS: readonly FaultKind[] = [
  'drop',
  'drop-all',
  'delay',
  'duplicate',
  'bad-signature',
];

export interface PaymentContext {
  readonly clock: SimClock;
  readonly random: SimRandom;
  /** Aborts deliveries and waits when the simulator closes. */
  readonly stop: AbortSignal;
}

export class ActError extends Error {
  override readonly name = 'ActError';
}

/** Checks what the shopper asks before anything happens; throws ActError naming what cannot be done. */
export function checkAct(
  tx: TxState,
  scenario: Scenario,
  faults: readonly Fault[],
  random: SimRandom,
): TrivenetoResult {
  if (tx.scenario !== null) throw new ActError('this payment session is already over');
  const unsupported = faults.find((f) => !TRIVENETO_FAULT_KINDS.includes(f.kind));
  if (unsupported) {
    throw new ActError(
      `fault ${unsupported.kind} cannot be expressed by Consorzio Triveneto (supported: ${TRIVENETO_FAULT_KINDS.join(', ')})`,
    );
  }
  const result = resultOf(scenario, tx.init.action, random);
  if (result === undefined) {
    throw new ActError(`scenario ${scenario} cannot be played on a terminal with action ${tx.init.action}`);
  }
  return result;
}

/**
 * The shopper acted: the gateway decides the result, POSTs its one NotificationMessage to responseURL synchronously
 * (no retry: protocols.md §4 documents none, [UNCONFIRMED]), reads the answer and tells the browser where to go:
 * the merchant's `REDIRECT=` URL, or errorURL when the merchant was unreachable. Forgeries (bad-signature) are sent
 * after the genuine exchange and never change where the customer goes.
 */
export async function act(
  ctx: PaymentContext,
  tx: TxState,
  scenario: Scenario,
  faults: readonly Fault[],
  result: TrivenetoResult,
): Promise<CustomerDestination> {
  const { clock, random, stop } = ctx;
  tx.scenario = scenario;
  tx.result = result;
  tx.faults = faults.map((f) => ({ ...f }));
  const facts: NotificationFacts = {
    paymentId: tx.paymentId,
    init: tx.init,
    tranid: random.digits(16),
    auth: random.digits(6),
    postdate: postdateOf(new Date()),
  };
  const genuine = notificationFields(facts, result);
  const forged = hasFault(faults, 'bad-signature')
    ? forgedFields(genuine, tx.init.action, random)
    : undefined;

  const send = async (
    fields: Record<string, string>,
    kind: { forged?: boolean; duplicate?: boolean },
  ): Promise<Delivery> => {
    const n = tx.notifications.length + 1;
    const tags = [...(kind.forged ? ['forged'] : []), ...(kind.duplicate ? ['duplicate'] : [])];
    const delivery = await postNotification({
      url: tx.init.responseURL,
      fields,
      n,
      faultTags: tags,
      clock,
      stop,
    });
    tx.notifications.push(record(n, fields, kind, delivery));
    return delivery;
  };

  const delay = delayOf(faults);
  if (delay > 0 && !(await clock.sleep(delay, stop))) return closing(tx);
  let first: Delivery | null = null;
  if (hasFault(faults, 'drop') || hasFault(faults, 'drop-all')) {
    tx.notifications.push(record(1, genuine, { dropped: true }, null));
  } else {
    first = await send(genuine, {});
    if (hasFault(faults, 'duplicate')) await send(genuine, { duplicate: true });
  }
  if (forged) await send(forged, { forged: true });
  tx.destination = destinationOf(first, tx.init.errorURL, tx.paymentId);
  return tx.destination;
}

function record(
  n: number,
  fields: Readonly<Record<string, string>>,
  kind: { forged?: boolean; duplicate?: boolean; dropped?: boolean },
  delivery: Delivery | null,
): SimNotification {
  return {
    n,
    result: fields.result as TrivenetoResult,
    forged: kind.forged ?? false,
    duplicate: kind.duplicate ?? false,
    dropped: kind.dropped ?? false,
    fields: { ...fields },
    delivery,
  };
}

/** The simulator closed during a delay: nothing was sent; the customer would see errorURL. */
function closing(tx: TxState): CustomerDestination {
  tx.destination = destinationOf(null, tx.init.errorURL, tx.paymentId);
  return tx.destination;
}
