/**
 * What SHOW COLUMNS / SHOW INDEX and information_schema report alike about a table's columns and
 * indexes: a column's key flag, default and extra text, and the order MySQL 8 lists indexes in.
 */
import { formatFloat, type SqlValue } from '@vtsim/proto';
import { toText } from '@vtsim/sql';
import type { ColumnDef, IndexDef, TableSchema } from './table-schema.js';

/** A column's COLUMN_KEY / SHOW COLUMNS `Key`: PRI, UNI (single-column unique), MUL (first of a non-unique index) or ''. */
export function columnKeyFlag(schema: TableSchema, i: number): string {
  let key = '';
  for (const ix of schema.indexes) {
    const at = ix.columns.indexOf(i);
    if (ix.primary && at >= 0) return 'PRI';
    if (at !== 0) continue;
    if (ix.unique && ix.columns.length === 1) key = 'UNI';
    else if (!key) key = 'MUL';
  }
  return key;
}

/** A column's COLUMN_DEFAULT / SHOW COLUMNS `Default` as MySQL 8 prints it (null when none). */
export function columnDefaultText(c: ColumnDef): SqlValue {
  if (c.default.kind === 'now') return c.columnType.precision > 0 ? `CURRENT_TIMESTAMP(${c.columnType.precision})` : 'CURRENT_TIMESTAMP';
  if (c.default.kind === 'value') return valueText(c.default.value);
  return null;
}

/** A stored default value as MySQL 8 prints it (floats in their shortest form). */
export function valueText(v: SqlValue): string | null {
  if (typeof v === 'number') return formatFloat(v);
  return toText(v);
}

/** A column's EXTRA / SHOW COLUMNS `Extra` (auto_increment, DEFAULT_GENERATED, generated kind, on update). */
export function columnExtraText(c: ColumnDef): string {
  const parts: string[] = [];
  if (c.autoIncrement) parts.push('auto_increment');
  if (c.generated) parts.push(c.generated.stored ? 'STORED GENERATED' : 'VIRTUAL GENERATED');
  if (c.default.kind === 'now') parts.push('DEFAULT_GENERATED');
  if (c.onUpdateNow) parts.push('on update CURRENT_TIMESTAMP');
  return parts.join(' ');
}

/** A table's indexes as MySQL 8 lists them: the primary key, then unique, then other indexes. */
export function orderedIndexes(schema: TableSchema): IndexDef[] {
  return [...schema.indexes].sort((a, b) => rank(a) - rank(b));
  function rank(ix: { primary: boolean; unique: boolean }): number {
    return ix.primary ? 0 : ix.unique ? 1 : 2;
  }
}
