import { isFailure, isPaid, QuittanceError } from '../core/index.js';
import type { RawRequest } from '../gateways/gateway.js';
import { findPayment } from '../store/repos/payments.js';
import type { Engine } from './engine.js';
import { ingest, type Precheck } from './ingest.js';

export interface ReturnResult {
  /** Where the customer's browser goes next: the shop's success, failure or pending page. */
  readonly location: string;
  readonly inboxId: string;
}

/**
 * The customer is back from the gateway. Signed return data settles the payment like a
 * notification would (the notification may never come); unsigned or forged data changes nothing.
 * Either way the customer is sent to the page that matches what we now know, never to an error.
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
  const payment = (await findPayment(engine.store.db, input.paymentId)) ?? known;
  const target = isPaid(payment.status)
    ? account.shop.successUrl
    : isFailure(payment.status)
      ? account.shop.failureUrl
      : account.shop.pendingUrl;
  const url = new URL(target);
  url.searchParams.set('payment', payment.id);
  url.searchParams.set('order', payment.orderRef);
  url.searchParams.set('status', payment.status);
  return { location: url.toString(), inboxId: result.inboxId };
}
