import { formatMoney, isFinal, QuittanceError } from '../core/index.js';
import type { RawRequest } from '../gateways/gateway.js';
import { findPayment, type PaymentRecord, updatePaymentIfUnchanged } from '../store/repos/payments.js';
import { raiseAlert } from './alerts/raise.js';
import type { Engine } from './engine.js';
import { ingest, type Precheck } from './ingest.js';
import { shopPage, waitPage } from './pages.js';
import { reconcilePayment } from './reconcile.js';

export interface ReturnResult {
  /**
   * Where the customer's browser goes next: the shop's success or failure page once the payment is
   * final, else quittance's own waiting page (`/pay/:paymentId/wait`), which follows the payment
   * until it is final and falls back to the shop's pending page.
   */
  readonly location: string;
  readonly inboxId: string;
  /** The customer is sent to the waiting page: the payment is not final yet. */
  readonly waiting: boolean;
}

/**
 * The customer is back from the gateway (DESIGN.md, "Every path to the truth": Return).
 *
 * 1. Signed return data settles the payment like a notification would (the notification may never
 *    come); unsigned or forged data changes nothing. Either way the raw request is kept (`ingest`).
 * 2. When the return carried nothing signed about this payment and it is not final, we ask the
 *    gateway (`reconcilePayment`, through the same state machine) with the short
 *    `settings.returnTimeoutMs`. A failure or a slow gateway only means we know no more: the
 *    customer never sees an error for it.
 * 3. When the gateway sends customers back only because its notification could not be delivered
 *    (`adapter.returnMeansUndelivered`: Triveneto's errorURL) and the payment is still not final, nothing
 *    will tell us more (no status API): the payment is flagged for a person with a
 *    `notification-undelivered` alert, once (`flagUndelivered`).
 * 4. The customer is sent to the page that matches what we now know: the shop's success or failure
 *    page, or, when nothing is final yet, our waiting page — never a failure page on a guess.
 */
export async function handleReturn(
  engine: Engine,
  input: { accountId: string; paymentId: string; raw: RawRequest; truncated?: boolean; limit?: number },
): Promise<ReturnResult> {
  const account = engine.config.accounts.get(input.accountId);
  const found = account && (await findPayment(engine.store.db, input.paymentId));
  const known = found && found.accountId === account.id ? found : undefined;
  // Kept whatever it is: a return naming no payment of ours, or a cut body, is still evidence, but
  // it settles nothing.
  const precheck: Precheck | undefined = !known
    ? { code: 'UNKNOWN_PAYMENT', reason: `no payment ${input.paymentId} at account ${input.accountId}` }
    : input.truncated
      ? {
          code: 'BODY_TOO_LARGE',
          reason: `the body is larger than the ${input.limit}-byte limit; its beginning is kept`,
        }
      : undefined;
  const result = await ingest(engine, 'return', {
    accountId: input.accountId,
    raw: input.raw,
    expectedPaymentId: input.paymentId,
    truncated: input.truncated ?? false,
    ...(precheck ? { precheck } : {}),
  });
  if (!account || !known) {
    throw new QuittanceError(
      'UNKNOWN_PAYMENT',
      `no payment ${input.paymentId} at account ${input.accountId}`,
    );
  }
  let payment = (await findPayment(engine.store.db, input.paymentId)) ?? known;
  const signed = result.applied.some((a) => a.payment?.id === payment.id);
  if (!signed && !isFinal(payment.status) && account.adapter.fetchStatus) {
    try {
      await reconcilePayment(engine, payment.id, {
        reason: 'customer return without signed data',
        timeoutMs: engine.settings.returnTimeoutMs,
        alert: false,
      });
      payment = (await findPayment(engine.store.db, payment.id)) ?? payment;
    } catch (error) {
      engine.logger.warn(
        { err: error, paymentId: payment.id },
        'status check on return failed; the customer waits for the notification',
      );
    }
  }
  if (!signed && !isFinal(payment.status) && account.adapter.returnMeansUndelivered) {
    payment = await flagUndelivered(engine, payment, account.adapter.displayName);
  }
  if (isFinal(payment.status)) {
    return { location: shopPage(account, payment), inboxId: result.inboxId, waiting: false };
  }
  return { location: waitPage(engine, payment.id), inboxId: result.inboxId, waiting: true };
}

export const NOTIFICATION_UNDELIVERED_ALERT = 'notification-undelivered';

/**
 * Flags a payment the gateway could not tell us about and raises one `notification-undelivered` alert naming it.
 * Idempotent: a payment already flagged is not written again, and the alert is keyed by the payment. Re-read in the
 * transaction: a notification that finalised the payment meanwhile wins and nothing is flagged.
 */
async function flagUndelivered(
  engine: Engine,
  payment: PaymentRecord,
  gatewayName: string,
): Promise<PaymentRecord> {
  return engine.store.db.transaction().execute(async (tx) => {
    const now = engine.clock();
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = (await findPayment(tx, payment.id)) ?? payment;
      if (isFinal(current.status)) return current;
      if (!current.needsReview) {
        if (!(await updatePaymentIfUnchanged(tx, current, { ...current, needsReview: true }, now))) continue;
      }
      const { created: raised } = await raiseAlert(engine, tx, {
        kind: NOTIFICATION_UNDELIVERED_ALERT,
        accountId: current.accountId,
        paymentId: current.id,
        message:
          `${gatewayName} sent the customer of payment ${current.id} (order ${current.orderRef}, ` +
          `${formatMoney(current.amount)}) back without a result: the gateway could not deliver its ` +
          'NotificationMessage; check the payment in the back office and settle it with ' +
          `\`quittance settle ${current.id} --status <status> --reason "<what you saw>" --by <name>\`.`,
      });
      if (raised) {
        engine.logger.warn(
          { paymentId: current.id, accountId: current.accountId },
          'notification undelivered; payment flagged for review',
        );
      }
      return { ...current, needsReview: true };
    }
    throw new Error(`payment ${payment.id} changed 5 times while being flagged`);
  });
}
