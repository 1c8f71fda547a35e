/** A column's declared SQL type, decoded once from its DDL definition. */
import { Type } from '@vtsim/proto';

/** A column's type as declared, in the terms both storage and result metadata need. */
export interface ColumnType {
  /** Vitess type of the column's values. */
  type: Type;
  /** MySQL 8 information_schema COLUMN_TYPE text, e.g. `bigint unsigned`, `varbinary(128)`, `decimal(10,2)`. */
  columnType: string;
  /** Declared length in characters (text types) or bytes (binary types), display length of BIT; 0 if none. */
  length: number;
  /** Precision of DECIMAL (digits), fractional-second precision of DATETIME/TIMESTAMP/TIME; 0 otherwise. */
  precision: number;
  /** Scale of DECIMAL (and FLOAT(m,d)/DOUBLE(m,d)); 0 otherwise. */
  scale: number;
  /** True for UNSIGNED integer, decimal and float types. */
  unsigned: boolean;
  /** MySQL collation id: 63 (binary) for numbers, dates and binary strings, 255 (utf8mb4_0900_ai_ci) for text. */
  charset: number;
  /** The permitted values of ENUM and SET columns, in declaration order. */
  enumValues?: string[];
}

/**
 * Decodes a node-sql-parser column `definition` object (`{dataType, length, scale, suffix, expr}`).
 *
 * `options.charset` is the column's `CHARACTER SET` clause if any (`binary` makes text types binary).
 * Throws SqlError 1235 (NOT_SUPPORTED_YET) for types vtsim does not model (spatial, vector).
 */
export function parseColumnType(definition: { dataType: string; [k: string]: any }, options?: { charset?: string }): ColumnType {
  void options;
  throw new Error(`parseColumnType: not implemented yet: ${definition.dataType}`);
}
