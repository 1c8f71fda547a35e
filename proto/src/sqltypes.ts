/**
 * The in-memory value model shared by tablets, vtgate and the binlog (Vitess's `sqltypes`).
 *
 * A {@link SqlValue} is typed by the column or expression it belongs to:
 * - `null` for SQL NULL;
 * - `bigint` for every integer type (signed and unsigned, YEAR, BIT as its numeric value);
 * - `number` for FLOAT and DOUBLE;
 * - `string` for DECIMAL (canonical text with the column's scale), CHAR/VARCHAR/TEXT, ENUM, SET,
 *   JSON (its text), DATE/DATETIME/TIMESTAMP/TIME (canonical MySQL text, e.g. `2024-01-31 12:00:00`);
 * - `Uint8Array` (usually a Buffer) for BINARY/VARBINARY/BLOB, whose bytes are compared as bytes.
 */
import type { Field } from './query.js';

/** One SQL value; see the module comment for which JS type stands for which SQL type. */
export type SqlValue = null | bigint | number | string | Uint8Array;

/** Bind variables by name (without the leading colon); a list stands for a tuple (`IN ::list`). */
export type BindVars = Record<string, SqlValue | SqlValue[]>;

/** The outcome of one statement, as Vitess's sqltypes.Result: fields and rows for reads, counts for writes. */
export interface Result {
  fields: Field[];
  rows: SqlValue[][];
  rowsAffected: number;
  insertId: bigint;
  /** Text of MySQL's OK-packet info (e.g. `Records: 2  Duplicates: 0  Warnings: 0`), if any. */
  info?: string;
}

/** An empty result for statements that return neither rows nor counts. */
export function emptyResult(): Result {
  return { fields: [], rows: [], rowsAffected: 0, insertId: 0n };
}

/** Renders a value as MySQL's text protocol would send it; null for SQL NULL. */
export function valueToText(v: SqlValue): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return formatFloat(v);
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
}

/** Renders a value's raw bytes as MySQL's text protocol sends them; null for SQL NULL. */
export function valueToBytes(v: SqlValue): Buffer | null {
  if (v === null) return null;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return Buffer.from(valueToText(v)!, 'utf8');
}

/** Formats a double the way MySQL prints it: shortest round-trip digits, no trailing `.0`, `e` exponents as MySQL does. */
export function formatFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return n.toString();
  const s = n.toString();
  return s.replace('e+', 'e');
}
