import { money } from '../../src/core/index.js';
import type { CheckoutRequest } from '../../src/gateways/gateway.js';
import {
  json,
  NOW_S,
  paidOrder,
  stubFetch,
  testAccount,
  unpaidOrder,
  webhook,
} from '../../src/gateways/taler/fixtures/orders.js';
import { taler } from '../../src/gateways/taler/index.js';
import { testFetchBackContract } from './gateway.contract.js';

/**
 * Each contract state as the backend's answer about the order (src/gateways/taler/order-status.ts), and the webhook
 * that would announce it (pay for a payment, refund for a refund; repurchase and expiry have no webhook of their own:
 * an order_created hint stands in, claiming nothing).
 */
function order(request: CheckoutRequest, state: string): Record<string, unknown> {
  const id = request.merchantRef;
  switch (state) {
    case 'paid':
      return paidOrder({}, id);
    case 'partially_refunded':
      return paidOrder({ refunded: true, refund_amount: 'EUR:5' }, id);
    case 'refunded':
      return paidOrder({ refunded: true, refund_amount: 'EUR:12.5' }, id);
    case 'repurchase':
      return unpaidOrder({ already_paid_order_id: 'pay_earlier0001' });
    case 'expired':
      // The contract's fetch-back runs a minute after NOW: a deadline long past.
      return unpaidOrder({ creation_time: { t_s: NOW_S - 7200 }, pay_deadline: { t_s: NOW_S - 3600 } });
    default:
      throw new Error(state);
  }
}

const EVENT: Readonly<Record<string, string>> = {
  paid: 'pay',
  partially_refunded: 'refund',
  refunded: 'refund',
  repurchase: 'order_created',
  expired: 'order_created',
};

testFetchBackContract({
  adapter: taler,
  account: testAccount,
  statuses: {
    paid: 'captured',
    partially_refunded: 'partially_refunded',
    refunded: 'refunded',
    repurchase: 'cancelled',
    expired: 'expired',
  },
  amount: money(1250, 'EUR'),
  notification: (request, state) => webhook({ event_type: EVENT[state], order_id: request.merchantRef }),
  gatewayFetch: (request, state) => stubFetch(() => json(200, order(request, state))).fetch,
  unknownFetch: () => stubFetch(() => json(404, { code: 2000, hint: 'unknown order' })).fetch,
});
