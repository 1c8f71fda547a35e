/** CAST(x AS type) and CONVERT(x, type) with MySQL 8's conversion rules (lenient: bad input gives NULL or a truncated value). */
import { Charset, Type, sqlError, type SqlValue } from '@vtsim/proto';
import type { ColumnType } from './column-type.js';
import { decimalFromBigInt, decimalFromDouble, formatDecimal, integerDigits, pow10, roundDecimal, type Decimal } from './decimal.js';
import {
  dateTimeFromNumber, formatDate, formatDateTime, formatTime, parseDateTime, parseTime, roundFraction, roundTimeFraction,
} from './datetime.js';
import { numeric } from './arithmetic.js';
import { JsonSyntaxError, formatJson, parseJson } from './json.js';
import { MAX_UINT64, doubleToBigInt, textToBytes, toBytes, toText, toTextOfType, INT64_RANGE } from './values.js';
import { isTemporalType } from './compiled-expr.js';

/** A CAST target type. */
export interface CastTarget {
  kind: 'SIGNED' | 'UNSIGNED' | 'CHAR' | 'BINARY' | 'DECIMAL' | 'DATE' | 'DATETIME' | 'TIME' | 'JSON' | 'DOUBLE' | 'FLOAT' | 'YEAR';
  /** CHAR(n)/BINARY(n) length, DECIMAL precision; undefined when not given. */
  length?: number;
  /** DECIMAL scale. */
  scale?: number;
  /** DATETIME/TIME fractional precision. */
  fsp?: number;
}

/** Reads a node-sql-parser cast target (`{dataType, length, scale}`) into a {@link CastTarget}; throws 1064 for unknown types. */
export function castTargetOf(def: { dataType: string; length?: number; scale?: number }): CastTarget {
  const t = String(def.dataType).toUpperCase().replace(/\s+INTEGER$|\s+INT$/, '');
  const length = typeof def.length === 'number' ? def.length : undefined;
  switch (t) {
    case 'SIGNED': case 'UNSIGNED': case 'JSON': case 'DATE': case 'YEAR': return { kind: t };
    case 'CHAR': case 'NCHAR': case 'VARCHAR': return length === undefined ? { kind: 'CHAR' } : { kind: 'CHAR', length };
    case 'BINARY': return length === undefined ? { kind: 'BINARY' } : { kind: 'BINARY', length };
    case 'DECIMAL': case 'NUMERIC': return { kind: 'DECIMAL', length: length ?? 10, scale: typeof def.scale === 'number' ? def.scale : 0 };
    case 'DATETIME': case 'TIMESTAMP': return { kind: 'DATETIME', fsp: length ?? 0 };
    case 'TIME': return { kind: 'TIME', fsp: length ?? 0 };
    case 'DOUBLE': case 'REAL': return { kind: 'DOUBLE' };
    case 'FLOAT': return length !== undefined && length > 24 ? { kind: 'DOUBLE' } : { kind: 'FLOAT' };
    default: throw sqlError([1064, '42000'], `syntax error: cannot CAST to ${def.dataType}`);
  }
}

/** The result type of a cast, with a ColumnType when it carries precision (DECIMAL, DATETIME, TIME). */
export function castResultType(t: CastTarget): { type: Type; columnType?: ColumnType } {
  const base = { length: 0, precision: 0, scale: 0, unsigned: false, charset: Charset.BINARY };
  switch (t.kind) {
    case 'SIGNED': return { type: Type.INT64 };
    case 'UNSIGNED': return { type: Type.UINT64 };
    case 'CHAR': return { type: Type.VARCHAR, columnType: { ...base, type: Type.VARCHAR, columnType: 'varchar', length: t.length ?? 0, charset: Charset.UTF8MB4 } };
    case 'BINARY': return { type: Type.VARBINARY, columnType: { ...base, type: Type.VARBINARY, columnType: 'varbinary', length: t.length ?? 0 } };
    case 'DECIMAL': return { type: Type.DECIMAL, columnType: { ...base, type: Type.DECIMAL, columnType: `decimal(${t.length},${t.scale})`, precision: t.length!, scale: t.scale! } };
    case 'DATE': return { type: Type.DATE };
    case 'DATETIME': return { type: Type.DATETIME, columnType: { ...base, type: Type.DATETIME, columnType: 'datetime', precision: t.fsp ?? 0 } };
    case 'TIME': return { type: Type.TIME, columnType: { ...base, type: Type.TIME, columnType: 'time', precision: t.fsp ?? 0 } };
    case 'JSON': return { type: Type.JSON };
    case 'DOUBLE': return { type: Type.FLOAT64 };
    case 'FLOAT': return { type: Type.FLOAT32 };
    case 'YEAR': return { type: Type.YEAR };
  }
}

