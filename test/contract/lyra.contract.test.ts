import { decodeForm, formToRecord } from '../../src/gateways/_shared/form-codec.js';
import type { RawRequest } from '../../src/gateways/gateway.js';
import {
  signedNotification,
  testAccount,
  withCredentials,
} from '../../src/gateways/lyra/fixtures/notification.js';
import { lyra } from '../../src/gateways/lyra/index.js';
import { LYRA_STATUS_MAP } from '../../src/gateways/lyra/map.js';
import { signedString } from '../../src/gateways/lyra/signature.js';
import { testGatewayContract } from './gateway.contract.js';

const otherShop = withCredentials(testAccount, { key: '8877665544332211' });

testGatewayContract({
  adapter: lyra,
  account: testAccount,
  statuses: LYRA_STATUS_MAP,
  secret: testAccount.credentials.key,
  signedNotification: (request, status) => signedNotification(testAccount, request, status),
  signedWithOtherKey: (request, status) => signedNotification(otherShop, request, status),
  sameSignedContent: (a, b) => {
    const left = signedContent(a);
    return left !== undefined && left === signedContent(b);
  },
});

/**
 * Lyra signs the vads_ values in name order, not the names: renaming a field without moving it in that order, or
 * writing a percent-escape in the other case, leaves the signed content as it was.
 */
function signedContent(raw: RawRequest): string | undefined {
  try {
    const pairs = decodeForm(raw.body);
    const fields = formToRecord(pairs);
    if (new Set(pairs.map((p) => p.name)).size !== pairs.length) return undefined;
    return JSON.stringify([signedString(fields, ''), fields.signature]);
  } catch {
    return undefined;
  }
}
