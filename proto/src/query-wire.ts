/**
 * The wire forms of `query` messages that differ from vtsim's in-memory value model: `query.Row`
 * (lengths + concatenated bytes) and `query.QueryResult`. Values are encoded as Vitess's
 * sqltypes do: integers and floats as their decimal text, strings as UTF-8, binary as is; a
 * field-aware encoder gives MySQL's text-protocol form where it differs (BIT bytes, ZEROFILL).
 */
import { floatFieldText, hasFixedDecimals } from './float-text.js';
import { MySqlFlag, Type, type Field } from './query.js';
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

/** Turns one non-NULL value of a column into what a query.Row carries for it: text (sent as UTF-8) or bytes. */
export type ValueEncoder = (v: Exclude<SqlValue, null>) => string | Uint8Array;

/** The plain encoding: integers and floats as decimal text, strings as they are (UTF-8 on the wire), bytes as they are. */
export function encodeValue(v: Exclude<SqlValue, null>): string | Uint8Array {
  return typeof v === 'string' || v instanceof Uint8Array ? v : typeof v === 'bigint' ? v.toString() : formatFloat(v);
}

/** The big-endian bytes of a BIT(n) value: ceil(n/8) of them, or as few as hold the value when n is unknown (0). */
export function bitBytes(v: bigint, bits: number): Buffer {
  let n = bits > 0 ? Math.ceil(bits / 8) : 1;
  while (bits <= 0 && n < 8 && v >> BigInt(8 * n) !== 0n) n++;
  // Every byte is written below, so the buffer may come from the pool uninitialized.
  const out = Buffer.allocUnsafe(n);
  if (v >= 0n && v <= MAX_SAFE_BIGINT) {
    // Number arithmetic: a BigInt operation per byte costs several times more.
    let x = Number(v);
    for (let i = n - 1; i >= 0; i--) {
      const rest = Math.floor(x / 256);
      out[i] = x - rest * 256;
      x = rest;
    }
    return out;
  }
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);

/** The value of a BIT column's big-endian bytes (the inverse of {@link bitBytes}). */
export function bitValue(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = 0; i < b.length; i++) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

/** A ZEROFILL column's text, left-padded with zeros to its display width (`column_length`), as MySQL prints it. */
export function zerofillText(text: string, width: number): string {
  return text.length >= width ? text : '0'.repeat(width - text.length) + text;
}

/**
 * The encoder of a column's values as MySQL's text protocol sends them (and Vitess passes them on in
 * query results and the VStream copy phase): BIT as its big-endian bytes (`bit(16)` 256 → 0x0100),
 * FLOAT with 6 significant digits and FLOAT(m,d)/DOUBLE(m,d) with d decimals ({@link floatFieldText}:
 * `3.14159`, `1.5000`), ZEROFILL numbers and YEAR padded to the display width (`int(5) zerofill` 42 →
 * `00042`, YEAR 0 → `0000`), everything else as {@link encodeValue}.
 */
export function textEncoder(field: Field): ValueEncoder {
  if (field.type === Type.BIT) {
    const bits = field.column_length;
    return (v) => (typeof v === 'bigint' ? bitBytes(v, bits) : encodeValue(v));
  }
  if (field.flags & MySqlFlag.ZEROFILL_FLAG && field.column_length > 0) {
    const width = field.column_length;
    return (v) => (v instanceof Uint8Array ? v : zerofillText(typeof v === 'string' ? v : typeof v === 'number' ? floatFieldText(v, field) : v.toString(), width));
  }
  if (field.type === Type.FLOAT32 || (field.type === Type.FLOAT64 && hasFixedDecimals(field))) {
    return (v) => (typeof v === 'number' ? floatFieldText(v, field) : encodeValue(v));
  }
  return encodeValue;
}

/** The {@link textEncoder}s of a result's fields. */
export function textEncoders(fields: readonly Field[]): ValueEncoder[] {
  return fields.map(textEncoder);
}

/** Strings up to this many UTF-16 units are copied in JS when ASCII; longer ones by Buffer's native code. */
const SHORT_STRING = 64;

