import { FAULT_KINDS } from '../faults.js';
import { SCENARIOS } from './types.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}

export function errorPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}

const SCENARIO_LABELS: Readonly<Record<string, string>> = {
  paid: 'Pay (card accepted)',
  refused: 'Pay (card refused)',
  cancelled: 'Cancel and return to the shop',
  'authorised-only': 'Pay (authorise only, manual validation)',
};

/** The hosted payment page: one button per scenario, and checkboxes to inject faults. */
export function paymentPage(txn: string, amount: number, currency: string, orderId: string): string {
  const faults = FAULT_KINDS.filter((k) => k !== 'delay')
    .map((k) => `<label><input type="checkbox" name="fault" value="${k}"> ${k}</label>`)
    .join('<br>');
  const buttons = SCENARIOS.map(
    (s) =>
      `<button type="submit" name="scenario" value="${s}">${escapeHtml(SCENARIO_LABELS[s] ?? s)}</button>`,
  ).join(' ');
  return page(
    'Lyra simulator: payment',
    `<h1>Payment of ${amount} (currency ${escapeHtml(currency)})</h1>
<p>Order ${escapeHtml(orderId || '(none)')}</p>
<form method="POST" action="/vads-payment/pay">
<input type="hidden" name="txn" value="${escapeHtml(txn)}">
<fieldset><legend>Faults</legend>${faults}<br>
<label>delay (ms) <input type="number" name="delay_ms" min="0"></label></fieldset>
${buttons}
</form>`,
  );
}

/** What the browser gets after paying: a form that posts the return fields on its own. */
export function autoSubmitPage(url: string, fields: Readonly<Record<string, string>>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  return page(
    'Lyra simulator: back to the shop',
    `<form id="return" method="POST" action="${escapeHtml(url)}">
${inputs}
<noscript><button type="submit">Return to the shop</button></noscript>
</form>
<script>document.getElementById('return').submit()</script>`,
  );
}
