/** Result-set and VStream field metadata (query.Field) as MySQL 8 reports it for a column. */
import { Charset, MySqlFlag, Type, type Field } from '@vtsim/proto';
import { collationById, isBinaryCollation } from './collation.js';
import { columnTypeOf, type ColumnType } from './column-type.js';

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
  /** First column of a non-unique index. */
  multipleKey: boolean;
  /** Part of any index. */
  partOfKey: boolean;
  /** `ON UPDATE CURRENT_TIMESTAMP`. */
  onUpdateNow?: boolean;
}

/** MySQL's `decimals` for types without a fixed number of decimals (NOT_FIXED_DEC). */
const NOT_FIXED_DEC = 31;

/**
 * Builds the query.Field of a table column: MySQL 8's column_length, charset, decimals and flags
 * (e.g. `bigint not null auto_increment` primary key → column_length 20, charset 63, flags 49667),
 * and Vitess's type as go/sqltypes derives it from them: a CHAR/VARCHAR/TEXT column whose collation is
 * binary (`…_bin`) carries BINARY_FLAG and is typed BINARY/VARBINARY/BLOB, with `charset` still the
 * collation's id (varchar(10) COLLATE utf8mb4_bin → VARBINARY, charset 46, column_length 40).
 *
 * `name`/`org_name` and `table`/`org_table` are set alike; callers alias them afterwards if needed.
 */
export function buildField(opts: FieldOptions): Field {
  const ct = opts.columnType;
  const shape = typeShape(ct);
  let flags = shape.flags;
  if (opts.notNull) flags |= MySqlFlag.NOT_NULL_FLAG;
  if (opts.primaryKey) flags |= MySqlFlag.PRI_KEY_FLAG;
  if (opts.uniqueKey) flags |= MySqlFlag.UNIQUE_KEY_FLAG;
  if (opts.multipleKey) flags |= MySqlFlag.MULTIPLE_KEY_FLAG;
  if (opts.autoIncrement) flags |= MySqlFlag.AUTO_INCREMENT_FLAG;
  if (opts.partOfKey || opts.primaryKey || opts.uniqueKey || opts.multipleKey) flags |= MySqlFlag.PART_KEY_FLAG;
  if (opts.onUpdateNow) flags |= MySqlFlag.ON_UPDATE_NOW_FLAG;
  if (opts.notNull && !opts.hasDefault && !opts.autoIncrement) flags |= MySqlFlag.NO_DEFAULT_VALUE_FLAG;
  return {
    name: opts.name,
    type: vitessType(ct, flags),
    table: opts.table,
    org_table: opts.table,
    database: opts.database,
    org_name: opts.name,
    column_length: shape.length,
    charset: ct.charset,
    decimals: shape.decimals,
    flags,
    column_type: ct.columnType,
  };
}

/**
 * Builds the query.Field of a computed select expression: no table, no key flags, NOT_NULL only when
 * `opts.notNull` says the expression can never be NULL (see CompiledExpr.nullable); length and
 * decimals follow the type (or the ColumnType when the expression is a plain column or a CAST).
 */
export function resultField(name: string, type: ColumnType | Type, opts?: { notNull?: boolean }): Field {
  const ct = typeof type === 'number' ? columnTypeOf(type) : type;
  const shape = typeShape(ct);
  const computed = typeof type === 'number';
  return {
    name,
    type: vitessType(ct, shape.flags),
    table: '',
    org_table: '',
    database: '',
    org_name: '',
    column_length: computed ? computedLength(ct.type, shape.length) : shape.length,
    charset: ct.charset,
    decimals: computed && (ct.type === Type.VARCHAR || ct.type === Type.VARBINARY) ? NOT_FIXED_DEC : shape.decimals,
    flags: (shape.flags & ~MySqlFlag.NO_DEFAULT_VALUE_FLAG) | (opts?.notNull ? MySqlFlag.NOT_NULL_FLAG : 0),
    column_type: '',
  };
}

/** The Vitess type of a column: text types with BINARY_FLAG become their binary twins (sqltypes' modifyType). */
function vitessType(ct: ColumnType, flags: number): Type {
  if (!(flags & MySqlFlag.BINARY_FLAG)) return ct.type;
  switch (ct.type) {
    case Type.CHAR: return Type.BINARY;
    case Type.VARCHAR: return Type.VARBINARY;
    case Type.TEXT: return Type.BLOB;
    default: return ct.type;
  }
}

function computedLength(type: Type, declared: number): number {
  switch (type) {
    case Type.INT64: return 21;
    case Type.UINT64: return 20;
    case Type.FLOAT64: return 23;
    case Type.DECIMAL: return 67;
    case Type.VARCHAR: return 1024;
    case Type.VARBINARY: return 256;
    default: return declared;
  }
}

