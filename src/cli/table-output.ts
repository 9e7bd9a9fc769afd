/** Rows as a Markdown-style text table (mdw show, mdw iceberg). */
export function formatTable(columns: string[], rows: Record<string, unknown>[]): string {
  const cells = rows.map((row) =>
    columns.map((c) =>
      row[c] === null || row[c] === undefined
        ? ''
        : typeof row[c] === 'object'
          ? JSON.stringify(row[c])
          : String(row[c]),
    ),
  );
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(columns), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.map(line)].join(
    '\n',
  );
}
