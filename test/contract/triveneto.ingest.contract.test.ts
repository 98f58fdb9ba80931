import { money } from '../../src/core/index.js';
import { signedNotification, testAccount, withCredentials } from '../../src/gateways/triveneto/fixtures.js';
import { triveneto } from '../../src/gateways/triveneto/index.js';
import { amountField } from '../../src/gateways/triveneto/init.js';
import { testIngestContract, withoutField } from './ingest.contract.js';

const otherSecret = withCredentials(testAccount, { secret: 'not-the-account-secret-0123456789' });

/** The PaymentID the fixtures' NotificationMessages carry, answered by the fake PaymentInit servlet. */
const PAYMENT_ID = '8111234567891234';

testIngestContract({
  adapter: triveneto,
  credentials: testAccount.credentials,
  paid: { word: 'CAPTURED', status: 'captured' },
  refusedWord: 'NOT CAPTURED',
  signedNotification: (request, result) => signedNotification(testAccount, request, result),
  signedWithOtherKey: (request, result) => signedNotification(otherSecret, request, result),
  withoutSignature: (raw) => withoutField(raw, 'udf4'),
  // udf4 covers udf1 (payment id), udf2 (amount) and trackid only (security-code.ts): change the amount.
  tamper: (request) =>
    signedNotification(testAccount, request, 'CAPTURED', {
      udf2: amountField(money(request.amount.value * 10, request.amount.currency)),
    }),
  initFetch: async () =>
    new Response(`${PAYMENT_ID}:https://test4.constriv.com/cg301/hppaction`, {
      status: 200,
      headers: { 'content-type': 'text/plain' },
    }),
});
