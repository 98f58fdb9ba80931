import { clip } from '../_shared/request.js';
import type { GatewayAccount, GatewaySignal, NotificationCheck, RawRequest } from '../gateway.js';
import type { PaypalCredentials } from './credentials.js';
import { isProblem, readIpn } from './ipn.js';
import { ipnSignal } from './map.js';

type Account = GatewayAccount<PaypalCredentials>;

/**
 * An IPN carries nothing we can check alone (protocols.md "PayPal IPN"): it is decoded and checked for what we can
 * see (ours? test or live?), then deferred; the `verify-notification` job posts it back to PayPal (postback.ts) and
 * settles only on VERIFIED. `resource` is the txn_id, `claimed` the status its fields say.
 */
export function verifyPaypalNotification(account: Account, request: RawRequest): NotificationCheck {
  const checked = checkIpn(account, request.body);
  if (checked.kind !== 'ok') return checked;
  const { signal } = checked;
  return {
    kind: 'deferred',
    resource: signal.facts?.txn_id ?? signal.gatewayRef ?? '',
    claimed: signal.status,
    lookup: signal.lookup,
  };
}

export type IpnCheck =
  | { readonly kind: 'ok'; readonly signal: GatewaySignal }
  | Exclude<NotificationCheck, { kind: 'deferred' } | { kind: 'verified' }>;

/**
 * Decodes the IPN and checks what needs no postback: PayPal's own advice is to check, after VERIFIED, that
 * `receiver_email` is yours (IPNImplementation, "verify that the receiver e-mail is your primary e-mail"); a message
 * for another receiver is refused now, whoever sent it. `test_ipn=1` marks sandbox messages (IPN variables): one on
 * a live account, or a live one on a test account, is refused as well.
 */
export function checkIpn(account: Account, body: Uint8Array): IpnCheck {
  const ipn = readIpn(body);
  if (isProblem(ipn)) return { kind: 'unparseable', ...ipn };
  const signal = ipnSignal(ipn);
  if (isProblem(signal)) return { kind: 'unparseable', ...signal };
  const receiver = receiverProblem(account, ipn.fields);
  if (receiver) return { kind: 'rejected', code: 'SITE_MISMATCH', reason: receiver };
  const test = ipn.fields.test_ipn === '1';
  if (test !== (account.mode === 'test')) {
    return {
      kind: 'rejected',
      code: 'MODE_MISMATCH',
      reason: test
        ? `a sandbox IPN (test_ipn=1) reached the live account ${account.id}`
        : `a live IPN (no test_ipn=1) reached the test account ${account.id}`,
    };
  }
  return { kind: 'ok', signal };
}

/** Why the IPN is not for this account, or undefined. E-mails compare case-insensitively (PayPal does). */
function receiverProblem(account: Account, fields: Readonly<Record<string, string>>): string | undefined {
  const { receiverEmail, receiverId } = account.credentials;
  if (receiverId !== undefined && fields.receiver_id !== undefined && fields.receiver_id !== receiverId) {
    return `receiver_id ${clip(fields.receiver_id)} is not the account's ${receiverId}: this IPN is for another PayPal account`;
  }
  const email = fields.receiver_email;
  if (email === undefined || email === '')
    return 'the IPN has no receiver_email: it cannot be checked as ours';
  if (email.trim().toLowerCase() !== receiverEmail.trim().toLowerCase()) {
    return `receiver_email ${clip(email, 80)} is not the account's ${receiverEmail}: this IPN is for another PayPal account`;
  }
  return undefined;
}
