import type { SignalSource } from '../../core/index.js';
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
import { callMollie, where } from './api.js';
import { keyModeProblem, type MollieCredentials } from './credentials.js';
import {
  chargebackOf,
  type MappedPayment,
  type MolliePayment,
  mapMolliePayment,
  PAYMENT_ID,
  readMolliePayment,
} from './map.js';

type Account = GatewayAccount<MollieCredentials>;

/**
 * The fetch-back of a webhook: `GET /v2/payments/{id}` (docs.mollie.com/reference/webhooks: "use that ID to fetch the
 * payment status"; @mollie/api-client `payments.get(id)`). Refunds and chargebacks call the same webhook with the
 * payment's id, so one GET answers every webhook. Signals come from the FETCHED object only.
 */
export function fetchMollieBack(account: Account, check: DeferredCheck, io: StatusIo): Promise<StatusAnswer> {
  return fetchPayment(account, check.resource, io, 'notification', undefined);
}

/** Reconciliation and the customer's return (nothing signed comes back): the same GET with the stored tr_ id. */
export function fetchMollieStatus(account: Account, query: StatusQuery, io: StatusIo): Promise<StatusAnswer> {
  if (!query.gatewayRef) {
    // Every Mollie payment gets its tr_ id when created (initPayment): without one, Mollie never heard of it.
    return Promise.resolve({
      kind: 'not-found',
      reason: `the payment ${clip(query.paymentId)} has no Mollie id: it was never created at Mollie.`,
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
    return { kind: 'not-found', reason: `${clip(id)} is not a Mollie payment id (tr_…).` };
  const at = where(account, `GET payments/${id}`);
  const result = await callMollie(account, 'GET', `payments/${encodeURIComponent(id)}`, io);
  if (result.kind === 'unreachable') return unreachableAnswer(at, result);
  const { status, said } = result;
  // A key sees only its own organisation's payments of its own mode: another merchant's tr_ id is a 404 too.
  if (status === 404)
    return { kind: 'not-found', reason: `Mollie has no payment ${id} for this API key${said}.` };
  const refused = httpFailure(at, status, said, {
    name: 'API key',
    hint: `check credentials.apiKey of the account ${account.id} (the ${account.mode} key, ${account.mode}_…, from the Mollie dashboard)`,
  });
  if (refused) return refused;
  const payment = readMolliePayment(result.json);
  if (typeof payment === 'string')
    return failedAnswer(false, `${at} answered something quittance cannot read: ${payment}.`);
  if (payment.id !== id) {
    return failedAnswer(
      false,
      `${at} answered about the payment ${payment.id} instead: check credentials.apiBase.`,
    );
  }
  if (payment.mode !== account.mode) {
    return failedAnswer(
      false,
      `${at} says the payment ${id} is a ${payment.mode} payment, but the account ${account.id} is ` +
        `${account.mode === 'live' ? 'live' : 'in test mode'}.`,
      'MODE_MISMATCH',
    );
  }
  if (query && payment.quittancePaymentId !== undefined && payment.quittancePaymentId !== query.paymentId) {
    return failedAnswer(
      false,
      `${at} says the payment ${id} belongs to quittance's ${clip(payment.quittancePaymentId)}, not to ` +
        `${clip(query.paymentId)}: the payment's gateway reference needs a person's look.`,
      'PAYMENT_MISMATCH',
    );
  }
  return { kind: 'found', signals: mollieSignals(payment, source, query) };
}

/**
 * The fetched payment as signals: its state (none while Mollie has decided nothing, `open`), then a chargeback if
 * any (map.ts chargebackOf), so that a chargeback on a payment we never saw paid still records the payment first.
 */
export function mollieSignals(
  payment: MolliePayment,
  source: SignalSource,
  query?: StatusQuery,
): GatewaySignal[] {
  const facts: Record<string, string> = { mode: payment.mode };
  if (payment.amountRefunded > 0) facts.amount_refunded = String(payment.amountRefunded);
  if (payment.amountChargedBack > 0) facts.amount_charged_back = String(payment.amountChargedBack);
  if (payment.failureReason !== undefined) facts.failure_reason = payment.failureReason;
  const paymentId = query?.paymentId ?? payment.quittancePaymentId;
  const signalOf = ({ status, gatewayStatus, note }: MappedPayment): GatewaySignal[] =>
    status === null
      ? []
      : [
          {
            source,
            status,
            // The payment's amount, also for refunds: core compares it with the order's (a refund is not a new amount).
            amount: payment.amount,
            gatewayRef: payment.id,
            gatewayStatus,
            ...(note !== undefined && { note }),
            lookup: { gatewayRef: payment.id, ...(paymentId !== undefined && { paymentId }) },
            facts,
          },
        ];
  const chargeback = chargebackOf(payment);
  return [...signalOf(mapMolliePayment(payment)), ...(chargeback ? signalOf(chargeback) : [])];
}
