import { decodeForm, formToRecord } from '../../src/gateways/_shared/form-codec.js';
import type { GatewayAdapter, RawRequest, Verdict } from '../../src/gateways/gateway.js';
import type { TrivenetoCredentials } from '../../src/gateways/triveneto/credentials.js';
import { signedNotification, testAccount, withCredentials } from '../../src/gateways/triveneto/fixtures.js';
import { checkoutOf, triveneto } from '../../src/gateways/triveneto/index.js';
import { TRIVENETO_STATUS_MAPS } from '../../src/gateways/triveneto/map.js';
import { testGatewayContract } from './gateway.contract.js';

const otherSecret = withCredentials(testAccount, { secret: 'not-the-account-secret-0123456789' });

/**
 * Triveneto's `createPayment` throws: the redirect needs the PaymentID of a server-to-server PaymentInit
 * (`initPayment`). The contract's "creates a usable checkout" check is therefore run against what `initPayment` hands
 * back for a PaymentInit answer (`checkoutOf`), not against `createPayment`; every other check runs on the adapter
 * itself. createPayment's own behaviour is tested in src/gateways/triveneto/init.test.ts.
 */
const adapterWithInitCheckout: GatewayAdapter<TrivenetoCredentials, Verdict> = {
  ...triveneto,
  createPayment: () =>
    checkoutOf({ paymentId: '8111234567891234', paymentUrl: 'https://test4.constriv.com/cg301/hppaction' }),
};

testGatewayContract({
  adapter: adapterWithInitCheckout,
  account: testAccount,
  statuses: TRIVENETO_STATUS_MAPS.purchase,
  secret: testAccount.credentials.secret,
  signedNotification: (request, status) => signedNotification(testAccount, request, status),
  signedWithOtherKey: (request, status) => signedNotification(otherSecret, request, status),
  sameSignedContent: (a, b) => {
    const left = securedContent(a);
    return left !== undefined && left === securedContent(b);
  },
});

/**
 * The gateway signs nothing: only udf1, udf2 and trackid are bound to the secret by the udf4 security code. A tamper
 * that leaves those four values as they were (result, paymentid, tranid, the facts, udf3/udf5) may verify — the
 * protocol cannot tell — and any other must not.
 */
function securedContent(raw: RawRequest): string | undefined {
  try {
    const pairs = decodeForm(raw.body);
    if (new Set(pairs.map((p) => p.name)).size !== pairs.length) return undefined;
    const fields = formToRecord(pairs);
    return JSON.stringify([fields.udf1, fields.udf2, fields.trackid, fields.udf4]);
  } catch {
    return undefined;
  }
}
