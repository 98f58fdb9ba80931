import {
  notificationItem,
  OTHER_KEY,
  rawNotification,
  signedNotification,
  testAccount,
} from '../../src/gateways/adyen/fixtures.js';
import { adyen } from '../../src/gateways/adyen/index.js';
import type { RawRequest } from '../../src/gateways/gateway.js';
import { testIngestContract } from './ingest.contract.js';

testIngestContract({
  adapter: adyen,
  credentials: testAccount.credentials,
  paid: { word: 'AUTHORISATION', status: 'captured' },
  refusedWord: 'AUTHORISATION:false',
  signedNotification: (request, event) => signedNotification(testAccount, request, event),
  signedWithOtherKey: (request, event) => signedNotification(testAccount, request, event, {}, OTHER_KEY),
  withoutSignature: withoutHmacSignature,
  // The paid item's signature over a refused item: success is a signed field.
  tamper: (request) => {
    const paid = notificationItem(testAccount, request, 'AUTHORISATION');
    return rawNotification([{ ...paid, success: 'false' }]);
  },
  initFetch: async () =>
    new Response(
      JSON.stringify({ id: 'PL61C53A8B97E6915A', url: 'https://test.adyen.link/PL61C53A8B97E6915A' }),
      {
        status: 201,
        headers: { 'content-type': 'application/json' },
      },
    ),
});

function withoutHmacSignature(raw: RawRequest): RawRequest {
  const body = JSON.parse(Buffer.from(raw.body).toString('utf8')) as {
    notificationItems: { NotificationRequestItem: { additionalData?: Record<string, unknown> } }[];
  };
  for (const { NotificationRequestItem: item } of body.notificationItems)
    delete item.additionalData?.hmacSignature;
  return { ...raw, body: Buffer.from(JSON.stringify(body)) };
}
