import type { FaultKind } from '../faults.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A whole page; `body` is HTML, the title is escaped. */
export function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}

export function errorPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}

/**
 * The shopper's form on a hosted page: the session (`txn`), a fieldset of fault checkboxes (every kind but delay,
 * which has its own ms field) and one submit button per scenario, labelled by `labels`.
 */
export function shopperForm(options: {
  readonly action: string;
  readonly txn: string;
  readonly faultKinds: readonly FaultKind[];
  readonly scenarios: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}): string {
  const faults = options.faultKinds
    .filter((k) => k !== 'delay')
    .map((k) => `<label><input type="checkbox" name="fault" value="${k}"> ${k}</label>`)
    .join('<br>');
  const buttons = options.scenarios
    .map(
      (s) =>
        `<button type="submit" name="scenario" value="${s}">${escapeHtml(options.labels[s] ?? s)}</button>`,
    )
    .join(' ');
  return `<form method="POST" action="${escapeHtml(options.action)}">
<input type="hidden" name="txn" value="${escapeHtml(options.txn)}">
<fieldset><legend>Faults</legend>${faults}<br>
<label>delay (ms) <input type="number" name="delay_ms" min="0"></label></fieldset>
${buttons}
</form>`;
}

/** What the browser gets after paying: a form that posts `fields` to the shop's `url` on its own. */
export function autoSubmitPage(title: string, url: string, fields: Readonly<Record<string, string>>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  return page(
    title,
    `<form id="return" method="POST" action="${escapeHtml(url)}">
${inputs}
<noscript><button type="submit">Return to the shop</button></noscript>
</form>
<script>document.getElementById('return').submit()</script>`,
  );
}
