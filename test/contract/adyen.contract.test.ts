import type { AdyenCredentials } from '../../src/gateways/adyen/credentials.js';
import { OTHER_KEY, signedNotification, testAccount } from '../../src/gateways/adyen/fixtures.js';
import { adyenSigningString } from '../../src/gateways/adyen/hmac.js';
import { adyen } from '../../src/gateways/adyen/index.js';
import { parseAdyenNotification } from '../../src/gateways/adyen/notification.js';
import type { GatewayAdapter, RawRequest, Verdict } from '../../src/gateways/gateway.js';
import { testGatewayContract } from './gateway.contract.js';

/**
 * Adyen's `createPayment` throws: the checkout is a payment link made server-to-server (`initPayment`, tested in
 * src/gateways/adyen/payment-link.test.ts). The contract's "creates a usable checkout" check runs against the
 * checkout initPayment hands back for a link; every other check runs on the adapter itself.
 */
const adapterWithLinkCheckout: GatewayAdapter<AdyenCredentials, Verdict> = {
  ...adyen,
  createPayment: () => ({ method: 'GET', url: 'https://test.adyen.link/PL6DB3157D27FFBBCF', fields: {} }),
};

testGatewayContract({
  adapter: adapterWithLinkCheckout,
  account: testAccount,
  statuses: {
    AUTHORISATION: 'captured',
    'AUTHORISATION:false': 'refused',
    CAPTURE: 'captured',
    CANCELLATION: 'cancelled',
  },
  secret: testAccount.credentials.hmacKey,
  signedNotification: (request, event) => signedNotification(testAccount, request, event),
  signedWithOtherKey: (request, event) => signedNotification(testAccount, request, event, {}, OTHER_KEY),
  sameSignedContent: (a, b) => {
    const left = signedContent(a);
    return left !== undefined && left === signedContent(b);
  },
});

/**
 * Adyen signs eight fields of each item, not the body: a tamper elsewhere (eventDate, reason, a key of additionalData,
 * white space) may verify; one that changes a signed value, the signature's bytes, the merchant account, the mode or
 * the shape must not. What the adapter reads besides the signed fields (`live`, `modification.action`) is compared
 * too.
 */
function signedContent(raw: RawRequest): string | undefined {
  const parsed = parseAdyenNotification(raw);
  if (parsed.kind !== 'parsed') return undefined;
  return JSON.stringify([
    parsed.live,
    parsed.items.map((item) => [
      adyenSigningString(item.raw),
      Buffer.from(item.signature ?? '', 'base64').toString('hex'),
      typeof item.raw.amount === 'object' && item.raw.amount !== null
        ? typeof (item.raw.amount as Record<string, unknown>).value
        : '',
      typeof item.raw.success,
      (item.raw.additionalData as Record<string, unknown> | undefined)?.['modification.action'],
    ]),
  ]);
}
