import { callApi } from '../_shared/api-call.js';
import { FORM_TYPE } from '../_shared/request.js';
import type {
  DeferredCheck,
  GatewayAccount,
  StatusAnswer,
  StatusIo,
  StoredNotification,
} from '../gateway.js';
import { type PaypalCredentials, verifyUrlOf } from './credentials.js';
import { checkIpn } from './notification.js';

/** What goes first in the postback (IPNImplementation: "prefixed with cmd=_notify-validate"). */
export const POSTBACK_PREFIX = 'cmd=_notify-validate&';

/** `cmd=_notify-validate&` + the IPN's bytes exactly as received: same fields, same order, same encoding. */
export function postbackBody(raw: Uint8Array): Uint8Array {
  const prefix = Buffer.from(POSTBACK_PREFIX, 'ascii');
  const out = new Uint8Array(prefix.length + raw.length);
  out.set(prefix, 0);
  out.set(raw, prefix.length);
  return out;
}

/**
 * The IPN postback, called from the `verify-notification` job with the stored notification: POST it back to PayPal,
 * which answers `VERIFIED` (it sent exactly these bytes) or `INVALID` (protocols.md "PayPal IPN"; paypal/ipn-code-
 * samples). VERIFIED makes the IPN's own fields the truth (checkIpn/ipnSignal); INVALID means PayPal did not send it
 * (or not these bytes): not-found, so the engine rejects it as UNKNOWN_AT_GATEWAY. Anything else is retried.
 */
export async function fetchPaypalBack(
  account: GatewayAccount<PaypalCredentials>,
  check: DeferredCheck,
  io: StatusIo,
  stored?: StoredNotification,
): Promise<StatusAnswer> {
  if (!stored) {
    return failed(false, 'INTERNAL', 'the PayPal postback needs the stored notification, and none was given');
  }
  if (stored.bodyTruncated) {
    return failed(
      false,
      'BODY_TOO_LARGE',
      `the IPN ${check.resource} was stored truncated, so it cannot be posted back verbatim: raise the inbox body ` +
        "limit, then resend it from PayPal's IPN History",
    );
  }
  const ours = checkIpn(account, stored.body);
  if (ours.kind !== 'ok') return failed(false, ours.code, `the stored IPN no longer reads: ${ours.reason}`);
  const where = `PayPal's postback (${verifyUrlOf(account)})`;
  const result = await callApi(
    verifyUrlOf(account),
    {
      method: 'POST',
      // PayPal refuses postbacks without a User-Agent (IPN "User-Agent" notice in paypal/ipn-code-samples README).
      headers: { 'content-type': FORM_TYPE, 'user-agent': 'quittance-ipn-verifier' },
      body: postbackBody(stored.body),
    },
    io,
  );
  if (result.kind === 'unreachable') {
    const why = result.timedOut ? 'did not answer in time' : `could not be reached (${result.detail})`;
    return failed(true, 'GATEWAY_UNAVAILABLE', `${where} ${why}; asking again later`);
  }
  const { status } = result;
  const answer = result.text.trim();
  if (status !== 200)
    return failed(true, 'GATEWAY_UNAVAILABLE', `${where} answered HTTP ${status}; asking again later`);
  if (answer === 'VERIFIED') return { kind: 'found', signals: [ours.signal] };
  if (answer === 'INVALID') {
    return {
      kind: 'not-found',
      reason: `PayPal answered INVALID to the postback of the IPN ${check.resource}: PayPal did not send these bytes`,
    };
  }
  return failed(
    true,
    'GATEWAY_UNAVAILABLE',
    `${where} answered neither VERIFIED nor INVALID (${JSON.stringify(answer.slice(0, 40))}); asking again later`,
  );
}

function failed(
  retryable: boolean,
  code: Extract<StatusAnswer, { kind: 'failed' }>['code'],
  reason: string,
): StatusAnswer {
  return { kind: 'failed', code, reason, retryable };
}
