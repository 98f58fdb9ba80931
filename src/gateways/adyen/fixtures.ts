import { money } from '../../core/index.js';
import type { CheckoutRequest, GatewayAccount, RawRequest } from '../gateway.js';
import type { AdyenCredentials } from './credentials.js';
import { adyenHmac, adyenSigningString } from './hmac.js';

/** Test fixtures: an account, a payment, and standard notifications as Adyen would post them. */

/** The published test key of shared/protocols.md §6 (Adyen's own hmacValidator tests). */
export const PUBLISHED_KEY = 'DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00';

export const testAccount: GatewayAccount<AdyenCredentials> = {
  id: 'acc_adyen_test',
  gateway: 'adyen',
  mode: 'test',
  credentials: {
    merchantAccount: 'QuittanceShopECOM',
    hmacKey: PUBLISHED_KEY,
    previousHmacKey: '44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056',
    apiKey: 'AQE_test_api_key_fixture',
    environment: 'test',
    capture: 'auto',
  },
};

export const OTHER_KEY = '0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF';

export function withCredentials(
  account: GatewayAccount<AdyenCredentials>,
  credentials: Partial<AdyenCredentials>,
): GatewayAccount<AdyenCredentials> {
  return { ...account, credentials: { ...account.credentials, ...credentials } };
}

export function checkoutRequest(overrides: Partial<CheckoutRequest> = {}): CheckoutRequest {
  return {
    paymentId: 'pay_01jq4m2k7n8p9r0s1t2v3w4x5y',
    orderRef: 'ORDER-1042',
    merchantRef: 'pay_01jq4m2k7n8p9r0s1t2v3w4x5y',
    amount: money(1250, 'EUR'),
    now: new Date('2026-03-14T23:05:09.250Z'),
    urls: {
      notify: 'https://pay.example.com/notify/acc_adyen_test',
      return: 'https://pay.example.com/return/acc_adyen_test/pay_01jq4m2k7n8p9r0s1t2v3w4x5y',
      wait: 'https://quittance.example/pay/wait',
    },
    ...overrides,
  };
}

export type ItemFields = Record<string, unknown>;

/**
 * A NotificationRequestItem about `request` for `event` (`AUTHORISATION`, or `CAPTURE:false` for success false),
 * signed with `hexKey` (the account's by default) after `overrides` are applied.
 */
export function notificationItem(
  account: GatewayAccount<AdyenCredentials>,
  request: CheckoutRequest,
  event: string,
  overrides: ItemFields = {},
  hexKey = account.credentials.hmacKey,
): ItemFields {
  const [eventCode, success = 'true'] = event.split(':');
  const modification = eventCode !== 'AUTHORISATION';
  const item: ItemFields = {
    additionalData: { authCode: '058158', cardSummary: '1111' },
    amount: { value: request.amount.value, currency: request.amount.currency },
    eventCode,
    eventDate: '2026-03-14T23:06:11+01:00',
    merchantAccountCode: account.credentials.merchantAccount,
    merchantReference: request.merchantRef,
    originalReference: modification ? 'QFQTPCQ8HXSKGK82' : '',
    paymentMethod: 'visa',
    pspReference: modification ? 'JVBXGSDM53RZNN82' : 'QFQTPCQ8HXSKGK82',
    reason: '058158:1111:03/2030',
    success,
    ...overrides,
  };
  const additional = { ...(item.additionalData as ItemFields) };
  additional.hmacSignature = adyenHmac(hexKey, adyenSigningString(item));
  return { ...item, additionalData: additional };
}

export function rawNotification(
  items: readonly ItemFields[],
  options: { readonly live?: string; readonly contentType?: string } = {},
): RawRequest {
  const body = {
    live: options.live ?? 'false',
    notificationItems: items.map((item) => ({ NotificationRequestItem: item })),
  };
  return {
    method: 'POST',
    path: '/notify/acc_adyen_test',
    query: '',
    headers: { 'content-type': options.contentType ?? 'application/json; charset=utf-8' },
    body: Buffer.from(JSON.stringify(body)),
    sourceIp: '203.0.113.7',
    receivedAt: new Date('2026-03-14T23:07:00Z'),
  };
}

export function signedNotification(
  account: GatewayAccount<AdyenCredentials>,
  request: CheckoutRequest,
  event: string,
  overrides: ItemFields = {},
  hexKey?: string,
): RawRequest {
  return rawNotification([notificationItem(account, request, event, overrides, hexKey)], {
    live: account.mode === 'live' ? 'true' : 'false',
  });
}
