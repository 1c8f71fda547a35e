/**
 * A column's default value as MySQL computes it when a row leaves the column out, when a value is
 * the DEFAULT keyword (INSERT, UPDATE … SET c = DEFAULT) and for `DEFAULT(col)`.
 */
import { ER, sqlError, type SqlValue } from '@vtsim/proto';
import { coerceToColumn } from '@vtsim/sql';
import type { ColumnDef } from './table-schema.js';

/** The current time as MySQL DATETIME text with `fsp` fractional digits (UTC). */
export function formatDatetime(ms: number, fsp: number): string {
  const iso = new Date(ms).toISOString();
  const base = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  if (fsp <= 0) return base;
  return `${base}.${(iso.slice(20, 23) + '000').slice(0, fsp)}`;
}

/** The value CURRENT_TIMESTAMP gives a column. */
export function nowValue(c: ColumnDef, ms: number): SqlValue {
  return coerceToColumn(formatDatetime(ms, c.columnType.precision), c.columnType, c.name);
}

/**
 * The default of a column that is neither generated nor AUTO_INCREMENT at time `ms`: its declared
 * literal, CURRENT_TIMESTAMP, or NULL when it declares none and is nullable. Throws SqlError 1364
 * `Field 'c' doesn't have a default value` for a NOT NULL column without a default.
 */
export function columnDefaultValue(c: ColumnDef, ms: number): SqlValue {
  const d = c.default;
  if (d.kind === 'value') return d.value;
  if (d.kind === 'now') return nowValue(c, ms);
  if (c.notNull) throw sqlError(ER.NO_DEFAULT_FOR_FIELD, `Field '${c.name}' doesn't have a default value`);
  return null;
}
