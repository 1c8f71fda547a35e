/** Comparison, conversion and column coercion of SqlValues with MySQL 8 semantics. */
import { ER, SqlError, Type, formatFloat, formatFloat32, isBinary, isFloat, isIntegral, isText, sqlError, type SqlValue } from '@vtsim/proto';
import { integerRange, type ColumnType } from './column-type.js';
import { compareBytes, compareText, isBinaryCollation, textKey } from './collation.js';
import {
  compareDecimal, decimalFromBigInt, decimalFromDouble, decimalToDouble, formatDecimal, integerDigits,
  parseDecimal, parseDecimalPrefix, roundDecimal, type Decimal,
} from './decimal.js';
import {
  dateProblem, dateTimeFromNumber, formatDate, formatDateTime, formatTime, parseDateTimeParts, parseTime, roundFraction,
  roundTimeFraction, timeToMicros, type DateTime,
} from './datetime.js';
import { DEFAULT_SQL_MODE } from './system-variable-defaults.js';
import { sqlModeOf, type SqlMode } from './sql-mode.js';
import { checkGeometryColumn } from './geometry.js';
import { JsonSyntaxError, formatJson, parseJson } from './json.js';

const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;
const UINT64_MAX = 18446744073709551615n;
const WARN_DATA_TRUNCATED = [1265, '01000'] as const;
const INVALID_JSON_TEXT = [3140, '22032'] as const;

const utf8Decoder = new TextDecoder();

/** Decodes bytes as UTF-8 text (invalid sequences become U+FFFD). */
export function bytesToText(b: Uint8Array): string {
  return utf8Decoder.decode(b);
}

/** Text up to this many characters is encoded by {@link textToBytes}'s own loop when it is ASCII. */
const SHORT_TEXT = 64;

/**
 * Encodes text as UTF-8 bytes (a Buffer, so callers may use Buffer methods). Small results share
 * Node's buffer pool rather than each owning an ArrayBuffer, which keeps stored binary values cheap
 * for the garbage collector.
 */
export function textToBytes(s: string): Buffer {
  const n = s.length;
  if (n > SHORT_TEXT) return Buffer.from(s, 'utf8');
  // Short ASCII text (most stored values) is copied here: Buffer.from's call into C++ costs more.
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return Buffer.from(s, 'utf8');
    out[i] = c;
  }
  return out;
}

/** Compares a bigint with a double exactly (no precision loss for large integers). */
function compareBigDouble(a: bigint, b: number): number {
  if (Number.isNaN(b)) return 1;
  if (b === Infinity) return -1;
  if (b === -Infinity) return 1;
  const fb = Math.floor(b);
  const ib = BigInt(fb);
  if (a < ib) return -1;
  if (a > ib) return 1;
  return fb === b ? 0 : -1;
}

