/**
 * Formats query results the way the `mysql` command-line client does: boxed tables for
 * `--table` (numbers right-aligned, `NULL` for nulls) and tab-separated rows for `--batch`.
 */

/** One column of a result: its name and whether the client right-aligns it (numeric types). */
export interface ResultColumn {
  name: string;
  numeric: boolean;
  /** True when the column may hold NULL (no NOT_NULL flag): `--table` then draws it at least 4 wide, room for `NULL`. */
  nullable?: boolean;
}

/** Renders rows as mysql's `--table` output, e.g. `+----+\n| id |\n+----+\n|  1 |\n+----+`. */
export function formatTable(columns: readonly ResultColumn[], rows: readonly (readonly (string | null)[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.nullable ? 4 : 0, displayWidth(c.name), ...rows.map((r) => displayWidth(r[i] ?? 'NULL'))));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (cells: readonly string[], alignRight: (i: number) => boolean) =>
    `|${cells.map((cell, i) => ` ${pad(cell, widths[i]!, alignRight(i))} `).join('|')}|`;
  const out = [rule, line(columns.map((c) => c.name), () => false), rule];
  for (const row of rows) out.push(line(row.map((v) => v ?? 'NULL'), (i) => columns[i]!.numeric));
  out.push(rule);
  return out.join('\n');
}

/** Renders rows as mysql's `--batch` output: a header line, then tab-separated values (`NULL` for nulls). */
export function formatBatch(columns: readonly ResultColumn[], rows: readonly (readonly (string | null)[])[]): string {
  const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\0/g, '\\0');
  return [columns.map((c) => c.name).join('\t'), ...rows.map((r) => r.map((v) => (v === null ? 'NULL' : escape(v))).join('\t'))].join('\n');
}

function pad(text: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return right ? fill + text : text + fill;
}

function displayWidth(text: string): number {
  let n = 0;
  for (const ch of text) n += (ch.codePointAt(0) ?? 0) >= 0x1100 && isWide(ch.codePointAt(0)!) ? 2 : 1;
  return n;
}

function isWide(cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd);
}
