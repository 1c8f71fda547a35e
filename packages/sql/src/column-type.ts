/** A column's declared SQL type, decoded once from its DDL definition. */
import { Charset, ER, Type, sqlError } from '@vtsim/proto';
import { resolveCollation, type CollationInfo } from './collation.js';
import { stringValue, type Expr } from './parse.js';

/** A column's type as declared, in the terms both storage and result metadata need. */
export interface ColumnType {
  /** Vitess type of the column's values. */
  type: Type;
  /** MySQL 8 information_schema COLUMN_TYPE text, e.g. `bigint unsigned`, `varbinary(128)`, `decimal(10,2)`. */
  columnType: string;
  /** Declared length in characters (text types) or bytes (binary types), display length of BIT and of ZEROFILL integers; 0 if none. */
  length: number;
  /** Precision of DECIMAL (digits), fractional-second precision of DATETIME/TIMESTAMP/TIME; 0 otherwise. */
  precision: number;
  /** Scale of DECIMAL (and FLOAT(m,d)/DOUBLE(m,d)); 0 otherwise. */
  scale: number;
  /** True for UNSIGNED integer, decimal and float types. */
  unsigned: boolean;
  /** MySQL collation id: 63 (binary) for numbers, dates, binary strings and spatial types; the column's collation for text, ENUM and SET (255, utf8mb4_0900_ai_ci, by default). */
  charset: number;
  /** The permitted values of ENUM and SET columns, in declaration order. */
  enumValues?: string[];
}

/** The clauses beside a column's type that decide its collation. */
export interface ColumnCharsetOptions {
  /** The column's `CHARACTER SET` clause. */
  charset?: string;
  /** The column's `COLLATE` clause. */
  collate?: string;
  /** The table's default collation (from `DEFAULT CHARSET=… COLLATE=…`), for text columns without clauses. */
  tableDefault?: CollationInfo;
}

/**
 * Decodes a node-sql-parser column `definition` object (`{dataType, length, scale, suffix, expr}`).
 *
 * `options` are the column's `CHARACTER SET` / `COLLATE` clauses and the table's default collation
 * (`CHARACTER SET binary` turns CHAR/VARCHAR/TEXT into BINARY/VARBINARY/BLOB, as MySQL does). Throws
 * SqlError 1235 (NOT_SUPPORTED_YET) for types vtsim does not model (vector) and 1064 for a type it cannot
 * read; 1426 for a DECIMAL precision above 65; 1115/1273/1253 for a bad character set or collation.
 */