/** Compares two doubles (NaN never occurs in SQL values). */
function compareDoubles(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares a number (bigint or double) with the numeric reading of a string: exact when the string is a decimal literal. */
function compareNumberText(a: bigint | number, s: string): number {
  const d = parseDecimal(s);
  if (d !== null) {
    if (typeof a === 'bigint') return compareDecimal(decimalFromBigInt(a), d);
    if (Number.isFinite(a)) return compareDecimal(decimalFromDouble(a), d);
  }
  const b = textToDouble(s);
  return typeof a === 'bigint' ? compareBigDouble(a, b) : compareDoubles(a, b);
}

/**
 * Compares two values the way MySQL compares them when nothing is known about their SQL types:
 * numbers numerically (bigint and double alike, exactly); a number against a string numerically (a decimal
 * text exactly, other text by its numeric prefix); binary against text or binary bytewise; text against
 * text under utf8mb4_0900_ai_ci (case- and accent-insensitive, NO PAD). Two DECIMAL texts are
 * indistinguishable from VARCHARs here: use {@link valueComparator} when the type is known.
 * NULL sorts before every value and equals NULL (ORDER BY/key order; SQL's NULL-propagating `=` is the
 * caller's job). Returns <0, 0 or >0.
 */
export function compareValues(a: SqlValue, b: SqlValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'bigint') {
    if (typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
    if (typeof b === 'number') return compareBigDouble(a, b);
    return compareNumberText(a, typeof b === 'string' ? b : bytesToText(b));
  }
  if (typeof a === 'number') {
    if (typeof b === 'number') return compareDoubles(a, b);
    if (typeof b === 'bigint') return -compareBigDouble(b, a);
    return compareNumberText(a, typeof b === 'string' ? b : bytesToText(b));
  }
  if (typeof b === 'bigint' || typeof b === 'number') return -compareNumberText(b, typeof a === 'string' ? a : bytesToText(a));
  if (typeof a === 'string' && typeof b === 'string') return compareText(a, b);
  return compareBytes(toBytes(a)!, toBytes(b)!);
}

/** True when two values compare equal under {@link compareValues} (NULL equals NULL here). */
export function valuesEqual(a: SqlValue, b: SqlValue): boolean {
  return compareValues(a, b) === 0;
}

/**
 * Returns the comparator for values of one column type (NULL first): integers and BIT/YEAR as integers,
 * DECIMAL texts numerically, text under utf8mb4_0900_ai_ci (by code point for `_bin` collations), binary bytewise, ENUM/SET by member index,
 * TIME by duration, DATE/DATETIME/TIMESTAMP by their canonical text. Values of an unexpected JS type fall
 * back to {@link compareValues}.
 */
export function valueComparator(ct: ColumnType | Type): (a: SqlValue, b: SqlValue) => number {
  const type = typeof ct === 'number' ? ct : ct.type;
  const withNulls = (f: (a: any, b: any) => number, jsType: string) => (a: SqlValue, b: SqlValue): number => {
    if (a === b) return 0;
    if (a === null) return -1;
    if (b === null) return 1;
    return typeof a === jsType && typeof b === jsType ? f(a, b) : compareValues(a, b);
  };
  if (isIntegral(type) || type === Type.BIT) return withNulls((a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0), 'bigint');
  if (isFloat(type)) return withNulls(compareDoubles, 'number');
  switch (type) {
    case Type.DECIMAL:
      return withNulls((a: string, b: string) => {
        const x = parseDecimal(a);
        const y = parseDecimal(b);
        return x && y ? compareDecimal(x, y) : compareText(a, b);
      }, 'string');
    case Type.ENUM: case Type.SET: {
      const members = typeof ct === 'number' ? undefined : ct.enumValues;
      if (!members) return withNulls(compareText, 'string');
      const rank = type === Type.ENUM ? (s: string) => enumIndex(members, s) : (s: string) => setBits(members, s);
      return withNulls((a: string, b: string) => {
        const x = rank(a);
        const y = rank(b);
        return x < y ? -1 : x > y ? 1 : 0;
      }, 'string');
    }
    case Type.TIME:
      return withNulls((a: string, b: string) => {
        const x = parseTime(a);
        const y = parseTime(b);
        return x && y ? timeToMicros(x) - timeToMicros(y) : a < b ? -1 : a > b ? 1 : 0;
      }, 'string');
    case Type.DATE: case Type.DATETIME: case Type.TIMESTAMP:
      return withNulls((a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0), 'string');
  }
  if (isBinary(type) && type !== Type.JSON) {
    return (a, b) => {
      if (a === b) return 0;
      if (a === null) return -1;
      if (b === null) return 1;
      return a instanceof Uint8Array && b instanceof Uint8Array ? compareBytes(a, b) : compareValues(a, b);
    };
  }
  if (isText(type) && typeof ct !== 'number' && isBinaryCollation(ct.charset)) return withNulls(compareCodePoints, 'string');
  if (isText(type) || type === Type.JSON) return withNulls(compareText, 'string');
  return compareValues;
}

/** Compares two strings by code point, which is the byte order of their UTF-8 (the `_bin` collations). */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca - cb;
    if (ca > 0xffff) i++;
  }
  return a.length - b.length;
}

/**
 * Returns a comparator for index keys of the given column types (NULLs first, column by column, using
 * {@link valueComparator}). A shorter key that is a prefix of a longer one sorts first, so prefixes of a
 * composite key can seek a range.
 */
export function keyComparator(types: ColumnType[]): (a: readonly SqlValue[], b: readonly SqlValue[]) => number {
  const cmps = types.map((t) => valueComparator(t));
  if (cmps.length === 1) {
    const c = cmps[0]!;
    return (a, b) => {
      if (a.length === 0 || b.length === 0) return a.length - b.length;
      return c(a[0]!, b[0]!);
    };
  }
  return (a, b) => {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const d = cmps[i]!(a[i]!, b[i]!);
      if (d !== 0) return d;
    }
    return a.length - b.length;
  };
}

