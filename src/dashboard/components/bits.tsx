import type { Child } from 'hono/jsx';
import { formatMoney } from '../../core/index.js';

const GOOD = new Set(['authorized', 'captured', 'applied', 'verified', 'ok', 'delivered']);
const BAD = new Set([
  'refused',
  'cancelled',
  'expired',
  'error',
  'rejected',
  'unparseable',
  'conflict',
  'failed',
]);
const WARN = new Set(['pending', 'unmatched', 'partially_refunded', 'refunded', 'stale', 'duplicate']);

/** A word in a coloured pill: statuses, verdicts, settlements. */
export function Badge({ word }: { word: string }) {
  const tone = GOOD.has(word) ? ' good' : BAD.has(word) ? ' bad' : WARN.has(word) ? ' warn' : '';
  return <span class={`badge${tone}`}>{word}</span>;
}

/** A time in UTC, to the second, with the exact ISO value on hover and for machines. */
export function Time({ at }: { at: string | Date | null | undefined }) {
  if (!at) return <span class="muted">never</span>;
  const iso = typeof at === 'string' ? at : at.toISOString();
  return (
    <time datetime={iso} title={iso}>
      {iso.slice(0, 19).replace('T', ' ')}
    </time>
  );
}

export function Money({ value, currency }: { value: number; currency: string }) {
  try {
    return <span class="mono">{formatMoney({ value, currency })}</span>;
  } catch {
    return (
      <span class="mono">
        {value} {currency}
      </span>
    );
  }
}

/** A table that scrolls sideways on narrow screens, or collapses to cards (cells carry data-label). */
export function Table(props: { headers: readonly string[]; cards?: boolean; children?: Child; id?: string }) {
  return (
    <div class="table-wrap">
      <table class={props.cards === false ? undefined : 'cards'} id={props.id}>
        <thead>
          <tr>
            {props.headers.map((h) => (
              <th scope="col">{h}</th>
            ))}
          </tr>
        </thead>
        {props.children}
      </table>
    </div>
  );
}

export function Empty({ colspan, text }: { colspan: number; text: string }) {
  return (
    <tr>
      <td colspan={colspan} class="muted">
        {text}
      </td>
    </tr>
  );
}
