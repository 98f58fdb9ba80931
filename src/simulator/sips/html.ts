import { FAULT_KINDS } from '../faults.js';
import { escapeHtml } from '../lyra/html.js';
import { SCENARIOS } from '../platform.js';

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}

/** Sips shows an error page instead of the Paypage when a request is refused; this one names the responseCode. */
export function errorPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}

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
  const faults = FAULT_KINDS.filter((k) => k !== 'delay')
    .map((k) => `<label><input type="checkbox" name="fault" value="${k}"> ${k}</label>`)
    .join('<br>');
  const buttons = SCENARIOS.map(
    (s) =>
      `<button type="submit" name="scenario" value="${s}">${escapeHtml(SCENARIO_LABELS[s] ?? s)}</button>`,
  ).join(' ');
  return page(
    'Sips simulator: Paypage',
    `<h1>Payment of ${amount} (currency ${escapeHtml(currencyCode)})</h1>
<p>transactionReference ${escapeHtml(reference)}</p>
<form method="POST" action="${escapeHtml(payUrl)}">
<input type="hidden" name="txn" value="${escapeHtml(txn)}">
<fieldset><legend>Faults</legend>${faults}<br>
<label>delay (ms) <input type="number" name="delay_ms" min="0"></label></fieldset>
${buttons}
</form>`,
  );
}

/** What the browser gets after paying: a form that posts the manual response to normalReturnUrl on its own. */
export function autoSubmitPage(url: string, fields: Readonly<Record<string, string>>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  return page(
    'Sips simulator: back to the shop',
    `<form id="return" method="POST" action="${escapeHtml(url)}">
${inputs}
<noscript><button type="submit">Return to the shop</button></noscript>
</form>
<script>document.getElementById('return').submit()</script>`,
  );
}
