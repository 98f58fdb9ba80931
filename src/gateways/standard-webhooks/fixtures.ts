import type { CheckoutRequest, GatewayAccount, RawRequest } from '../gateway.js';
import { type StandardWebhooksCredentials, standardWebhooksCredentialsSchema } from './credentials.js';
import { secretKey, signStandardWebhook } from './signature.js';

/** The secret of the spec's published vector (protocols.md §6), and another one. */
export const TEST_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const PREVIOUS_SECRET = 'whsec_cHJldmlvdXMtc2VjcmV0LWZvci1yb3RhdGlvbg==';
export const OTHER_SECRET = 'whsec_b3RoZXItc2VuZGVyLXNlY3JldC0wMDAwMDAwMA==';

export const testAccount: GatewayAccount<StandardWebhooksCredentials> = {
  id: 'sw-test',
  gateway: 'standard-webhooks',
  mode: 'test',
  credentials: standardWebhooksCredentialsSchema.parse({
    secret: TEST_SECRET,
    previousSecret: PREVIOUS_SECRET,
    checkoutUrl: 'https://sender.example/pay',
  }),
};

/** A payload in the default mapping's shape. */
export function payloadFor(request: CheckoutRequest, status: string, id = 'txn_0001'): string {
  return JSON.stringify({
    type: `payment.${status}`,
    timestamp: request.now.toISOString(),
    data: {
      id,
      reference: request.merchantRef,
      status,
      amount: request.amount.value,
      currency: request.amount.currency,
    },
  });
}

/** A request as a sender posts it, signed with `secret` at `timestamp` (default: the request's time), received then. */
export function signedRequest(
  body: string | Uint8Array,
  options: { secret?: string; id?: string; timestamp?: number; receivedAt?: Date; signature?: string } = {},
): RawRequest {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const receivedAt = options.receivedAt ?? new Date('2026-05-04T10:20:30.400Z');
  const timestamp = options.timestamp ?? Math.floor(receivedAt.getTime() / 1000);
  const id = options.id ?? 'msg_2x7TestWebhook0001';
  const key = secretKey(options.secret ?? TEST_SECRET);
  if (!key) throw new Error('not a whsec_ secret');
  return {
    method: 'POST',
    path: '/notify/sw-test',
    query: '',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': options.signature ?? signStandardWebhook(key, id, timestamp, bytes),
    },
    body: bytes,
    sourceIp: '203.0.113.7',
    receivedAt,
  };
}

/** The notification a sender following the default mapping posts about `request`'s payment. */
export function signedNotification(
  request: CheckoutRequest,
  status: string,
  secret = TEST_SECRET,
): RawRequest {
  return signedRequest(payloadFor(request, status), { secret, receivedAt: request.now });
}
