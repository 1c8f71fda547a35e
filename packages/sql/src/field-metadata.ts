/** Result-set and VStream field metadata (query.Field) as MySQL 8 reports it for a column. */
import { Type, type Field } from '@vtsim/proto';
import type { ColumnType } from './column-type.js';

/** What {@link buildField} needs to know about a table column. */
export interface FieldOptions {
  name: string;
  table: string;
  database: string;
  columnType: ColumnType;
  notNull: boolean;
  autoIncrement: boolean;
  hasDefault: boolean;
  primaryKey: boolean;
  uniqueKey: boolean;
  multipleKey: boolean;
  partOfKey: boolean;
}

/**
 * Builds the query.Field of a table column: MySQL 8's column_length, charset, decimals and flags.
 *
 * `name`/`org_name` and `table`/`org_table` are set alike; callers alias them afterwards if needed.
 */
export function buildField(opts: FieldOptions): Field {
  throw new Error(`buildField: not implemented yet: ${opts.name}`);
}

/** Builds the query.Field of a computed select expression (no table, nullable, no key flags). */
export function resultField(name: string, type: ColumnType | Type): Field {
  throw new Error(`resultField: not implemented yet: ${name} ${String(type)}`);
}