/**
 * A string key that is equal for two values exactly when they compare equal as the given type
 * (hash-based GROUP BY, DISTINCT, IN-lists and unique checks). NULL gets its own key.
 */
export function valueKey(v: SqlValue, type?: Type): string {
  if (v === null) return '\u0000N';
  if (typeof v === 'bigint') return 'n' + v.toString();
  if (typeof v === 'number') {
    return Number.isInteger(v) && Math.abs(v) < 1e21 ? 'n' + BigInt(v).toString() : 'n' + formatDecimal(decimalFromDouble(v)).replace(/\.?0+$/, '');
  }
  if (typeof v === 'string') {
    if (type === Type.DECIMAL) {
      const d = parseDecimal(v);
      if (d) return 'n' + formatDecimal(d).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
    }
    if (type !== undefined && (type === Type.DATE || type === Type.DATETIME || type === Type.TIMESTAMP || type === Type.TIME)) return 's' + v;
    return 's' + textKey(v);
  }
  return 'b' + Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1');
}

function enumIndex(members: string[], s: string): number {
  for (let i = 0; i < members.length; i++) if (compareText(members[i]!, s) === 0) return i + 1;
  return 0;
}

function setBits(members: string[], s: string): bigint {
  let bits = 0n;
  if (s === '') return bits;
  for (const part of s.split(',')) {
    const i = enumIndex(members, part);
    if (i > 0) bits |= 1n << BigInt(i - 1);
  }
  return bits;
}

// ---- conversions -------------------------------------------------------------------------------

const NUMERIC_PREFIX = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/;

/** The double value of a string's numeric prefix (MySQL's string → number conversion); 0 if none. */
export function textToDouble(s: string): number {
  const m = NUMERIC_PREFIX.exec(s);
  return m ? Number(m[0]) : 0;
}

/** Converts a value to a signed 64-bit integer as MySQL's CAST(… AS SIGNED) does (text: its integer prefix; doubles round half away from zero; saturating); null for NULL. */
export function toBigInt(v: SqlValue): bigint | null {
  if (v === null) return null;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return doubleToBigInt(v);
  const s = typeof v === 'string' ? v : bytesToText(v);
  const m = /^\s*([+-]?\d+)/.exec(s);
  if (!m) return 0n;
  const n = BigInt(m[1]!);
  return n > INT64_MAX ? INT64_MAX : n < INT64_MIN ? INT64_MIN : n;
}

/** Rounds a double half away from zero to a bigint, saturating at the int64 range. */
export function doubleToBigInt(v: number): bigint {
  if (Number.isNaN(v)) return 0n;
  if (v >= 9223372036854775807) return INT64_MAX;
  if (v <= -9223372036854775808) return INT64_MIN;
  return BigInt(v < 0 ? -Math.round(-v) : Math.round(v));
}

/** Converts a value to a double the way MySQL does in numeric context (text by its numeric prefix); null for NULL. */
export function toDouble(v: SqlValue): number | null {
  if (v === null) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return textToDouble(typeof v === 'string' ? v : bytesToText(v));
}

/** Converts a value to an exact decimal (text by its numeric prefix, 0 if none); null for NULL. */
export function toDecimal(v: SqlValue): Decimal | null {
  if (v === null) return null;
  if (typeof v === 'bigint') return decimalFromBigInt(v);
  if (typeof v === 'number') return Number.isFinite(v) ? decimalFromDouble(v) : decimalFromBigInt(0n);
  const r = parseDecimalPrefix(typeof v === 'string' ? v : bytesToText(v));
  return r ? r.value : decimalFromBigInt(0n);
}

/** Renders a value as text (MySQL's string context: doubles in shortest form, binary decoded as UTF-8); null for NULL. */
export function toText(v: SqlValue): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return formatFloat(v);
  return bytesToText(v);
}

/**
 * Renders a value of static type `type` as text in a string context: a FLOAT as MySQL's
 * Field_float::val_str does (6 significant digits: CAST(f AS CHAR) of FLOAT 3.1415927 is `3.14159`),
 * anything else as {@link toText}; null for NULL.
 */
export function toTextOfType(v: SqlValue, type: Type): string | null {
  return typeof v === 'number' && type === Type.FLOAT32 ? formatFloat32(v) : toText(v);
}

