/**
 * The wire forms of `query` messages that differ from vtsim's in-memory value model: `query.Row`
 * (lengths + concatenated bytes) and `query.QueryResult`. Values are encoded as Vitess's
 * sqltypes do: integers and floats as their decimal text, strings as UTF-8, binary as is.
 */
import type { Field } from './query.js';
import { formatFloat, type Result, type SqlValue } from './sqltypes.js';

export type { Field };

/** query.Row: each value's byte length (-1 for NULL) and all values' bytes concatenated. */
export interface RowWire {
  lengths: number[];
  values: Uint8Array;
}

/** query.QueryResult as it goes on the wire. `rows_affected` and `insert_id` are decimal strings (uint64). */
export interface QueryResultWire {
  fields: Field[];
  rows_affected: string;
  insert_id: string;
  rows: RowWire[];
  info: string;
  session_state_changes: string;
  insert_id_changed: boolean;
}

/** Encodes one row of values into a query.Row. */
export function encodeRow(values: readonly SqlValue[]): RowWire {
  const lengths = new Array<number>(values.length);
  const parts: Buffer[] = [];
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === null) {
      lengths[i] = -1;
      continue;
    }
    const bytes = v instanceof Uint8Array
      ? Buffer.from(v.buffer, v.byteOffset, v.byteLength)
      : Buffer.from(typeof v === 'number' ? formatFloat(v) : typeof v === 'bigint' ? v.toString() : v, 'utf8');
    lengths[i] = bytes.length;
    parts.push(bytes);
    total += bytes.length;
  }
  return { lengths, values: parts.length === 1 ? parts[0]! : Buffer.concat(parts, total) };
}

/** Decodes a query.Row into its values' bytes (null for NULL). Lengths may arrive as strings (int64). */
export function decodeRowBytes(row: { lengths: (number | string)[]; values: Uint8Array }): (Buffer | null)[] {
  const out: (Buffer | null)[] = [];
  const buf = Buffer.from(row.values.buffer, row.values.byteOffset, row.values.byteLength);
  let offset = 0;
  for (const l of row.lengths) {
    const n = Number(l);
    if (n < 0) {
      out.push(null);
      continue;
    }
    out.push(buf.subarray(offset, offset + n));
    offset += n;
  }
  return out;
}

/** Converts an in-memory Result into a query.QueryResult. */
export function resultToWire(result: Result): QueryResultWire {
  return {
    fields: result.fields,
    rows_affected: String(result.rowsAffected),
    insert_id: result.insertId.toString(),
    rows: result.rows.map(encodeRow),
    info: result.info ?? '',
    session_state_changes: '',
    insert_id_changed: result.insertId !== 0n,
  };
}
