/**
 * How a Vitess column type (query.Type) goes on the MySQL wire: the protocol's type byte, the
 * collation a column gets when its Field names none, and the flags the type implies.
 */
import { Charset, isBinary, isText, isUnsigned, MySqlFlag, Type } from '@vtsim/proto';

/** MySQL protocol column type bytes (enum_field_types). */
export const MysqlType = {
  DECIMAL: 0,
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  NULL: 6,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  TIME: 11,
  DATETIME: 12,
  YEAR: 13,
  BIT: 16,
  JSON: 245,
  NEWDECIMAL: 246,
  BLOB: 252,
  VAR_STRING: 253,
  STRING: 254,
  GEOMETRY: 255,
} as const;

/** The protocol type byte for a Vitess type; types without a MySQL column counterpart (tuples, expressions, hex literals) go as VAR_STRING. */
export function mysqlTypeOf(t: Type): number {
  switch (t) {
    case Type.NULL_TYPE:
      return MysqlType.NULL;
    case Type.INT8:
    case Type.UINT8:
      return MysqlType.TINY;
    case Type.INT16:
    case Type.UINT16:
      return MysqlType.SHORT;
    case Type.INT24:
    case Type.UINT24:
      return MysqlType.INT24;
    case Type.INT32:
    case Type.UINT32:
      return MysqlType.LONG;
    case Type.INT64:
    case Type.UINT64:
      return MysqlType.LONGLONG;
    case Type.FLOAT32:
      return MysqlType.FLOAT;
    case Type.FLOAT64:
      return MysqlType.DOUBLE;
    case Type.TIMESTAMP:
      return MysqlType.TIMESTAMP;
    case Type.DATE:
      return MysqlType.DATE;
    case Type.TIME:
      return MysqlType.TIME;
    case Type.DATETIME:
      return MysqlType.DATETIME;
    case Type.YEAR:
      return MysqlType.YEAR;
    case Type.DECIMAL:
      return MysqlType.NEWDECIMAL;
    case Type.TEXT:
    case Type.BLOB:
      return MysqlType.BLOB;
    case Type.CHAR:
    case Type.BINARY:
    case Type.ENUM:
    case Type.SET:
      return MysqlType.STRING;
    case Type.BIT:
      return MysqlType.BIT;
    case Type.JSON:
      return MysqlType.JSON;
    case Type.GEOMETRY:
      return MysqlType.GEOMETRY;
    default:
      return MysqlType.VAR_STRING;
  }
}

/** The collation a column is announced with when its Field carries none: utf8mb4 for character types, binary otherwise. */
export function defaultCharsetOf(t: Type): number {
  return isText(t) ? Charset.UTF8MB4 : Charset.BINARY;
}

/** The column flags a type implies (unsigned, binary, blob, enum, set), to be ORed with the Field's own. */
export function impliedFlagsOf(t: Type): number {
  let flags = 0;
  if (isUnsigned(t)) flags |= MySqlFlag.UNSIGNED_FLAG;
  if (isBinary(t)) flags |= MySqlFlag.BINARY_FLAG;
  if (t === Type.TEXT || t === Type.BLOB) flags |= MySqlFlag.BLOB_FLAG;
  if (t === Type.ENUM) flags |= MySqlFlag.ENUM_FLAG;
  if (t === Type.SET) flags |= MySqlFlag.SET_FLAG;
  return flags;
}
