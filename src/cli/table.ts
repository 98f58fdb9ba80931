import { visibleLength } from './style.js';

/**
 * A plain two-or-more-column table for terminals: left-aligned text, right-aligned numbers. Cells
 * may be coloured (src/cli/style.ts): widths count what the terminal shows, not the escape codes.
 */
export function renderTable(
  rows: ReadonlyArray<readonly (string | number)[]>,
  header?: readonly string[],
): string {
  const all = header ? [header, ...rows] : rows;
  const widths = all.reduce<number[]>(
    (w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, visibleLength(String(cell)))),
    [],
  );
  const pad = (text: string, width: number) => ' '.repeat(Math.max(0, width - visibleLength(text)));
  const line = (row: readonly (string | number)[]) =>
    row
      .map((cell, i) =>
        typeof cell === 'number'
          ? pad(String(cell), widths[i] ?? 0) + String(cell)
          : String(cell) + pad(cell, widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const out = all.map(line);
  if (header) out.splice(1, 0, widths.map((w) => '─'.repeat(w)).join('  '));
  return out.join('\n');
}