export function parseColumnType(definition: { dataType: string; [k: string]: any }, options?: ColumnCharsetOptions): ColumnType {
  const dataType = String(definition.dataType).toUpperCase();
  const suffix: string[] = Array.isArray(definition.suffix) ? definition.suffix.map((x: unknown) => String(x).toUpperCase()) : [];
  const unsigned = suffix.includes('UNSIGNED') || suffix.includes('ZEROFILL');
  const hasLength = typeof definition.length === 'number';
  const length: number = hasLength ? definition.length : 0;
  const scale: number | null = typeof definition.scale === 'number' ? definition.scale : null;
  const binaryCharset = options?.charset?.toLowerCase() === 'binary';
  const collation = () => resolveCollation(options?.charset, options?.collate, options?.tableDefault).id;
  const text = (type: Type, name: string, len: number, withLength: boolean): ColumnType =>
    binaryCharset
      ? text2binary(type, name, len, withLength)
      : { type, columnType: withLength ? `${name}(${len})` : name, length: len, precision: 0, scale: 0, unsigned: false, charset: collation() };
  switch (dataType) {
    case 'TINYINT': case 'SMALLINT': case 'MEDIUMINT': case 'INT': case 'INTEGER': case 'BIGINT': {
      const base = dataType === 'INTEGER' ? 'int' : dataType.toLowerCase();
      const type = INT_TYPES[base]![unsigned ? 1 : 0];
      // MySQL 8 drops integer display widths from COLUMN_TYPE, except tinyint(1) (boolean) and ZEROFILL
      // columns, whose width (by default the unsigned type's digits) pads their text.
      if (suffix.includes('ZEROFILL')) {
        const w = hasLength ? length : ZEROFILL_WIDTH[base]!;
        return numeric(type, `${base}(${w}) unsigned zerofill`, w, 0, 0, true);
      }
      const width = base === 'tinyint' && length === 1 ? '(1)' : '';
      return numeric(type, `${base}${width}${unsigned ? ' unsigned' : ''}`, base === 'tinyint' && length === 1 ? 1 : 0, 0, 0, unsigned);
    }
    case 'BOOLEAN': case 'BOOL':
      return numeric(Type.INT8, 'tinyint(1)', 1, 0, 0, false);
    case 'DECIMAL': case 'NUMERIC': case 'DEC': case 'FIXED': {
      const p = hasLength ? length : 10;
      const s = scale ?? 0;
      if (p > 65) throw sqlError(ER.TOO_BIG_PRECISION, `Too-big precision ${p} specified for 'decimal'. Maximum is 65.`);
      if (s > 30 || s > p) throw sqlError(ER.PARSE_ERROR, `Too big scale ${s} specified for 'decimal'. Maximum is 30.`);
      const zerofill = suffix.includes('ZEROFILL') ? ' zerofill' : '';
      return numeric(Type.DECIMAL, `decimal(${p},${s})${unsigned ? ' unsigned' : ''}${zerofill}`, 0, p, s, unsigned);
    }
    case 'FLOAT': case 'DOUBLE': case 'REAL': case 'DOUBLE PRECISION': {
      // FLOAT(p) with p > 24 is a DOUBLE; FLOAT(m,d) and DOUBLE(m,d) keep their display precision.
      const isDouble = dataType !== 'FLOAT' || (hasLength && scale === null && length > 24);
      const name = isDouble ? 'double' : 'float';
      const md = hasLength && scale !== null ? `(${length},${scale})` : '';
      return numeric(isDouble ? Type.FLOAT64 : Type.FLOAT32, `${name}${md}${unsigned ? ' unsigned' : ''}`, 0, md ? length : 0, md ? scale! : 0, unsigned);
    }
    case 'BIT': {
      const n = hasLength ? length : 1;
      if (n < 1 || n > 64) throw sqlError([1439, '42000'], `Display width out of range for column (max = 64)`);
      return { type: Type.BIT, columnType: `bit(${n})`, length: n, precision: 0, scale: 0, unsigned: true, charset: Charset.BINARY };
    }
    case 'CHAR':
      return text(Type.CHAR, 'char', hasLength ? length : 1, true);
    case 'VARCHAR':
      if (!hasLength) throw sqlError(ER.PARSE_ERROR, 'syntax error: VARCHAR needs a length');
      return text(Type.VARCHAR, 'varchar', length, true);
    case 'BINARY':
      return binary(Type.BINARY, 'binary', hasLength ? length : 1, true);
    case 'VARBINARY':
      if (!hasLength) throw sqlError(ER.PARSE_ERROR, 'syntax error: VARBINARY needs a length');
      return binary(Type.VARBINARY, 'varbinary', length, true);
    case 'TINYTEXT': return text(Type.TEXT, 'tinytext', 255, false);
    case 'TEXT': return text(Type.TEXT, 'text', 65535, false);
    case 'MEDIUMTEXT': return text(Type.TEXT, 'mediumtext', 16777215, false);
    case 'LONGTEXT': return text(Type.TEXT, 'longtext', 4294967295, false);
    case 'TINYBLOB': return binary(Type.BLOB, 'tinyblob', 255, false);
    case 'BLOB': return binary(Type.BLOB, 'blob', 65535, false);
    case 'MEDIUMBLOB': return binary(Type.BLOB, 'mediumblob', 16777215, false);
    case 'LONGBLOB': return binary(Type.BLOB, 'longblob', 4294967295, false);
    case 'DATE':
      return temporal(Type.DATE, 'date', 0);
    case 'DATETIME': case 'TIMESTAMP': case 'TIME': {
      const fsp = hasLength ? length : 0;
      if (fsp > 6) throw sqlError(ER.TOO_BIG_PRECISION, `Too-big precision ${fsp} specified for '${dataType.toLowerCase()}'. Maximum is 6.`);
      const type = dataType === 'DATETIME' ? Type.DATETIME : dataType === 'TIMESTAMP' ? Type.TIMESTAMP : Type.TIME;
      return temporal(type, dataType.toLowerCase() + (fsp ? `(${fsp})` : ''), fsp);
    }
    case 'YEAR':
      return { type: Type.YEAR, columnType: 'year', length: 4, precision: 0, scale: 0, unsigned: true, charset: Charset.BINARY };
    case 'ENUM': case 'SET': {
      const values: string[] = (definition.expr?.value ?? []).map((e: Expr) => stringValue(e));
      const quoted = values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',');
      const type = dataType === 'ENUM' ? Type.ENUM : Type.SET;
      return { type, columnType: `${dataType.toLowerCase()}(${quoted})`, length: 0, precision: 0, scale: 0, unsigned: false, charset: collation(), enumValues: values };
    }
    case 'JSON':
      return { type: Type.JSON, columnType: 'json', length: 0, precision: 0, scale: 0, unsigned: false, charset: Charset.BINARY };
    case 'GEOMETRY': case 'POINT': case 'LINESTRING': case 'POLYGON': case 'MULTIPOINT': case 'MULTILINESTRING':
    case 'MULTIPOLYGON': case 'GEOMETRYCOLLECTION': case 'GEOMCOLLECTION':
      // Values are MySQL's internal geometry format: a 4-byte little-endian SRID, then WKB. MySQL 8
      // names GEOMETRYCOLLECTION columns `geomcollection`.
      return { type: Type.GEOMETRY, columnType: dataType.startsWith('GEOM') && dataType !== 'GEOMETRY' ? 'geomcollection' : dataType.toLowerCase(), length: 4294967295, precision: 0, scale: 0, unsigned: false, charset: Charset.BINARY };
    case 'VECTOR':
      throw sqlError(ER.NOT_SUPPORTED_YET, `This version of vtsim doesn't yet support '${dataType.toLowerCase()} columns'`);
    default:
      throw sqlError(ER.PARSE_ERROR, `syntax error: unknown column type '${definition.dataType}'`);
  }
}

