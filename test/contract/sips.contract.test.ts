import { decodeForm, formToRecord } from '../../src/gateways/_shared/form-codec.js';
import type { RawRequest } from '../../src/gateways/gateway.js';
import {
  signedNotification,
  testAccount,
  withCredentials,
} from '../../src/gateways/sips/fixtures/notification.js';
import { sips } from '../../src/gateways/sips/index.js';
import { SIPS_RESPONSE_MAP } from '../../src/gateways/sips/map.js';
import { testGatewayContract } from './gateway.contract.js';

const otherShop = withCredentials(testAccount, { secretKey: '002001000000001_KEY2' });

testGatewayContract({
  adapter: sips,
  account: testAccount,
  statuses: SIPS_RESPONSE_MAP,
  secret: testAccount.credentials.secretKey,
  signedNotification: (request, code) => signedNotification(testAccount, request, code),
  signedWithOtherKey: (request, code) => signedNotification(otherShop, request, code),
  sameSignedContent: (a, b) => {
    const left = sealedContent(a);
    return left !== undefined && left === sealedContent(b);
  },
});

/**
 * The seal covers `Data` as decoded from the form, not the form's bytes: a percent-escape written in the other case,
 * or a change to the unsealed InterfaceVersion, leaves what is sealed as it was.
 */
function sealedContent(raw: RawRequest): string | undefined {
  try {
    const pairs = decodeForm(raw.body);
    if (new Set(pairs.map((p) => p.name)).size !== pairs.length) return undefined;
    const form = formToRecord(pairs);
    return JSON.stringify([form.Data, form.Seal, form.Encode]);
  } catch {
    return undefined;
  }
}
