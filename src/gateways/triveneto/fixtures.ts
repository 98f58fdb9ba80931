import { money } from '../../core/index.js';
import { encodeForm } from '../_shared/form-codec.js';
import type { CheckoutRequest, GatewayAccount, RawRequest } from '../gateway.js';
import type { TrivenetoCredentials } from './credentials.js';
import { amountField } from './init.js';
import { securityCode } from './security-code.js';

/** Test fixtures: an account, a payment, and NotificationMessages as the gateway would post them. */
export const testAccount: GatewayAccount<TrivenetoCredentials> = {
  id: 'acc_triveneto_test',
  gateway: 'triveneto',
  mode: 'test',
  credentials: {
    id: '89025555',
    password: 'test-terminal-password',
    secret: 'quittance-fixture-secret-0123456789',
    action: 'purchase',
    langid: 'ITA',
    environment: 'test',
  },
};

export function withCredentials(
  account: GatewayAccount<TrivenetoCredentials>,
  credentials: Partial<TrivenetoCredentials>,
): GatewayAccount<TrivenetoCredentials> {
  return { ...account, credentials: { ...account.credentials, ...credentials } };
}

export function checkoutRequest(overrides: Partial<CheckoutRequest> = {}): CheckoutRequest {
  return {
    paymentId: 'pay_01jq4m2k7n8p9r0s1t2v3w4x5y',
    orderRef: 'ORDER-1042',
    merchantRef: '20260314-42',
    amount: money(1250, 'EUR'),
    now: new Date('2026-03-14T23:05:09.250Z'),
    urls: {
      notify: 'https://pay.example.com/notify/acc_triveneto_test',
      return: 'https://pay.example.com/return/acc_triveneto_test/pay_01jq4m2k7n8p9r0s1t2v3w4x5y',
      wait: 'https://quittance.example/pay/wait',
    },
    ...overrides,
  };
}

/** The fields of a NotificationMessage about `request`, udf4 computed with `account`'s secret. */
export function notificationFields(
  account: GatewayAccount<TrivenetoCredentials>,
  request: CheckoutRequest,
  result: string,
  overrides: Readonly<Record<string, string | undefined>> = {},
): Record<string, string> {
  const udf2 = amountField(request.amount);
  const fields: Record<string, string | undefined> = {
    paymentid: '8111234567891234',
    tranid: '7001234567891234',
    result,
    auth: '123456',
    postdate: '0314',
    trackid: request.merchantRef,
    udf1: request.paymentId,
    udf2,
    udf3: '',
    udf4: securityCode(account.credentials.secret, request.paymentId, udf2, request.merchantRef),
    udf5: '',
    ref: '607312345678',
    responsecode: '00',
    cardtype: 'VISA',
    ...overrides,
  };
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) out[name] = value;
  return out;
}

export function rawNotification(
  fields: Readonly<Record<string, string>>,
  contentType = 'application/x-www-form-urlencoded',
): RawRequest {
  return {
    method: 'POST',
    path: '/notify/acc_triveneto_test',
    query: '',
    headers: { 'content-type': contentType },
    body: Buffer.from(encodeForm(fields)),
    sourceIp: '203.0.113.7',
    receivedAt: new Date('2026-03-14T23:07:00Z'),
  };
}

export function signedNotification(
  account: GatewayAccount<TrivenetoCredentials>,
  request: CheckoutRequest,
  result: string,
  overrides: Readonly<Record<string, string | undefined>> = {},
): RawRequest {
  return rawNotification(notificationFields(account, request, result, overrides));
}
