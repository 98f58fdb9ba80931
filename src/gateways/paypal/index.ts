import { QuittanceError } from '../../core/index.js';
import { plainTextReply } from '../_shared/text-reply.js';
import type {
  GatewayAccount,
  GatewayAdapter,
  GatewayReply,
  NotificationCheck,
  OfflineInput,
  ReplyOutcome,
} from '../gateway.js';
import { createPaypalPayment } from './checkout.js';
import { PAYPAL_SECRET_FIELDS, type PaypalCredentials, paypalCredentialsSchema } from './credentials.js';
import { readIpn } from './ipn.js';
import { verifyPaypalNotification } from './notification.js';
import { fetchPaypalBack } from './postback.js';

export { ipnDecoder, READABLE_CHARSETS } from './charset.js';
export { createPaypalPayment } from './checkout.js';
export type { PaypalCredentials } from './credentials.js';
export { PAYPAL_HOSTS } from './credentials.js';
export { readIpn } from './ipn.js';
export { ipnSignal, mapStatus, PAYPAL_STATUS_MAP } from './map.js';
export { checkIpn, verifyPaypalNotification } from './notification.js';
export { fetchPaypalBack, POSTBACK_PREFIX, postbackBody } from './postback.js';

/**
 * PayPal waits 20 s for the answer to an IPN (30 s on resends), then resends with doubling gaps from 10 s, capped at
 * 24 h, for about 4 days (protocols.md "PayPal IPN"; paypal.com cshelp ts1063). We store and answer in milliseconds.
 */
const NOTIFY_TIMEOUT_MS = 20_000;

/**
 * A Payments Standard checkout is a form post with nothing created at PayPal beforehand: a customer may pay as long
 * as the page is open, and an e-check pays days later (Pending, then Completed). PayPal publishes no expiry for a
 * button [UNCONFIRMED]; three days is our choice before an untouched payment may be called expired.
 */
const ABANDONED_AFTER_MS = 3 * 24 * 60 * 60_000;

/**
 * Currencies PayPal takes (REST "Currency codes" page, also Payments Standard's currency_code), minus HUF and TWD,
 * which PayPal takes without decimals while ISO-4217 gives them two: refused rather than risk a wrong amount.
 */
const CURRENCIES = new Set([
  'AUD',
  'BRL',
  'CAD',
  'CNY',
  'CZK',
  'DKK',
  'EUR',
  'HKD',
  'ILS',
  'JPY',
  'MYR',
  'MXN',
  'NZD',
  'NOK',
  'PHP',
  'PLN',
  'GBP',
  'SGD',
  'SEK',
  'CHF',
  'THB',
  'USD',
]);

export const paypal: GatewayAdapter<PaypalCredentials, NotificationCheck> = {
  id: 'paypal',
  displayName: 'PayPal',
  credentialsSchema: paypalCredentialsSchema,
  secretFields: PAYPAL_SECRET_FIELDS,
  // PayPal's IPN source addresses change and are not in protocols.md [UNCONFIRMED]: the postback is the check.
  sourceIps: [],
  notifyTimeoutMs: NOTIFY_TIMEOUT_MS,
  abandonedAfterMs: ABANDONED_AFTER_MS,
  supportsCurrency: (currency) => CURRENCIES.has(currency),
  // Our payment id is unique for ever, as PayPal wants an invoice to be (it refuses a repeated invoice by default).
  merchantRef: ({ paymentId }) => paymentId,
  createPayment: createPaypalPayment,
  verifyNotification: verifyPaypalNotification,
  fetchBack: fetchPaypalBack,
  // No fetchStatus: IPN has no status API without NVP/SOAP or REST credentials; reconciliation alerts a person.
  // The customer's return carries nothing signed (rm=1: no variables at all).
  readReturn: () => null,
  reply: paypalReply,
  offlineAccount: paypalOfflineAccount,
};

/**
 * PayPal wants an EMPTY HTTP 200 (IPNImplementation: "respond with an empty HTTP 200"), and resends on anything else.
 * A refusal is a 4xx all the same (shared convention, _shared/text-reply.ts): PayPal's IPN History then shows the
 * merchant that something is wrong (another receiver, a test IPN on a live URL); nothing is lost, the raw IPN is
 * stored. Unavailable (nothing stored) is 503, so PayPal resends.
 */
export function paypalReply(outcome: ReplyOutcome): GatewayReply {
  if (outcome.kind === 'accepted') return { status: 200, contentType: 'text/plain; charset=utf-8', body: '' };
  return plainTextReply(outcome, 199);
}

/**
 * For `quittance verify paypal --secret <receiver e-mail>`: nothing in an IPN is secret, so the "secret" is the
 * account's primary e-mail; the mode comes from the IPN's test_ipn. The postback goes to PayPal (sandbox for a test
 * IPN) unless `--verify-url` points elsewhere.
 */
export function paypalOfflineAccount(input: OfflineInput): GatewayAccount<PaypalCredentials> {
  if (input.algorithm !== undefined) {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      'PayPal IPN signs nothing, so there is no algorithm: leave it out.',
    );
  }
  const parsed = paypalCredentialsSchema.safeParse({ receiverEmail: input.secret });
  if (!parsed.success) {
    throw new QuittanceError(
      'VALIDATION_FAILED',
      "for paypal, --secret is the business account's primary e-mail (receiver_email); nothing in IPN is secret",
    );
  }
  const ipn = readIpn(input.request.body);
  const test = 'fields' in ipn && ipn.fields.test_ipn === '1';
  return { id: 'offline', gateway: 'paypal', mode: test ? 'test' : 'live', credentials: parsed.data };
}