/** Display width of a ZEROFILL integer declared without one: the digits of its unsigned maximum. */
const ZEROFILL_WIDTH: Record<string, number> = { tinyint: 3, smallint: 5, mediumint: 8, int: 10, bigint: 20 };

const INT_TYPES: Record<string, [Type, Type]> = {
  tinyint: [Type.INT8, Type.UINT8],
  smallint: [Type.INT16, Type.UINT16],
  mediumint: [Type.INT24, Type.UINT24],
  int: [Type.INT32, Type.UINT32],
  bigint: [Type.INT64, Type.UINT64],
};

function numeric(type: Type, columnType: string, length: number, precision: number, scale: number, unsigned: boolean): ColumnType {
  return { type, columnType, length, precision, scale, unsigned, charset: Charset.BINARY };
}

function binary(type: Type, name: string, length: number, withLength: boolean): ColumnType {
  return { type, columnType: withLength ? `${name}(${length})` : name, length, precision: 0, scale: 0, unsigned: false, charset: Charset.BINARY };
}

function text2binary(type: Type, name: string, length: number, withLength: boolean): ColumnType {
  if (type === Type.CHAR) return binary(Type.BINARY, 'binary', length, true);
  if (type === Type.VARCHAR) return binary(Type.VARBINARY, 'varbinary', length, true);
  return binary(Type.BLOB, name.replace('text', 'blob'), length, withLength);
}

