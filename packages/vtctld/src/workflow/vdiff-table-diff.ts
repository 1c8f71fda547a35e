/**
 * The row comparison at the heart of VDiff: a table's source rows against its target rows, matched
 * by primary key, counted the way Vitess's DiffReport counts them.
 */
import { valueToBytes, type SqlValue } from '@vtsim/proto';

/** Vitess's DiffReport of one table on one target shard. */
export interface DiffReport {
  ProcessedRows: number;
  MatchingRows: number;
  MismatchedRows: number;
  ExtraRowsSource: number;
  ExtraRowsTarget: number;
}

/** A lossless text key of some values (NULL distinct from every string). */
function key(row: readonly SqlValue[], columns: readonly number[] | null): string {
  let out = '';
  const n = columns ? columns.length : row.length;
  for (let i = 0; i < n; i++) {
    const v = row[columns ? columns[i]! : i] ?? null;
    out += v === null ? '\u0001' : `\u0002${valueToBytes(v)!.toString('latin1')}`;
    out += '\u0000';
  }
  return out;
}

/**
 * Compares two sets of rows of one table (same columns, in table order) keyed by the columns
 * `pk` (every column when empty). Rows only in the source or only in the target are extra; rows
 * with the same key and different values mismatch; ProcessedRows counts every key seen.
 */
export function diffRows(source: readonly (readonly SqlValue[])[], target: readonly (readonly SqlValue[])[], pk: readonly number[]): DiffReport {
  const cols = pk.length > 0 ? pk : null;
  const sourceRows = new Map<string, string>();
  for (const row of source) sourceRows.set(key(row, cols), key(row, null));
  const report: DiffReport = { ProcessedRows: 0, MatchingRows: 0, MismatchedRows: 0, ExtraRowsSource: 0, ExtraRowsTarget: 0 };
  const seen = new Set<string>();
  for (const row of target) {
    const k = key(row, cols);
    seen.add(k);
    report.ProcessedRows++;
    const s = sourceRows.get(k);
    if (s === undefined) report.ExtraRowsTarget++;
    else if (s === key(row, null)) report.MatchingRows++;
    else report.MismatchedRows++;
  }
  for (const k of sourceRows.keys()) {
    if (seen.has(k)) continue;
    report.ProcessedRows++;
    report.ExtraRowsSource++;
  }
  return report;
}

/** True when a report shows any difference. */
export function hasMismatch(r: DiffReport): boolean {
  return r.MismatchedRows > 0 || r.ExtraRowsSource > 0 || r.ExtraRowsTarget > 0;
}
