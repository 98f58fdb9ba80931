import { testStatusContract } from '../../../test/contract/gateway.contract.js';
import type { CheckoutRequest } from '../gateway.js';
import { testAccount } from './fixtures/notification.js';
import { jsonResponse, officeFetch, transactionData } from './fixtures/office.js';
import { sips } from './index.js';
import { SIPS_TRANSACTION_STATUS_MAP } from './status.js';

/** The gateway contract's fetchStatus part for Sips (test/contract/sips.contract.test.ts runs the rest). */
testStatusContract({
  adapter: sips,
  account: testAccount,
  statuses: SIPS_TRANSACTION_STATUS_MAP,
  gatewayFetch: (request: CheckoutRequest, status: string) =>
    officeFetch(() => jsonResponse(transactionData(testAccount, request, status))).fetch,
  unknownFetch: () => officeFetch(() => jsonResponse({ responseCode: '25' })).fetch,
});
