import { escapeHtml } from '../lyra/html.js';
import type { Scenario } from '../platform.js';
import { TRIVENETO_FAULT_KINDS } from './payment.js';

export { errorPage } from '../lyra/html.js';

const SCENARIO_LABELS: Readonly<Record<string, string>> = {
  paid: 'Paga (carta accettata, CAPTURED)',
  refused: 'Paga (carta rifiutata)',
  'authorised-only': 'Autorizza (APPROVED, contabilizzazione manuale)',
};

/** The hosted page: one button per scenario the terminal can play, checkboxes for the faults it can commit. */
export function paymentPage(
  paymentId: string,
  amt: string,
  currencycode: string,
  trackid: string,
  scenarios: readonly Scenario[],
  actPath: string,
): string {
  const faults = TRIVENETO_FAULT_KINDS.filter((k) => k !== 'delay')
    .map((k) => `<label><input type="checkbox" name="fault" value="${k}"> ${k}</label>`)
    .join('<br>');
  const buttons = scenarios
    .map(
      (s) =>
        `<button type="submit" name="scenario" value="${s}">${escapeHtml(SCENARIO_LABELS[s] ?? s)}</button>`,
    )
    .join(' ');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Consorzio Triveneto simulator: pagamento</title></head><body>
<h1>Pagamento di ${escapeHtml(amt)} (valuta ${escapeHtml(currencycode)})</h1>
<p>Ordine ${escapeHtml(trackid)} · PaymentID ${escapeHtml(paymentId)}</p>
<form method="POST" action="${escapeHtml(actPath)}">
<input type="hidden" name="txn" value="${escapeHtml(paymentId)}">
<fieldset><legend>Faults</legend>${faults}<br>
<label>delay (ms) <input type="number" name="delay_ms" min="0"></label></fieldset>
${buttons}
</form></body></html>`;
}
