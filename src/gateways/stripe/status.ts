import { isObject } from '../_shared/json.js';
import { clip } from '../_shared/request.js';
import type { GatewayAccount, StatusAnswer, StatusIo, StatusQuery } from '../gateway.js';
import { callStripe, shownBase } from './api.js';
import { keyModeProblem, type StripeCredentials } from './credentials.js';
import { readPaymentIntent, readSession } from './map.js';
import { signalOf } from './notification.js';

/**
 * Asks Stripe about the payment by its reference: the Checkout Session (`cs_…`, stored at the start) or, once an
 * event named it, the PaymentIntent (`pi_…`), each with the PaymentIntent's latest charge expanded so that refunds
 * show. A payment with no reference never reached Stripe (its start failed): not found.
 */
export async function fetchStripeStatus(
  account: GatewayAccount<StripeCredentials>,
  query: StatusQuery,
  io: StatusIo,
): Promise<StatusAnswer> {
  const modeProblem = keyModeProblem(account.id, account.mode, account.credentials);
  if (modeProblem) return failed(false, modeProblem, 'CONFIG_INVALID');
  const where = `Stripe (${shownBase(account.credentials)})`;
  const ref = query.gatewayRef;
  if (ref === null || !/^(cs|pi)_\w{1,250}$/.test(ref)) return searchByMetadata(account, query, io, where);
  const isSession = ref.startsWith('cs_');
  const path = isSession
    ? `checkout/sessions/${ref}?expand[]=payment_intent.latest_charge`
    : `payment_intents/${ref}?expand[]=latest_charge`;
  const result = await callStripe(account, 'GET', path.replace(/\[\]/g, '%5B%5D'), undefined, io);
  if (result.kind === 'unreachable') {
    return failed(
      true,
      `${where} ${result.timedOut ? 'did not answer in time' : `could not be reached: ${result.detail}`}`,
    );
  }
  const said = result.error ? `: ${result.error}` : '';
  const problem = httpProblem(result.status, where, said);
  if (result.status === 404) return { kind: 'not-found', reason: `${where} has no ${clip(ref, 64)}${said}` };
  if (problem) return problem;
  const object = isObject(result.json) ? result.json : {};
  const reading = isSession ? readSession(object) : readPaymentIntent(object);
  if (typeof reading === 'string')
    return failed(false, `${where} answered something quittance cannot read: ${reading}`);
  if (object.id !== ref)
    return failed(
      false,
      `${where} answered about ${clip(String(object.id), 64)} instead of ${clip(ref, 64)}`,
    );
  if (typeof object.livemode === 'boolean' && object.livemode !== (account.mode === 'live')) {
    return failed(
      false,
      `${where} says ${clip(ref, 64)} is ${object.livemode ? 'live' : 'a test payment'}, but the account ${account.id} is ${account.mode}`,
    );
  }
  if (reading.paymentId !== undefined && reading.paymentId !== query.paymentId) {
    return failed(
      false,
      `${where} says ${clip(ref, 64)} belongs to quittance's ${clip(reading.paymentId, 64)}, not ${clip(query.paymentId, 64)}`,
    );
  }
  const signal = signalOf({ ...reading, paymentId: query.paymentId }, 'poll');
  return { kind: 'found', signals: signal ? [signal] : [] };
}

/**
 * A payment without a usable reference (its start's answer was lost): the PaymentIntent search
 * (`GET /v1/payment_intents/search?query=metadata['quittance_payment_id']:'…'`). Stripe's search is eventually
 * consistent (it may miss a PaymentIntent for about a minute), so an empty answer is `not-found` only for a payment
 * older than that; a younger one reads `found` with nothing decided.
 */
async function searchByMetadata(
  account: GatewayAccount<StripeCredentials>,
  query: StatusQuery,
  io: StatusIo,
  where: string,
): Promise<StatusAnswer> {
  const search = `metadata['quittance_payment_id']:'${query.paymentId.replace(/['\\]/g, '')}'`;
  const path = `payment_intents/search?query=${encodeURIComponent(search)}&expand%5B%5D=data.latest_charge`;
  const result = await callStripe(account, 'GET', path, undefined, io);
  if (result.kind === 'unreachable') {
    return failed(
      true,
      `${where} ${result.timedOut ? 'did not answer in time' : `could not be reached: ${result.detail}`}`,
    );
  }
  const problem = httpProblem(result.status, where, result.error ? `: ${result.error}` : '');
  if (problem) return problem;
  const data = isObject(result.json) && Array.isArray(result.json.data) ? result.json.data : [];
  const intent = data.find(isObject);
  if (intent === undefined) {
    return { kind: 'not-found', reason: `${where} has no PaymentIntent for ${clip(query.paymentId, 64)}` };
  }
  const reading = readPaymentIntent(intent);
  if (typeof reading === 'string')
    return failed(false, `${where} answered something quittance cannot read: ${reading}`);
  const signal = signalOf({ ...reading, paymentId: query.paymentId }, 'poll');
  return { kind: 'found', signals: signal ? [signal] : [] };
}

function httpProblem(status: number, where: string, said: string): StatusAnswer | undefined {
  if (status === 200 || status === 404) return undefined;
  if (status === 401 || status === 403) {
    return failed(false, `${where} refused the secret key (HTTP ${status})${said}`, 'UNAUTHORIZED');
  }
  return failed(status >= 500 || status === 429, `${where} answered HTTP ${status}${said}`);
}

function failed(
  retryable: boolean,
  reason: string,
  code: 'GATEWAY_UNAVAILABLE' | 'UNAUTHORIZED' | 'CONFIG_INVALID' = 'GATEWAY_UNAVAILABLE',
): StatusAnswer {
  return { kind: 'failed', code, reason, retryable };
}
