import { testStatusContract } from '../../../test/contract/gateway.contract.js';
import type { CheckoutRequest } from '../gateway.js';
import { testAccount } from './fixtures/notification.js';
import {
  fakeFetch,
  jsonResponse,
  restError,
  restOrder,
  restSuccess,
  restTransaction,
} from './fixtures/rest.js';
import { lyra } from './index.js';
import { LYRA_STATUS_MAP } from './map.js';

/**
 * The gateway contract's fetchStatus part for Lyra. (test/contract/lyra.contract.test.ts runs the rest of the
 * contract; this file keeps the status part beside the adapter's own status tests.)
 */
testStatusContract({
  adapter: lyra,
  account: testAccount,
  statuses: LYRA_STATUS_MAP,
  gatewayFetch: (request: CheckoutRequest, status: string) =>
    fakeFetch(({ url }) =>
      jsonResponse(
        url.endsWith('/Transaction/Get')
          ? restSuccess('Transaction/Get', restTransaction(request, status))
          : restOrder(request.orderRef, [restTransaction(request, status)]),
      ),
    ).fetch,
  unknownFetch: () =>
    fakeFetch(({ url }) =>
      jsonResponse(
        restError(
          url.endsWith('/Transaction/Get') ? 'Transaction/Get' : 'Order/Get',
          'PSP_010',
          'transaction not found',
        ),
      ),
    ).fetch,
});
