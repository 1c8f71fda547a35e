/**
 * Types of Vitess's `query` proto package: column types, MySQL column flags and field metadata.
 * Field names are the proto's own (snake_case), so these objects go on the wire unchanged.
 */

/** query.Type: a column's Vitess type; the value is a sequence number ORed with {@link TypeFlag} bits. */
export enum Type {
  NULL_TYPE = 0,
  INT8 = 257,
  UINT8 = 770,
  INT16 = 259,
  UINT16 = 772,
  INT24 = 261,
  UINT24 = 774,
  INT32 = 263,
  UINT32 = 776,
  INT64 = 265,
  UINT64 = 778,
  FLOAT32 = 1035,
  FLOAT64 = 1036,
  TIMESTAMP = 2061,
  DATE = 2062,
  TIME = 2063,
  DATETIME = 2064,
  YEAR = 785,
  DECIMAL = 18,
  TEXT = 6163,
  BLOB = 10260,
  VARCHAR = 6165,
  VARBINARY = 10262,
  CHAR = 6167,
  BINARY = 10264,
  BIT = 2073,
  ENUM = 2074,
  SET = 2075,
  TUPLE = 28,
  GEOMETRY = 2077,
  JSON = 2078,
  EXPRESSION = 31,
  HEXNUM = 4128,
  HEXVAL = 4129,
  BITNUM = 4130,
  VECTOR = 2083,
  RAW = 2084,
  ROW_TUPLE = 2085,
}

/** query.Flag: the property bits folded into every {@link Type} value. */
export enum TypeFlag {
  NONE = 0,
  ISINTEGRAL = 256,
  ISUNSIGNED = 512,
  ISFLOAT = 1024,
  ISQUOTED = 2048,
  ISTEXT = 4096,
  ISBINARY = 8192,
}

/** query.MySqlFlag: MySQL's column definition flags, as carried in {@link Field.flags}. */
export const MySqlFlag = {
  EMPTY: 0,
  NOT_NULL_FLAG: 1,
  PRI_KEY_FLAG: 2,
  UNIQUE_KEY_FLAG: 4,
  MULTIPLE_KEY_FLAG: 8,
  BLOB_FLAG: 16,
  UNSIGNED_FLAG: 32,
  ZEROFILL_FLAG: 64,
  BINARY_FLAG: 128,
  ENUM_FLAG: 256,
  AUTO_INCREMENT_FLAG: 512,
  TIMESTAMP_FLAG: 1024,
  SET_FLAG: 2048,
  NO_DEFAULT_VALUE_FLAG: 4096,
  ON_UPDATE_NOW_FLAG: 8192,
  PART_KEY_FLAG: 16384,
  NUM_FLAG: 32768,
  GROUP_FLAG: 32768,
  UNIQUE_FLAG: 65536,
  BINCMP_FLAG: 131072,
} as const;

/** query.Field: one result or VStream column's metadata. */
export interface Field {
  name: string;
  type: Type;
  table: string;
  org_table: string;
  database: string;
  org_name: string;
  column_length: number;
  charset: number;
  decimals: number;
  flags: number;
  column_type: string;
}

/** query.ExecuteOptions.IncludedFields: how much of each Field a tablet fills in. */
export enum IncludedFields {
  TYPE_AND_NAME = 0,
  TYPE_ONLY = 1,
  ALL = 2,
}

/**
 * The fields as a tablet returns them for `included` (Vitess's `Result.StripMetadata`): all of
 * each field for ALL, only the type (and name, for TYPE_AND_NAME) otherwise. Returns new objects;
 * the input is not changed.
 */
export function stripFieldMetadata(fields: readonly Field[], included: IncludedFields): Field[] {
  if (included === IncludedFields.ALL) return fields.map((f) => ({ ...f }));
  return fields.map((f) => ({
    name: included === IncludedFields.TYPE_AND_NAME ? f.name : '',
    type: f.type,
    table: '',
    org_table: '',
    database: '',
    org_name: '',
    column_length: 0,
    charset: 0,
    decimals: 0,
    flags: 0,
    column_type: '',
  }));
}

/** query.Target: the keyspace, shard and tablet type a query is meant for. */
export interface Target {
  keyspace: string;
  shard: string;
  tablet_type: import('./topodata.js').TabletType;
  cell: string;
}

/** True when values of this type are integers (signed or unsigned). */
export function isIntegral(t: Type): boolean {
  return (t & TypeFlag.ISINTEGRAL) !== 0;
}

/** True when values of this type are unsigned integers. */
export function isUnsigned(t: Type): boolean {
  return (t & TypeFlag.ISUNSIGNED) !== 0;
}

/** True when values of this type are floating point. */
export function isFloat(t: Type): boolean {
  return (t & TypeFlag.ISFLOAT) !== 0;
}

/** True when values of this type are binary strings (binary collation). */
export function isBinary(t: Type): boolean {
  return (t & TypeFlag.ISBINARY) !== 0;
}

/** True when values of this type are character strings. */
export function isText(t: Type): boolean {
  return (t & TypeFlag.ISTEXT) !== 0;
}

/** MySQL collation ids used by vtsim: 63 is `binary`, 255 is `utf8mb4_0900_ai_ci`. */
export const Charset = { BINARY: 63, UTF8MB4: 255 } as const;
