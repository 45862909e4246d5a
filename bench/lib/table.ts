/** Plain-text table and number formatting for the bench's summary. */

export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** NaN (a figure that does not exist, e.g. a ratio against a run that never finished) prints as "n/a". */
export function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export function seconds(ms: number): string {
  return fixed(ms / 1000, 2);
}

export function megabytes(bytes: number): string {
  return fixed(bytes / 1e6, 2);
}

export function times(ratioValue: number): string {
  return Number.isFinite(ratioValue) ? `${ratioValue.toFixed(2)}x` : 'n/a';
}