/** Renders a value as bytes (text and numbers as their UTF-8 text); null for NULL. */
export function toBytes(v: SqlValue): Uint8Array | null {
  if (v === null) return null;
  if (v instanceof Uint8Array) return v;
  return textToBytes(toText(v)!);
}

/** SQL truthiness: null for NULL, otherwise whether the value is numerically non-zero (text by its numeric prefix). */
export function isTrue(v: SqlValue): boolean | null {
  if (v === null) return null;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'number') return v !== 0;
  return textToDouble(typeof v === 'string' ? v : bytesToText(v)) !== 0;
}

/**
 * Renders a value as a SQL literal: `NULL`, `42`, `1.5e300`, `'it''s'` (quotes doubled, backslashes and
 * control characters escaped, so it reads back identically in any sql_mode), `x'00ff'` for bytes.
 */
export function sqlLiteral(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return formatFloat(v);
  if (typeof v === 'string') return quoteString(v);
  return `x'${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}'`;
}

const QUOTE_ESCAPES: Record<string, string> = { "'": "''", '\\': '\\\\', '\0': '\\0', '\n': '\\n', '\r': '\\r', '\u001a': '\\Z' };

function quoteString(s: string): string {
  return "'" + s.replace(/['\\\0\n\r\u001a]/g, (c) => QUOTE_ESCAPES[c]!) + "'";
}

/** The Vitess type a bare value has when nothing else is known: INT64, FLOAT64, VARCHAR, VARBINARY or NULL_TYPE. */
export function typeOfValue(v: SqlValue): Type {
  if (v === null) return Type.NULL_TYPE;
  switch (typeof v) {
    case 'bigint': return Type.INT64;
    case 'number': return Type.FLOAT64;
    case 'string': return Type.VARCHAR;
    default: return Type.VARBINARY;
  }
}

// ---- column coercion ---------------------------------------------------------------------------

function rowError(er: readonly [number, string], message: string): SqlError {
  return sqlError(er, message);
}

function outOfRange(col: string): SqlError {
  return rowError(ER.WARN_DATA_OUT_OF_RANGE, `Out of range value for column '${col}' at row 1`);
}

function truncated(col: string): SqlError {
  return rowError(WARN_DATA_TRUNCATED, `Data truncated for column '${col}' at row 1`);
}

function tooLong(col: string): SqlError {
  return rowError(ER.DATA_TOO_LONG, `Data too long for column '${col}' at row 1`);
}

function incorrect(kind: string, v: SqlValue, col: string): SqlError {
  return rowError(ER.TRUNCATED_WRONG_VALUE_FOR_FIELD, `Incorrect ${kind} value: '${toText(v)}' for column '${col}' at row 1`);
}

function badTemporal(kind: string, v: SqlValue, col: string): SqlError {
  return rowError(ER.TRUNCATED_WRONG_VALUE, `Incorrect ${kind} value: '${toText(v)}' for column '${col}' at row 1`);
}

/** Reads a numeric text strictly for a numeric column: the whole text must be a number (spaces aside). */
function strictNumber(v: string | Uint8Array, kind: string, col: string): Decimal {
  const s = typeof v === 'string' ? v : bytesToText(v);
  const r = parseDecimalPrefix(s);
  if (r === null) throw kind === 'double' ? truncated(col) : incorrect(kind, s, col);
  if (r.rest) throw truncated(col);
  return r.value;
}

/** How a statement's sql_mode bends column coercion, and where the warnings it produces go. */
export interface CoercionContext {
  readonly mode: SqlMode;
  /** Records a warning (level Warning) on the statement. */
  warn(code: number, message: string): void;
}

const DEFAULT_MODE = sqlModeOf(DEFAULT_SQL_MODE);

/**
 * Converts a value to what column `ct` stores, under the sql_mode of `ctx` (MySQL 8's default mode
 * without one: STRICT_TRANS_TABLES, NO_ZERO_DATE, NO_ZERO_IN_DATE): integers range-checked, decimals
 * rounded half away from zero to the column's scale, doubles from text, text length-checked in
 * characters (bytes for binary; CHAR drops trailing spaces, BINARY pads with 0x00), ENUM/SET values
 * canonicalized to their declared spelling, dates and times normalized to canonical text with the
 * column's fractional precision (zero dates and zero parts as the mode allows), JSON normalized,
 * spatial values checked (stored geometry bytes of the column's kind).
 *
 * Strict mode throws SqlError 1366 (text that is not a number), 1265 (trailing garbage, bad ENUM/SET
 * member, bad double text), 1264 (out of range), 1406 (data too long), 1292 (bad date/time), 3140
 * (bad JSON) or 1416 (not a geometry of the column's kind), naming `columnName` and `row 1`. Without
 * STRICT_TRANS_TABLES/STRICT_ALL_TABLES the same conditions store the nearest value MySQL stores (the
 * range's end, the number's prefix, 0, the truncated text, '', the zero date) and warn through `ctx`
 * instead (1406 becomes 1265 `Data truncated`; a bad or out-of-range date warns 1265 or 1264); bad
 * JSON and bad geometry stay errors. NULL passes through (NOT NULL checks are the caller's).
 */
export function coerceToColumn(v: SqlValue, ct: ColumnType, columnName: string, ctx?: CoercionContext): SqlValue {
  if (ctx === undefined || ctx.mode.strict) return coerceValue(v, ct, columnName, ctx?.mode ?? DEFAULT_MODE);
  try {
    return coerceValue(v, ct, columnName, ctx.mode);
  } catch (err) {
    if (!(err instanceof SqlError)) throw err;
    return nearestValue(v, ct, columnName, err, ctx);
  }
}

function coerceValue(v: SqlValue, ct: ColumnType, columnName: string, mode: SqlMode): SqlValue {
  if (v === null) return null;
  const type = ct.type;
  if (isIntegral(type) && type !== Type.YEAR) return coerceInteger(v, ct, columnName);
  switch (type) {
    case Type.DECIMAL: return coerceDecimal(v, ct, columnName);
    case Type.FLOAT32: case Type.FLOAT64: return coerceFloat(v, ct, columnName);
    case Type.BIT: return coerceBit(v, ct, columnName);
    case Type.YEAR: return coerceYear(v, columnName);
    case Type.CHAR: case Type.VARCHAR: case Type.TEXT: return coerceText(v, ct, columnName);
    case Type.BINARY: case Type.VARBINARY: case Type.BLOB: return coerceBinary(v, ct, columnName);
    case Type.ENUM: return coerceEnum(v, ct, columnName);
    case Type.SET: return coerceSet(v, ct, columnName);
    case Type.DATE: case Type.DATETIME: case Type.TIMESTAMP: return coerceDateTime(v, ct, columnName, mode);
    case Type.TIME: return coerceTime(v, ct, columnName);
    case Type.JSON: return coerceJson(v, columnName);
    case Type.GEOMETRY: return coerceGeometry(v, ct);
    default: return v;
  }
}

function coerceInteger(v: SqlValue, ct: ColumnType, col: string): bigint {
  let n: bigint;
  if (typeof v === 'bigint') n = v;
  else if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw outOfRange(col);
    n = BigInt(v < 0 ? -Math.round(-v) : Math.round(v));
  } else {
    const d = strictNumber(v as string | Uint8Array, 'integer', col);
    const r = roundDecimal(d, 0).unscaled;
    n = r;
  }
  const [min, max] = integerRange(ct);
  if (n < min || n > max) throw outOfRange(col);
  return n;
}

function coerceDecimal(v: SqlValue, ct: ColumnType, col: string): string {
  let d: Decimal;
  if (typeof v === 'bigint') d = decimalFromBigInt(v);
  else if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw outOfRange(col);
    d = decimalFromDouble(v);
  } else d = strictNumber(v as string | Uint8Array, 'decimal', col);
  d = roundDecimal(d, ct.scale);
  if (integerDigits(d) > ct.precision - ct.scale || (ct.unsigned && d.unscaled < 0n)) throw outOfRange(col);
  return formatDecimal(d);
}

