/**
 * The row comparison at the heart of VDiff: a table's source rows against its target rows, matched
 * by primary key, counted the way Vitess's DiffReport counts them.
 */
import { type SqlValue, type ValueEncoder } from '@vtsim/proto';

/** Vitess's DiffReport of one table on one target shard. */
export interface DiffReport {
  ProcessedRows: number;
  MatchingRows: number;
  MismatchedRows: number;
  ExtraRowsSource: number;
  ExtraRowsTarget: number;
}

/**
 * A text key of some values (NULL distinct from every string), each value as its column's encoder
 * renders it: MySQL's text results, which is what Vitess's VDiff compares (a FLOAT copied through
 * its 6-digit text matches its source).
 */
function key(row: readonly SqlValue[], columns: readonly number[] | null, encoders: readonly ValueEncoder[]): string {
  let out = '';
  const n = columns ? columns.length : row.length;
  for (let i = 0; i < n; i++) {
    const col = columns ? columns[i]! : i;
    const v = row[col] ?? null;
    if (v === null) out += '\u0001';
    else {
      const text = encoders[col]!(v);
      out += `\u0002${typeof text === 'string' ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('latin1')}`;
    }
    out += '\u0000';
  }
  return out;
}

/**
 * Compares two sets of rows of one table (same columns, in table order, rendered by `encoders`:
 * the columns' text-protocol encoders) keyed by the columns `pk` (every column when empty). Rows
 * only in the source or only in the target are extra; rows with the same key and different values
 * mismatch; ProcessedRows counts every key seen.
 */
export function diffRows(source: readonly (readonly SqlValue[])[], target: readonly (readonly SqlValue[])[], pk: readonly number[], encoders: readonly ValueEncoder[]): DiffReport {
  const cols = pk.length > 0 ? pk : null;
  const sourceRows = new Map<string, string>();
  for (const row of source) sourceRows.set(key(row, cols, encoders), key(row, null, encoders));
  const report: DiffReport = { ProcessedRows: 0, MatchingRows: 0, MismatchedRows: 0, ExtraRowsSource: 0, ExtraRowsTarget: 0 };
  const seen = new Set<string>();
  for (const row of target) {
    const k = key(row, cols, encoders);
    seen.add(k);
    report.ProcessedRows++;
    const s = sourceRows.get(k);
    if (s === undefined) report.ExtraRowsTarget++;
    else if (s === key(row, null, encoders)) report.MatchingRows++;
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
