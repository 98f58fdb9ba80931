import {
  OTHER_SECRET,
  signedNotification,
  testAccount,
} from '../../src/gateways/standard-webhooks/fixtures.js';
import { standardWebhooks } from '../../src/gateways/standard-webhooks/index.js';
import { testIngestContract } from './ingest.contract.js';

testIngestContract({
  adapter: standardWebhooks,
  credentials: testAccount.credentials,
  paid: { word: 'succeeded', status: 'captured' },
  refusedWord: 'failed',
  signedNotification: (request, status) => signedNotification(request, status),
  signedWithOtherKey: (request, status) => signedNotification(request, status, OTHER_SECRET),
  withoutSignature: (raw) => {
    const { 'webhook-signature': _dropped, ...headers } = raw.headers;
    return { ...raw, headers };
  },
  // The refused message's body under the paid message's headers (id, timestamp, signature).
  tamper: (request) => ({
    ...signedNotification(request, 'succeeded'),
    body: signedNotification(request, 'failed').body,
  }),
});