/** The largest FLOAT: FLT_MAX (3.40282e38 as MySQL prints it). */
const FLT_MAX = 3.4028234663852886e38;

/** 10^k for 0 ≤ k ≤ 308, as exact as MySQL's log_10 table (FLOAT(m,d): d ≤ 30, m ≤ 255). */
const POW10: readonly number[] = Array.from({ length: 309 }, (_, k) => Number(`1e${k}`));

/** C's rint: the nearest integer, halves to even. */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * A FLOAT/DOUBLE column's value. FLOAT(m,d)/DOUBLE(m,d) first keep d decimals as MySQL's
 * Field_real::truncate does (rint of the fraction × 10^d: 999.00009 → 999.0001) and must stay within
 * ±(10^(m−d) − 10^−d); a FLOAT then stores the float32 nearest the double (Math.fround: 3.1415927 →
 * 3.1415927410125732, shown as `3.14159` by the text protocol), so expressions, comparisons and the
 * binlog see the float32 as MySQL does. Negative zero is stored as 0.
 */
function coerceFloat(v: SqlValue, ct: ColumnType, col: string): number {
  let f: number;
  if (typeof v === 'number') f = v;
  else if (typeof v === 'bigint') f = Number(v);
  else f = decimalToDouble(strictNumber(v as string | Uint8Array, 'double', col));
  if (!Number.isFinite(f)) throw outOfRange(col);
  if (ct.precision > 0) {
    const p = POW10[ct.scale]!;
    const whole = Math.floor(f);
    f = whole + rint((f - whole) * p) / p;
    if (Math.abs(f) > POW10[ct.precision - ct.scale]! - 1 / p) throw outOfRange(col);
  }
  if (ct.type === Type.FLOAT32) {
    if (Math.abs(f) > FLT_MAX) throw outOfRange(col);
    f = Math.fround(f);
  }
  if (ct.unsigned && f < 0) throw outOfRange(col);
  return f === 0 ? 0 : f;
}

