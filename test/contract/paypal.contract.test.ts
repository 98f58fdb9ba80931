import { money } from '../../src/core/index.js';
import { ipnFor, testAccount } from '../../src/gateways/paypal/fixtures/ipns.js';
import { paypal } from '../../src/gateways/paypal/index.js';
import { testPostbackContract } from './gateway.contract.js';

/** Each contract state as the IPN variables that say it (src/gateways/paypal/map.ts). */
const STATES: Readonly<Record<string, Record<string, string>>> = {
  Completed: { payment_status: 'Completed' },
  Pending: { payment_status: 'Pending', pending_reason: 'echeck' },
  Authorization: { payment_status: 'Pending', pending_reason: 'authorization' },
  Denied: { payment_status: 'Denied' },
  Failed: { payment_status: 'Failed' },
  Voided: { payment_status: 'Voided' },
  Expired: { payment_status: 'Expired' },
  Refunded: {
    payment_status: 'Refunded',
    parent_txn_id: '61E67681CH3238416',
    txn_id: '8RF4432Z1V1893251',
    mc_gross: '-12.50',
  },
  Reversed: {
    payment_status: 'Reversed',
    parent_txn_id: '61E67681CH3238416',
    txn_id: '3NR0911HX87430205',
    mc_gross: '-12.50',
  },
};

testPostbackContract({
  adapter: paypal,
  account: testAccount,
  statuses: {
    Completed: 'captured',
    Pending: 'pending',
    Authorization: 'authorized',
    Denied: 'refused',
    Failed: 'refused',
    Voided: 'cancelled',
    Expired: 'expired',
    Refunded: 'refunded',
    Reversed: 'error',
  },
  amount: money(1250, 'EUR'),
  notification: (request, state) => ipnFor(request, STATES[state]),
  answers: { genuine: 'VERIFIED', unknown: 'INVALID' },
});
