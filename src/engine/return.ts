import { isFinal, QuittanceError } from '../core/index.js';
import type { RawRequest } from '../gateways/gateway.js';
import { findPayment } from '../store/repos/payments.js';
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
 * 3. The customer is sent to the page that matches what we now know: the shop's success or failure
 *    page, or, when nothing is final yet, our waiting page.
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
  if (isFinal(payment.status)) {
    return { location: shopPage(account, payment), inboxId: result.inboxId, waiting: false };
  }
  return { location: waitPage(engine, payment.id), inboxId: result.inboxId, waiting: true };
}
