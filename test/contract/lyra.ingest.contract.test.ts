import {
  signedNotification,
  testAccount,
  withCredentials,
} from '../../src/gateways/lyra/fixtures/notification.js';
import { lyra } from '../../src/gateways/lyra/index.js';
import { testIngestContract, withoutField } from './ingest.contract.js';

const otherShop = withCredentials(testAccount, { key: '8877665544332211' });

testIngestContract({
  adapter: lyra,
  credentials: testAccount.credentials,
  paid: { word: 'CAPTURED', status: 'captured' },
  refusedWord: 'REFUSED',
  signedNotification: (request, status) => signedNotification(testAccount, request, status),
  signedWithOtherKey: (request, status) => signedNotification(otherShop, request, status),
  withoutSignature: (raw) => withoutField(raw, 'signature'),
});