function coerceBit(v: SqlValue, ct: ColumnType, col: string): bigint {
  let n: bigint;
  if (typeof v === 'bigint') n = v;
  else if (typeof v === 'number') n = doubleToBigInt(v);
  else {
    const bytes = toBytes(v)!;
    n = 0n;
    for (const b of bytes) n = (n << 8n) | BigInt(b);
  }
  if (n < 0n || n >= 1n << BigInt(ct.length)) throw tooLong(col);
  return n;
}

function coerceYear(v: SqlValue, col: string): bigint {
  let n: bigint;
  let fromText = false;
  if (typeof v === 'bigint') n = v;
  else if (typeof v === 'number') n = doubleToBigInt(v);
  else {
    fromText = true;
    const d = strictNumber(v as string | Uint8Array, 'integer', col);
    n = roundDecimal(d, 0).unscaled;
  }
  if (n === 0n) return fromText ? 2000n : 0n;
  if (n >= 1n && n <= 69n) return 2000n + n;
  if (n >= 70n && n <= 99n) return 1900n + n;
  if (n < 1901n || n > 2155n) throw outOfRange(col);
  return n;
}

function charLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

function coerceText(v: SqlValue, ct: ColumnType, col: string): string {
  let s = toText(v)!;
  if (ct.type === Type.TEXT) {
    if (Buffer.byteLength(s) > ct.length) throw tooLong(col);
    return s;
  }
  if (ct.type === Type.CHAR) s = s.replace(/ +$/, '');
  if (charLength(s) > ct.length) {
    const trimmed = s.replace(/ +$/, '');
    if (charLength(trimmed) > ct.length) throw tooLong(col);
    s = [...s].slice(0, ct.length).join('');
  }
  return s;
}

function coerceBinary(v: SqlValue, ct: ColumnType, col: string): Uint8Array {
  const b = toBytes(v)!;
  if (b.length > ct.length) throw tooLong(col);
  if (ct.type === Type.BINARY && b.length < ct.length) {
    // allocUnsafe shares the buffer pool (see textToBytes); the padding is zeroed explicitly.
    const padded = Buffer.allocUnsafe(ct.length);
    padded.set(b);
    padded.fill(0, b.length);
    return padded;
  }
  return b;
}

function coerceEnum(v: SqlValue, ct: ColumnType, col: string): string {
  const members = ct.enumValues ?? [];
  if (typeof v === 'bigint' || typeof v === 'number') {
    const i = Number(toBigInt(v));
    if (i < 1 || i > members.length) throw truncated(col);
    return members[i - 1]!;
  }
  const s = toText(v)!.replace(/ +$/, '');
  const i = enumIndex(members, s);
  if (i === 0) throw truncated(col);
  return members[i - 1]!;
}

