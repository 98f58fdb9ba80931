import { money } from '../../src/core/index.js';
import type { CheckoutRequest } from '../../src/gateways/gateway.js';
import {
  notification,
  paymentObject,
  stubFetch,
  testAccount,
} from '../../src/gateways/payplug/fixtures/payments.js';
import { payplug } from '../../src/gateways/payplug/index.js';
import { testFetchBackContract } from './gateway.contract.js';

/** Each contract state as the fields of a PayPlug payment object (src/gateways/payplug/map.ts). */
const STATES: Readonly<Record<string, Record<string, unknown>>> = {
  paid: { is_paid: true },
  card_declined: { failure: { code: 'card_declined', message: 'declined' } },
  aborted: { failure: { code: 'aborted', message: 'aborted' } },
  timeout: { failure: { code: 'timeout', message: 'timeout' } },
  authorized: {
    authorization: { authorized_amount: 1250, authorized_at: 1434010827, expires_at: 1434615627 },
  },
  partially_refunded: { is_paid: true, amount_refunded: 500 },
  refunded: { is_paid: true, amount_refunded: 1250, is_refunded: true },
};

const ID = 'pay_contract0000000000001';

function payment(request: CheckoutRequest, state: string): Record<string, unknown> {
  return paymentObject({
    id: ID,
    amount: request.amount.value,
    currency: request.amount.currency,
    metadata: { quittance_payment_id: request.paymentId, order_ref: request.orderRef },
    ...STATES[state],
  });
}

testFetchBackContract({
  adapter: payplug,
  account: testAccount,
  statuses: {
    paid: 'captured',
    card_declined: 'refused',
    aborted: 'cancelled',
    timeout: 'expired',
    authorized: 'authorized',
    partially_refunded: 'partially_refunded',
    refunded: 'refunded',
  },
  amount: money(1250, 'EUR'),
  notification: (request, state) => notification(payment(request, state)),
  gatewayFetch: (request, state) =>
    stubFetch(() => Response.json(payment(request, state), { status: 200 })).fetch,
  unknownFetch: () =>
    stubFetch(() =>
      Response.json(
        { object: 'error', message: 'The resource you requested could not be found.' },
        { status: 404 },
      ),
    ).fetch,
});
