import type { RawRequest } from '../../src/gateways/gateway.js';
import {
  OTHER_SECRET,
  signedNotification,
  testAccount,
  withCredentials,
} from '../../src/gateways/stripe/fixtures/events.js';
import { stripe } from '../../src/gateways/stripe/index.js';
import { testIngestContract } from './ingest.contract.js';

const otherEndpoint = withCredentials(testAccount, { webhookSecret: OTHER_SECRET });

testIngestContract({
  adapter: stripe,
  credentials: testAccount.credentials,
  paid: { word: 'checkout.session.completed', status: 'captured' },
  refusedWord: 'checkout.session.async_payment_failed',
  signedNotification: (request, type) => signedNotification(testAccount, request, type),
  signedWithOtherKey: (request, type) => signedNotification(otherEndpoint, request, type),
  withoutSignature: (raw) => {
    const { 'stripe-signature': _, ...headers } = raw.headers;
    return { ...raw, headers };
  },
  // The paid event's Stripe-Signature over a body whose amount was changed.
  tamper: (request) => {
    const raw: RawRequest = signedNotification(testAccount, request, 'checkout.session.completed');
    const body = Buffer.from(raw.body)
      .toString('utf8')
      .replace(/"amount_total":\d+/, '"amount_total":1');
    return { ...raw, body: new TextEncoder().encode(body) };
  },
  initFetch: async () =>
    Response.json({
      id: 'cs_test_a1ingestcontract0000000001',
      object: 'checkout.session',
      url: 'https://checkout.stripe.com/c/pay/cs_test_a1ingestcontract0000000001',
    }),
});
