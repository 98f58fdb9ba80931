import { money, type SignalSource } from '../../core/index.js';
import { clip } from '../_shared/request.js';
import { failedAnswer, httpFailure, unreachableAnswer } from '../_shared/status-answer.js';
import type {
  DeferredCheck,
  GatewayAccount,
  GatewaySignal,
  StatusAnswer,
  StatusIo,
  StatusQuery,
} from '../gateway.js';
import { callPayplug, said, shownBase } from './api.js';
import { keyModeProblem, type PayplugCredentials } from './credentials.js';
import { mapPayplugPayment, PAYMENT_ID, type PayplugPayment, readPayment } from './map.js';

type Account = GatewayAccount<PayplugCredentials>;

/**
 * The fetch-back of a notification: `GET /v1/payments/{id}` (payplug-php `Notification::treat` →
 * `Payment::getConsistentResource` → `Payment::retrieve`), the payment named by the notification (a refund notice
 * names its payment). Signals come from the FETCHED object only, never from the notification's body.
 */
export function fetchPayplugBack(
  account: Account,
  check: DeferredCheck,
  io: StatusIo,
): Promise<StatusAnswer> {
  return fetchPayment(account, check.resource, io, 'notification', undefined);
}

/** Reconciliation and unsigned returns: the same GET with the payment's gateway reference. */
export function fetchPayplugStatus(
  account: Account,
  query: StatusQuery,
  io: StatusIo,
): Promise<StatusAnswer> {
  if (!query.gatewayRef) {
    // Every PayPlug payment gets its pay_ id when created (initPayment): without one, PayPlug never heard of it.
    return Promise.resolve({
      kind: 'not-found',
      reason: `the payment ${clip(query.paymentId)} has no PayPlug id: it was never created at PayPlug.`,
    });
  }
  return fetchPayment(account, query.gatewayRef, io, 'poll', query);
}

async function fetchPayment(
  account: Account,
  id: string,
  io: StatusIo,
  source: SignalSource,
  query: StatusQuery | undefined,
): Promise<StatusAnswer> {
  const problem = keyModeProblem(account.id, account.mode, account.credentials);
  if (problem) return failedAnswer(false, problem, 'CONFIG_INVALID');
  if (!PAYMENT_ID.test(id))
    return { kind: 'not-found', reason: `${clip(id)} is not a PayPlug payment id (pay_…).` };
  const where = `PayPlug's API (GET payments/${id} at ${shownBase(account.credentials)})`;
  const result = await callPayplug(account, 'GET', `payments/${encodeURIComponent(id)}`, undefined, io);
  if (result.kind === 'unreachable') return unreachableAnswer(where, result);
  if (result.status === 404)
    return { kind: 'not-found', reason: `PayPlug has no payment ${id}${said(result.error)}.` };
  const refused = httpFailure(where, result.status, said(result.error), {
    name: 'secret key',
    hint:
      `check credentials.secretKey of the account ${account.id} (the ${account.mode} key, sk_${account.mode}_…, ` +
      'from the PayPlug portal)',
  });
  if (refused) return refused;
  const payment = readPayment(result.json);
  if (typeof payment === 'string') {
    return failedAnswer(false, `${where} answered something quittance cannot read: ${payment}.`);
  }
  if (payment.id !== id) {
    return failedAnswer(
      false,
      `${where} answered about the payment ${payment.id} instead: check credentials.apiBase.`,
    );
  }
  if (payment.isLive !== undefined && payment.isLive !== (account.mode === 'live')) {
    return failedAnswer(
      false,
      `${where} says the payment ${id} is ${payment.isLive ? 'live' : 'a test payment'}, but the account ` +
        `${account.id} is ${account.mode === 'live' ? 'live' : 'in test mode'}.`,
    );
  }
  if (query && payment.quittancePaymentId !== undefined && payment.quittancePaymentId !== query.paymentId) {
    return failedAnswer(
      false,
      `${where} says the payment ${id} belongs to quittance's ${clip(payment.quittancePaymentId)}, not to ` +
        `${clip(query.paymentId)}: the payment's gateway reference needs a person's look.`,
    );
  }
  const signal = signalOf(payment, source, query);
  return { kind: 'found', signals: signal ? [signal] : [] };
}

/** The fetched payment as one signal, or none while PayPlug has decided nothing. */
export function signalOf(
  payment: PayplugPayment,
  source: SignalSource,
  query?: StatusQuery,
): GatewaySignal | undefined {
  const { status, gatewayStatus, note } = mapPayplugPayment(payment);
  if (status === null) return undefined;
  const facts: Record<string, string> = {};
  if (payment.failureCode !== undefined) facts.failure_code = clip(payment.failureCode, 64);
  if (payment.amountRefunded > 0) facts.amount_refunded = String(payment.amountRefunded);
  const paymentId = query?.paymentId ?? payment.quittancePaymentId;
  return {
    source,
    status,
    // The payment's amount, also for refunds: core compares it with the order's (a refund is not a new amount).
    amount: money(payment.amount, payment.currency),
    gatewayRef: payment.id,
    gatewayStatus,
    ...(note !== undefined && { note }),
    lookup: { gatewayRef: payment.id, ...(paymentId !== undefined && { paymentId }) },
    facts,
  };
}