function coerceSet(v: SqlValue, ct: ColumnType, col: string): string {
  const members = ct.enumValues ?? [];
  let bits: bigint;
  if (typeof v === 'bigint' || typeof v === 'number') {
    bits = toBigInt(v)!;
    if (bits < 0n || bits >= 1n << BigInt(members.length)) throw truncated(col);
  } else {
    const s = toText(v)!;
    bits = 0n;
    if (s !== '') {
      for (const part of s.split(',')) {
        const i = enumIndex(members, part.replace(/ +$/, ''));
        if (i === 0) throw truncated(col);
        bits |= 1n << BigInt(i - 1);
      }
    }
  }
  return members.filter((_, i) => (bits >> BigInt(i)) & 1n).join(',');
}

const TIMESTAMP_MIN = '1970-01-01 00:00:01';
const TIMESTAMP_MAX = '2038-01-19 03:14:07.999999';

const ZERO_DATETIME: DateTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, micro: 0 };

/** A date-shaped value's parts (zero dates and zero parts included); null when it is not date-shaped. */
function dateTimeParts(v: SqlValue): DateTime | null {
  if (typeof v === 'bigint' || typeof v === 'number') {
    const n = typeof v === 'bigint' ? v : doubleToBigInt(Math.trunc(v));
    return n === 0n ? ZERO_DATETIME : dateTimeFromNumber(n);
  }
  return parseDateTimeParts(toText(v)!);
}

/** True when sql_mode lets a date with this problem be stored as it is. */
function dateAllowed(problem: ReturnType<typeof dateProblem>, mode: SqlMode): boolean {
  switch (problem) {
    case undefined: return true;
    case 'zero-date': return !mode.noZeroDate;
    case 'zero-in-date': return !mode.noZeroInDate;
    case 'invalid-date': return mode.allowInvalidDates;
  }
}

function coerceDateTime(v: SqlValue, ct: ColumnType, col: string, mode: SqlMode): string {
  const kind = ct.type === Type.DATE ? 'date' : 'datetime';
  let dt = dateTimeParts(v);
  if (dt === null) throw badTemporal(kind, v, col);
  const problem = dateProblem(dt);
  if (!dateAllowed(problem, mode)) throw badTemporal(kind, v, col);
  if (ct.type === Type.DATE) return formatDate(dt);
  if (problem !== undefined) return formatDateTime(dt, ct.precision);
  dt = roundFraction(dt, ct.precision);
  const s = formatDateTime(dt, ct.precision);
  if (ct.type === Type.TIMESTAMP && (s < TIMESTAMP_MIN || s > TIMESTAMP_MAX)) throw badTemporal(kind, v, col);
  return s;
}

/** The zero value of a temporal column (`0000-00-00`, `0000-00-00 00:00:00[.000]`, `00:00:00`). */
function zeroTemporal(ct: ColumnType): string {
  const frac = ct.precision > 0 ? `.${'0'.repeat(ct.precision)}` : '';
  if (ct.type === Type.DATE) return '0000-00-00';
  if (ct.type === Type.TIME) return `00:00:00${frac}`;
  return `0000-00-00 00:00:00${frac}`;
}

/** -1 for a value that reads as a negative number (its numeric prefix), else 1. */
function numericSign(v: SqlValue): number {
  if (typeof v === 'bigint') return v < 0n ? -1 : 1;
  if (typeof v === 'number') return v < 0 ? -1 : 1;
  return /^\s*-/.test(toText(v) ?? '') ? -1 : 1;
}

/** The largest magnitude a DECIMAL(p,s) or FLOAT(p,s) column holds, as decimal text. */
function maxFixed(ct: ColumnType): string {
  const whole = '9'.repeat(Math.max(ct.precision - ct.scale, 0)) || '0';
  return ct.scale > 0 ? `${whole}.${'9'.repeat(ct.scale)}` : whole;
}

/** The end of a numeric column's range on the side of `v`'s sign (0 for a negative in an unsigned column). */
function rangeEnd(v: SqlValue, ct: ColumnType): SqlValue {
  const negative = numericSign(v) < 0;
  if (isIntegral(ct.type) && ct.type !== Type.YEAR) return integerRange(ct)[negative ? 0 : 1];
  if (ct.type === Type.YEAR) return 0n;
  if (ct.type === Type.BIT) return (1n << BigInt(ct.length)) - 1n;
  if (negative && ct.unsigned) return ct.type === Type.DECIMAL ? formatDecimal(roundDecimal(decimalFromBigInt(0n), ct.scale)) : 0;
  if (ct.type === Type.DECIMAL) return `${negative ? '-' : ''}${maxFixed(ct)}`;
  const fixedMax = Number(maxFixed(ct));
  const max = ct.type === Type.FLOAT32 ? (ct.precision > 0 ? Math.fround(fixedMax) : FLT_MAX) : ct.precision > 0 ? fixedMax : Number.MAX_VALUE;
  return negative ? -max : max;
}

