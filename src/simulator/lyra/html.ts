import { autoSubmitPage, escapeHtml, page, shopperForm } from '../_shared/html.js';
import { FAULT_KINDS } from '../faults.js';
import { SCENARIOS } from './types.js';

const SCENARIO_LABELS: Readonly<Record<string, string>> = {
  paid: 'Pay (card accepted)',
  refused: 'Pay (card refused)',
  cancelled: 'Cancel and return to the shop',
  'authorised-only': 'Pay (authorise only, manual validation)',
};

/** The hosted payment page: one button per scenario, and checkboxes to inject faults. */
export function paymentPage(txn: string, amount: number, currency: string, orderId: string): string {
  const form = shopperForm({
    action: '/vads-payment/pay',
    txn,
    faultKinds: FAULT_KINDS,
    scenarios: SCENARIOS,
    labels: SCENARIO_LABELS,
  });
  return page(
    'Lyra simulator: payment',
    `<h1>Payment of ${amount} (currency ${escapeHtml(currency)})</h1>
<p>Order ${escapeHtml(orderId || '(none)')}</p>
${form}`,
  );
}

/** What the browser gets after paying: a form that posts the return fields on its own. */
export function returnPage(url: string, fields: Readonly<Record<string, string>>): string {
  return autoSubmitPage('Lyra simulator: back to the shop', url, fields);
}
