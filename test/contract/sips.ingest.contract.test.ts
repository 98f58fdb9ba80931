import {
  signedNotification,
  testAccount,
  withCredentials,
} from '../../src/gateways/sips/fixtures/notification.js';
import { sips } from '../../src/gateways/sips/index.js';
import { testIngestContract, withoutField } from './ingest.contract.js';

const otherShop = withCredentials(testAccount, { secretKey: '002001000000001_KEY2' });

testIngestContract({
  adapter: sips,
  credentials: testAccount.credentials,
  paid: { word: '00', status: 'captured' },
  refusedWord: '05',
  signedNotification: (request, code) => signedNotification(testAccount, request, code),
  signedWithOtherKey: (request, code) => signedNotification(otherShop, request, code),
  withoutSignature: (raw) => withoutField(raw, 'Seal'),
});