/** Length, decimals and type-intrinsic flags of a column type. */
function typeShape(ct: ColumnType): { length: number; decimals: number; flags: number } {
  const NUM = MySqlFlag.NUM_FLAG;
  const UNS = ct.unsigned ? MySqlFlag.UNSIGNED_FLAG : 0;
  const ZF = ct.columnType.endsWith('zerofill') ? MySqlFlag.ZEROFILL_FLAG : 0;
  const BIN = MySqlFlag.BINARY_FLAG;
  const BLOB = MySqlFlag.BLOB_FLAG;
  // Text columns: characters × the character set's bytes per character; binary collations flag BINARY.
  const maxLen = collationById(ct.charset)?.maxLen ?? 1;
  const textLength = (chars: number) => Math.min(chars * maxLen, 4294967295);
  const TBIN = ct.charset !== Charset.BINARY && isBinaryCollation(ct.charset) ? BIN : 0;
  // A ZEROFILL integer's length is its display width.
  const intLength = (n: number) => (ZF ? ct.length : n);
  switch (ct.type) {
    case Type.INT8: return { length: ct.length === 1 ? 1 : 4, decimals: 0, flags: NUM | ZF };
    case Type.UINT8: return { length: intLength(3), decimals: 0, flags: NUM | UNS | ZF };
    case Type.INT16: return { length: 6, decimals: 0, flags: NUM | ZF };
    case Type.UINT16: return { length: intLength(5), decimals: 0, flags: NUM | UNS | ZF };
    case Type.INT24: return { length: 9, decimals: 0, flags: NUM | ZF };
    case Type.UINT24: return { length: intLength(8), decimals: 0, flags: NUM | UNS | ZF };
    case Type.INT32: return { length: 11, decimals: 0, flags: NUM | ZF };
    case Type.UINT32: return { length: intLength(10), decimals: 0, flags: NUM | UNS | ZF };
    case Type.INT64: return { length: 20, decimals: 0, flags: NUM | ZF };
    case Type.UINT64: return { length: intLength(20), decimals: 0, flags: NUM | UNS | ZF };
    case Type.DECIMAL:
      return { length: ct.precision + (ct.scale > 0 ? 1 : 0) + (ct.unsigned ? 0 : 1), decimals: ct.scale, flags: NUM | UNS | ZF };
    case Type.FLOAT32:
      return ct.precision ? { length: ct.precision, decimals: ct.scale, flags: NUM | UNS } : { length: 12, decimals: NOT_FIXED_DEC, flags: NUM | UNS };
    case Type.FLOAT64:
      return ct.precision ? { length: ct.precision, decimals: ct.scale, flags: NUM | UNS } : { length: 22, decimals: NOT_FIXED_DEC, flags: NUM | UNS };
    case Type.BIT: return { length: ct.length, decimals: 0, flags: UNS };
    case Type.YEAR: return { length: 4, decimals: 0, flags: NUM | MySqlFlag.UNSIGNED_FLAG | MySqlFlag.ZEROFILL_FLAG };
    case Type.DATE: return { length: 10, decimals: 0, flags: BIN };
    case Type.DATETIME: return { length: 19 + (ct.precision ? ct.precision + 1 : 0), decimals: ct.precision, flags: BIN };
    case Type.TIMESTAMP: return { length: 19 + (ct.precision ? ct.precision + 1 : 0), decimals: ct.precision, flags: BIN | MySqlFlag.TIMESTAMP_FLAG };
    case Type.TIME: return { length: 10 + (ct.precision ? ct.precision + 1 : 0), decimals: ct.precision, flags: BIN };
    case Type.CHAR: case Type.VARCHAR: return { length: textLength(ct.length), decimals: 0, flags: TBIN };
    case Type.TEXT: return { length: textLength(ct.length), decimals: 0, flags: BLOB | TBIN };
    case Type.BINARY: case Type.VARBINARY: return { length: ct.length, decimals: 0, flags: BIN };
    case Type.BLOB: return { length: ct.length, decimals: 0, flags: BLOB | BIN };
    case Type.ENUM: {
      const longest = Math.max(0, ...(ct.enumValues ?? []).map((v) => [...v].length));
      return { length: longest * maxLen, decimals: 0, flags: MySqlFlag.ENUM_FLAG | TBIN };
    }
    case Type.SET: {
      const values = ct.enumValues ?? [];
      const total = values.reduce((n, v) => n + [...v].length, 0) + Math.max(0, values.length - 1);
      return { length: total * maxLen, decimals: 0, flags: MySqlFlag.SET_FLAG | TBIN };
    }
    case Type.JSON: return { length: 4294967295, decimals: 0, flags: BLOB | BIN };
    case Type.GEOMETRY: return { length: 4294967295, decimals: 0, flags: BLOB | BIN };
    case Type.NULL_TYPE: return { length: 0, decimals: 0, flags: BIN | NUM };
    default: return { length: ct.length, decimals: 0, flags: 0 };
  }
}