/** The zero of a numeric column (0, `0.00`, 0.0). */
function zeroNumber(ct: ColumnType): SqlValue {
  if (ct.type === Type.DECIMAL) return formatDecimal(roundDecimal(decimalFromBigInt(0n), ct.scale));
  if (ct.type === Type.FLOAT32 || ct.type === Type.FLOAT64) return 0;
  return 0n;
}

/**
 * What a non-strict sql_mode stores when strict coercion failed with `err`, after recording the
 * warning MySQL gives; rethrows errors that stay errors (bad JSON, anything else).
 */
function nearestValue(v: SqlValue, ct: ColumnType, col: string, err: SqlError, ctx: CoercionContext): SqlValue {
  const type = ct.type;
  const numeric = isIntegral(type) || type === Type.DECIMAL || type === Type.FLOAT32 || type === Type.FLOAT64;
  const truncatedMessage = `Data truncated for column '${col}' at row 1`;
  switch (err.errno) {
    case ER.WARN_DATA_OUT_OF_RANGE[0]:
      ctx.warn(err.errno, err.message);
      return rangeEnd(v, ct);
    case ER.TRUNCATED_WRONG_VALUE_FOR_FIELD[0]:
      ctx.warn(err.errno, err.message);
      return zeroNumber(ct);
    case WARN_DATA_TRUNCATED[0]: {
      ctx.warn(err.errno, err.message);
      if (type === Type.ENUM || type === Type.SET) return '';
      if (!numeric) return v;
      const prefix = parseDecimalPrefix(toText(v) ?? '');
      return prefix === null ? zeroNumber(ct) : coerceToColumn(formatDecimal(prefix.value), ct, col, ctx);
    }
    case ER.DATA_TOO_LONG[0]: {
      ctx.warn(WARN_DATA_TRUNCATED[0], truncatedMessage);
      if (type === Type.BIT) return rangeEnd(v, ct);
      if (isBinary(type) || type === Type.BLOB) {
        const bytes = toBytes(v)!.subarray(0, ct.length);
        return type === Type.BINARY ? coerceValue(bytes, ct, col, ctx.mode) : bytes;
      }
      const text = toText(v)!;
      return type === Type.TEXT ? Buffer.from(text).subarray(0, ct.length).toString('utf8').replace(/\uFFFD$/, '') : [...text].slice(0, ct.length).join('');
    }
    case ER.TRUNCATED_WRONG_VALUE[0]: {
      const dt = type === Type.TIME ? null : dateTimeParts(v);
      const outOfRange = dt !== null && (dateProblem(dt) === 'zero-date' || type === Type.TIMESTAMP);
      ctx.warn(outOfRange ? ER.WARN_DATA_OUT_OF_RANGE[0] : WARN_DATA_TRUNCATED[0], outOfRange ? `Out of range value for column '${col}' at row 1` : truncatedMessage);
      return zeroTemporal(ct);
    }
  }
  throw err;
}

function coerceTime(v: SqlValue, ct: ColumnType, col: string): string {
  const t = parseTime(typeof v === 'number' ? formatFloat(v) : toText(v)!);
  if (t === null) throw badTemporal('time', v, col);
  return formatTime(roundTimeFraction(t, ct.precision), ct.precision);
}

function coerceGeometry(v: SqlValue, ct: ColumnType): Uint8Array {
  if (!(v instanceof Uint8Array)) throw sqlError([1416, '22003'], 'Cannot get geometry object from data you send to the GEOMETRY field');
  checkGeometryColumn(v, ct.columnType);
  return v;
}

function coerceJson(v: SqlValue, col: string): string {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return formatJson(v);
  const s = toText(v)!;
  try {
    return formatJson(parseJson(s));
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    throw sqlError(INVALID_JSON_TEXT, `Invalid JSON text: "${e.reason}" at position ${e.position} in value for column '${col}'.`);
  }
}

/** Largest value of BIGINT UNSIGNED. */
export const MAX_UINT64 = UINT64_MAX;
/** Range of BIGINT. */
export const INT64_RANGE: readonly [bigint, bigint] = [INT64_MIN, INT64_MAX];
