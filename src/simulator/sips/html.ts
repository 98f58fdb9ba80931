import { autoSubmitPage, escapeHtml, page, shopperForm } from '../_shared/html.js';
import { FAULT_KINDS } from '../faults.js';
import { SCENARIOS } from '../platform.js';

const SCENARIO_LABELS: Readonly<Record<string, string>> = {
  paid: 'Pay (accepted, AUTHOR_CAPTURE)',
  refused: 'Pay (refused, 05)',
  cancelled: 'Cancel and return to the shop (17)',
  'authorised-only': 'Pay (accepted, VALIDATION)',
};

/** The Paypage: one button per scenario, and checkboxes to inject faults. */
export function paymentPage(
  payUrl: string,
  txn: string,
  amount: number,
  currencyCode: string,
  reference: string,
) {
  const form = shopperForm({
    action: payUrl,
    txn,
    faultKinds: FAULT_KINDS,
    scenarios: SCENARIOS,
    labels: SCENARIO_LABELS,
  });
  return page(
    'Sips simulator: Paypage',
    `<h1>Payment of ${amount} (currency ${escapeHtml(currencyCode)})</h1>
<p>transactionReference ${escapeHtml(reference)}</p>
${form}`,
  );
}

/** What the browser gets after paying: a form that posts the manual response to normalReturnUrl on its own. */
export function returnPage(url: string, fields: Readonly<Record<string, string>>): string {
  return autoSubmitPage('Sips simulator: back to the shop', url, fields);
}