/** Rows up to this many bytes are copied out of the staging buffer in JS; longer ones by Buffer.copy. */
const SHORT_ROW = 128;

/** The staging buffer's size between rows; a larger row grows it for that row only. */
const STAGE_SIZE = 64 * 1024;

/** Where encodeRow writes a row's bytes before copying them into the row's own buffer. */
let stage = Buffer.allocUnsafeSlow(STAGE_SIZE);

/** encodeRow's lengths, filled per call and copied out with `slice` (see {@link EncodedRow}). */
const scratchLengths: number[] = [];

/**
 * A query.Row built by {@link encodeRow}. A class, and its lengths a `slice` of a scratch array,
 * because neither a constructor call nor `slice` is an allocation site: V8 decides per object or
 * array literal (and per `new Array`) whether to allocate straight into the old generation, from
 * how many of that site's objects survived one young-generation collection; a stream's first
 * collection finds its first transaction's row images all alive (a 1000-row update is held whole
 * until its COMMIT), so literals here were pretenured for good and every later row image became
 * old-generation garbage, freed only by full collections that mark everything the tablet holds.
 */
class EncodedRow implements RowWire {
  constructor(
    public lengths: number[],
    public values: Uint8Array,
  ) {}
}

/** Makes room in the staging buffer for `len` more bytes after the `used` ones (keeping them). */
function stageRoom(used: number, len: number): void {
  if (used + len <= stage.length) return;
  const bigger = Buffer.allocUnsafeSlow(Math.max(2 * stage.length, used + len));
  stage.copy(bigger, 0, 0, used);
  stage = bigger;
}

/**
 * Encodes one row of values into a query.Row, each value with its column's encoder ({@link encodeValue}
 * when none is given), into one buffer. The row-encoding hot path (VStream, query results): one
 * pass over the values into a staging buffer, short ASCII text (numbers, most keys) copied byte
 * by byte as it is checked, then one copy into the row's buffer; one lengths array per row.
 */
export function encodeRow(values: readonly SqlValue[], encoders?: readonly ValueEncoder[]): RowWire {
  const n = values.length;
  const lengths = scratchLengths;
  let used = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v === null) {
      lengths[i] = -1;
      continue;
    }
    const p = encoders ? encoders[i]!(v) : encodeValue(v);
    if (typeof p !== 'string') {
      const len = p.byteLength;
      stageRoom(used, len);
      stage.set(p, used);
      lengths[i] = len;
      used += len;
      continue;
    }
    const units = p.length;
    if (units <= SHORT_STRING) {
      stageRoom(used, units);
      const st = stage;
      let k = 0;
      for (; k < units; k++) {
        const c = p.charCodeAt(k);
        if (c > 0x7f) break;
        st[used + k] = c;
      }
      if (k === units) {
        lengths[i] = units;
        used += units;
        continue;
      }
    }
    // Long or not ASCII: Buffer's UTF-8 (the bytes copied above are overwritten).
    const len = Buffer.byteLength(p, 'utf8');
    stageRoom(used, len);
    stage.write(p, used, 'utf8');
    lengths[i] = len;
    used += len;
  }
  const out = Buffer.allocUnsafe(used);
  if (used <= SHORT_ROW) for (let k = 0; k < used; k++) out[k] = stage[k]!;
  else stage.copy(out, 0, 0, used);
  if (stage.length > STAGE_SIZE) stage = Buffer.allocUnsafeSlow(STAGE_SIZE);
  return new EncodedRow(lengths.slice(0, n), out);
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

/** Converts an in-memory Result into a query.QueryResult, values as MySQL's text protocol has them ({@link textEncoder}). */
export function resultToWire(result: Result): QueryResultWire {
  const encoders = textEncoders(result.fields);
  return {
    fields: result.fields,
    rows_affected: String(result.rowsAffected),
    insert_id: result.insertId.toString(),
    rows: result.rows.map((row) => encodeRow(row, encoders)),
    info: result.info ?? '',
    session_state_changes: '',
    insert_id_changed: result.insertId !== 0n,
  };
}
