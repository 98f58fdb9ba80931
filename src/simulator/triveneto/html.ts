import { escapeHtml, page, shopperForm } from '../_shared/html.js';
import type { Scenario } from '../platform.js';
import { TRIVENETO_FAULT_KINDS } from './payment.js';

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
  const form = shopperForm({
    action: actPath,
    txn: paymentId,
    faultKinds: TRIVENETO_FAULT_KINDS,
    scenarios,
    labels: SCENARIO_LABELS,
  });
  return page(
    'Consorzio Triveneto simulator: pagamento',
    `
<h1>Pagamento di ${escapeHtml(amt)} (valuta ${escapeHtml(currencycode)})</h1>
<p>Ordine ${escapeHtml(trackid)} · PaymentID ${escapeHtml(paymentId)}</p>
${form}`,
  );
}
