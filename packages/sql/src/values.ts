/** Comparison, conversion and column coercion of SqlValues with MySQL 8 semantics. */
import { Type, type SqlValue } from '@vtsim/proto';
import type { ColumnType } from './column-type.js';

/**
 * Compares two non-null or null values the way MySQL compares them: numbers numerically (bigint, double
 * and decimal text alike), a number against a string numerically, binary against anything bytewise,
 * and text against text under utf8mb4_0900_ai_ci (case- and accent-insensitive).
 * NULL sorts before every value (for ORDER BY and keys); SQL's NULL-propagating comparison is the
 * caller's job. Returns <0, 0 or >0.
 */
export function compareValues(a: SqlValue, b: SqlValue): number {
  throw new Error(`compareValues: not implemented yet ${String(a)} ${String(b)}`);
}

/** True when two values compare equal under {@link compareValues} (NULL equals NULL here). */
export function valuesEqual(a: SqlValue, b: SqlValue): boolean {
  return compareValues(a, b) === 0;
}

/**
 * Returns a comparator for index keys of the given column types (NULLs first, column by column).
 * A shorter key that is a prefix of a longer one sorts first.
 */
export function keyComparator(types: ColumnType[]): (a: readonly SqlValue[], b: readonly SqlValue[]) => number {
  throw new Error(`keyComparator: not implemented yet ${types.length}`);
}

/**
 * Converts a value to what column `ct` stores, under MySQL 8's strict sql_mode.
 *
 * Throws SqlError 1366 (bad integer/decimal/double text), 1264 (out of range), 1406 (data too long),
 * 1292 (bad date/time) or 1265 (bad enum/set value), all naming `columnName` and `row 1`.
 * NULL passes through (NOT NULL checks are the caller's).
 */
export function coerceToColumn(v: SqlValue, ct: ColumnType, columnName: string): SqlValue {
  throw new Error(`coerceToColumn: not implemented yet ${String(v)} ${ct.columnType} ${columnName}`);
}

/** Converts a value to a signed 64-bit integer the way MySQL casts to SIGNED (truncating text at the first non-digit); null for NULL. */
export function toBigInt(v: SqlValue): bigint | null {
  throw new Error(`toBigInt: not implemented yet ${String(v)}`);
}

/** Converts a value to a double the way MySQL does in numeric context (text parsed as a numeric prefix); null for NULL. */
export function toDouble(v: SqlValue): number | null {
  throw new Error(`toDouble: not implemented yet ${String(v)}`);
}

/** Renders a value as text (MySQL's string context); binary is decoded as UTF-8; null for NULL. */
export function toText(v: SqlValue): string | null {
  throw new Error(`toText: not implemented yet ${String(v)}`);
}

/** Renders a value as bytes (UTF-8 for text and numbers); null for NULL. */
export function toBytes(v: SqlValue): Uint8Array | null {
  throw new Error(`toBytes: not implemented yet ${String(v)}`);
}

/** SQL truthiness: null for NULL, otherwise whether the value is numerically non-zero. */
export function isTrue(v: SqlValue): boolean | null {
  throw new Error(`isTrue: not implemented yet ${String(v)}`);
}

/** Renders a value as a SQL literal (`NULL`, `42`, `'it''s'`, `_binary'…'` / `0x…` for bytes). */
export function sqlLiteral(v: SqlValue): string {
  throw new Error(`sqlLiteral: not implemented yet ${String(v)}`);
}

/** The Vitess type a bare value has when nothing else is known (INT64, FLOAT64, VARCHAR, VARBINARY, NULL_TYPE). */
export function typeOfValue(v: SqlValue): Type {
  throw new Error(`typeOfValue: not implemented yet ${String(v)}`);
}