function temporal(type: Type, columnType: string, fsp: number): ColumnType {
  return { type, columnType, length: 0, precision: fsp, scale: 0, unsigned: false, charset: Charset.BINARY };
}

/** Integer range of an integral column type: [min, max]. */
export function integerRange(ct: ColumnType): readonly [bigint, bigint] {
  switch (ct.type) {
    case Type.INT8: return INT8_RANGE;
    case Type.UINT8: return UINT8_RANGE;
    case Type.INT16: return INT16_RANGE;
    case Type.UINT16: return UINT16_RANGE;
    case Type.INT24: return INT24_RANGE;
    case Type.UINT24: return UINT24_RANGE;
    case Type.INT32: return INT32_RANGE;
    case Type.UINT32: return UINT32_RANGE;
    case Type.UINT64: return UINT64_RANGE;
    case Type.BIT: return [0n, (1n << BigInt(ct.length)) - 1n];
    default: return INT64_RANGE;
  }
}

// The ranges as constants: a column's value is checked against its range on every stored value.
const INT8_RANGE = [-128n, 127n] as const;
const UINT8_RANGE = [0n, 255n] as const;
const INT16_RANGE = [-32768n, 32767n] as const;
const UINT16_RANGE = [0n, 65535n] as const;
const INT24_RANGE = [-8388608n, 8388607n] as const;
const UINT24_RANGE = [0n, 16777215n] as const;
const INT32_RANGE = [-2147483648n, 2147483647n] as const;
const UINT32_RANGE = [0n, 4294967295n] as const;
const UINT64_RANGE = [0n, 18446744073709551615n] as const;
const INT64_RANGE = [-9223372036854775808n, 9223372036854775807n] as const;

/** The ColumnType an expression result of Vitess type `type` is described by when nothing is declared. */
export function columnTypeOf(type: Type): ColumnType {
  switch (type) {
    case Type.INT8: return numeric(type, 'tinyint', 0, 0, 0, false);
    case Type.UINT8: return numeric(type, 'tinyint unsigned', 0, 0, 0, true);
    case Type.INT16: return numeric(type, 'smallint', 0, 0, 0, false);
    case Type.UINT16: return numeric(type, 'smallint unsigned', 0, 0, 0, true);
    case Type.INT24: return numeric(type, 'mediumint', 0, 0, 0, false);
    case Type.UINT24: return numeric(type, 'mediumint unsigned', 0, 0, 0, true);
    case Type.INT32: return numeric(type, 'int', 0, 0, 0, false);
    case Type.UINT32: return numeric(type, 'int unsigned', 0, 0, 0, true);
    case Type.INT64: return numeric(type, 'bigint', 0, 0, 0, false);
    case Type.UINT64: return numeric(type, 'bigint unsigned', 0, 0, 0, true);
    case Type.YEAR: return numeric(type, 'year', 0, 0, 0, true);
    case Type.TIMESTAMP: return temporal(type, 'timestamp', 0);
    case Type.FLOAT32: return numeric(type, 'float', 0, 0, 0, false);
    case Type.FLOAT64: return numeric(type, 'double', 0, 0, 0, false);
    case Type.DECIMAL: return numeric(type, 'decimal(65,30)', 0, 65, 30, false);
    case Type.VARBINARY: return binary(type, 'varbinary', 0, false);
    case Type.DATE: return temporal(type, 'date', 0);
    case Type.DATETIME: return temporal(type, 'datetime', 0);
    case Type.TIME: return temporal(type, 'time', 0);
    case Type.JSON: return { type, columnType: 'json', length: 0, precision: 0, scale: 0, unsigned: false, charset: Charset.BINARY };
    case Type.GEOMETRY: return { type, columnType: 'geometry', length: 4294967295, precision: 0, scale: 0, unsigned: false, charset: Charset.BINARY };
    case Type.NULL_TYPE: return binary(type, 'null', 0, false);
    default: return { type: Type.VARCHAR, columnType: 'varchar', length: 0, precision: 0, scale: 0, unsigned: false, charset: Charset.UTF8MB4 };
  }
}
