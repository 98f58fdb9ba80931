/** A plain two-or-more-column table for terminals: left-aligned text, right-aligned numbers. */
export function renderTable(
  rows: ReadonlyArray<readonly (string | number)[]>,
  header?: readonly string[],
): string {
  const all = header ? [header, ...rows] : rows;
  const widths = all.reduce<number[]>(
    (w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, String(cell).length)),
    [],
  );
  const line = (row: readonly (string | number)[]) =>
    row
      .map((cell, i) =>
        typeof cell === 'number'
          ? String(cell).padStart(widths[i] ?? 0)
          : String(cell).padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const out = all.map(line);
  if (header) out.splice(1, 0, widths.map((w) => '─'.repeat(w)).join('  '));
  return out.join('\n');
}
