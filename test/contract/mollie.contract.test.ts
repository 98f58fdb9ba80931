import { money } from '../../src/core/index.js';
import type { CheckoutRequest } from '../../src/gateways/gateway.js';
import {
  paymentObject,
  stubFetch,
  testAccount,
  webhook,
} from '../../src/gateways/mollie/fixtures/payments.js';
import { mollie } from '../../src/gateways/mollie/index.js';
import { testFetchBackContract } from './gateway.contract.js';

const ID = 'tr_contract0000000001';
const eur = (value: string) => ({ value, currency: 'EUR' });

/** Each contract state as the fields of a Mollie payment object (src/gateways/mollie/map.ts). */
const STATES: Readonly<Record<string, Record<string, unknown>>> = {
  paid: { status: 'paid', amountRefunded: eur('0.00'), amountRemaining: eur('12.50') },
  failed: { status: 'failed' },
  canceled: { status: 'canceled' },
  expired: { status: 'expired' },
  authorized: { status: 'authorized' },
  pending: { status: 'pending' },
  partially_refunded: { status: 'paid', amountRefunded: eur('5.00'), amountRemaining: eur('7.50') },
  refunded: { status: 'paid', amountRefunded: eur('12.50'), amountRemaining: eur('0.00') },
};

function payment(request: CheckoutRequest, state: string): Record<string, unknown> {
  return paymentObject({
    id: ID,
    amount: eur('12.50'),
    metadata: { quittance_payment_id: request.paymentId, order_ref: request.orderRef },
    ...STATES[state],
  });
}

testFetchBackContract({
  adapter: mollie,
  account: testAccount,
  statuses: {
    paid: 'captured',
    failed: 'refused',
    canceled: 'cancelled',
    expired: 'expired',
    authorized: 'authorized',
    pending: 'pending',
    partially_refunded: 'partially_refunded',
    refunded: 'refunded',
  },
  amount: money(1250, 'EUR'),
  // Mollie's webhook names the payment and nothing else, whatever its state.
  notification: () => webhook(`id=${ID}`),
  gatewayFetch: (request, state) =>
    stubFetch(() => Response.json(payment(request, state), { status: 200 })).fetch,
  unknownFetch: () =>
    stubFetch(() =>
      Response.json(
        { status: 404, title: 'Not Found', detail: `No payment exists with token ${ID}.` },
        { status: 404 },
      ),
    ).fetch,
});