function toSigned(v: SqlValue, from: Type): bigint {
  if (typeof v === 'string' && !isTemporalType(from) && from !== Type.DECIMAL) {
    const m = /^\s*([+-]?\d+)/.exec(v);
    if (!m) return 0n;
    const n = BigInt(m[1]!);
    // MySQL reads digit strings beyond BIGINT as unsigned and wraps them.
    if (n > INT64_RANGE[1]) return n > MAX_UINT64 ? -1n : BigInt.asIntN(64, n);
    return n < INT64_RANGE[0] ? INT64_RANGE[0] : n;
  }
  const n = numeric(v, from);
  if (n.k === 0) return BigInt.asIntN(64, n.v);
  if (n.k === 1) return BigInt.asIntN(64, roundDecimal(n.v, 0).unscaled);
  return doubleToBigInt(n.v);
}

function castDecimal(v: SqlValue, from: Type, precision: number, scale: number): string {
  const n = numeric(v, from);
  let d: Decimal = n.k === 0 ? decimalFromBigInt(n.v) : n.k === 1 ? n.v : Number.isFinite(n.v) ? decimalFromDouble(n.v) : decimalFromBigInt(0n);
  d = roundDecimal(d, scale);
  if (integerDigits(d) > precision - scale) {
    const max = pow10(precision) - 1n;
    d = { unscaled: d.unscaled < 0n ? -max : max, scale };
  }
  return formatDecimal(d);
}

/**
 * Converts a value of static type `from` to `target`. NULL stays NULL; text that is not a valid date or
 * time casts to NULL; numbers out of a DECIMAL(m,d)'s range clamp to its largest value. Throws SqlError
 * 3141 for text that is not valid JSON in a cast to JSON.
 */
export function castValue(v: SqlValue, from: Type, target: CastTarget): SqlValue {
  if (v === null) return null;
  switch (target.kind) {
    case 'SIGNED': return toSigned(v, from);
    case 'UNSIGNED': return BigInt.asUintN(64, toSigned(v, from));
    case 'CHAR': {
      const s = toTextOfType(v, from)!;
      return target.length === undefined ? s : [...s].slice(0, target.length).join('');
    }
    case 'BINARY': {
      const b = from === Type.FLOAT32 ? textToBytes(toTextOfType(v, from)!) : toBytes(v)!;
      if (target.length === undefined) return b;
      const out = Buffer.alloc(target.length);
      out.set(b.subarray(0, target.length));
      return out;
    }
    case 'DECIMAL': return castDecimal(v, from, target.length!, target.scale!);
    case 'DATE': case 'DATETIME': {
      const dt = typeof v === 'bigint' ? dateTimeFromNumber(v) : typeof v === 'number' ? dateTimeFromNumber(doubleToBigInt(Math.trunc(v))) : parseDateTime(toText(v)!);
      if (!dt) return null;
      return target.kind === 'DATE' ? formatDate(dt) : formatDateTime(roundFraction(dt, target.fsp ?? 0), target.fsp ?? 0);
    }
    case 'TIME': {
      const t = parseTime(toText(v)!);
      return t ? formatTime(roundTimeFraction(t, target.fsp ?? 0), target.fsp ?? 0) : null;
    }
    case 'JSON': return castJson(v, from);
    case 'DOUBLE': case 'FLOAT': {
      const n = numeric(v, from);
      const d = n.k === 0 ? Number(n.v) : n.k === 1 ? Number(formatDecimal(n.v)) : n.v;
      return target.kind === 'FLOAT' ? Math.fround(d) : d; // Item_typecast_real: static_cast<float>
    }
    case 'YEAR': {
      const n = toSigned(v, from);
      if (n >= 1n && n <= 69n) return 2000n + n;
      if (n >= 70n && n <= 99n) return 1900n + n;
      return n === 0n || (n >= 1901n && n <= 2155n) ? n : null;
    }
  }
}

/** Converts a value to JSON text: JSON stays, text must parse, numbers become JSON numbers, binary becomes a base64 string. */
export function castJson(v: SqlValue, from: Type): string | null {
  if (v === null) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return formatJson(v);
  if (v instanceof Uint8Array) return formatJson(`base64:type15:${Buffer.from(v).toString('base64')}`);
  if (from === Type.DECIMAL) return v;
  if (isTemporalType(from)) return formatJson(v);
  try {
    return formatJson(parseJson(v));
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    throw sqlError([3141, '22032'], `Invalid JSON text in argument 1 to function cast_as_json: "${e.reason}" at position ${e.position}.`);
  }
}

/** CONVERT(x USING charset): `binary` yields bytes, any other character set yields text. */
export function convertUsing(v: SqlValue, charset: string): SqlValue {
  if (v === null) return null;
  return charset.toLowerCase() === 'binary' ? toBytes(v) : v instanceof Uint8Array ? toText(v) : typeof v === 'string' ? v : textToBytes(toText(v)!).toString('utf8');
}
