/**
 * Type-directed comparison of two non-NULL values (MySQL's Arg_comparator): the comparison mode is
 * picked once from the operands' static types, then applied per row.
 */
import { Type, isFloat, type SqlValue } from '@vtsim/proto';
import { compareBytes, compareText } from './collation.js';
import { compareDecimal, parseDecimal, type Decimal } from './decimal.js';
import { dateTimeFromNumber, formatDateTime, parseDateTime, parseTime, timeToMicros } from './datetime.js';
import { isBinaryCollated, isIntType, isTemporalType, isTextType, type CompiledExpr } from './compiled-expr.js';
import { compareValues, toBytes, toDecimal, toDouble, toText } from './values.js';

/** Compares two non-NULL values: <0, 0, >0. */
export type Comparator = (a: SqlValue, b: SqlValue) => number;

function decimalOf(v: SqlValue): Decimal {
  if (typeof v === 'string') {
    const d = parseDecimal(v);
    if (d) return d;
  }
  return toDecimal(v)!;
}

const compareAsDecimal: Comparator = (a, b) => {
  if (typeof a === 'number' || typeof b === 'number') return compareValues(a, b);
  return compareDecimal(decimalOf(a), decimalOf(b));
};

/** A temporal value as a sortable key: DATETIME text with 6 fraction digits, or TIME as signed micros. */
function temporalKey(v: SqlValue, time: boolean): string | number | null {
  if (time) {
    const t = parseTime(typeof v === 'bigint' ? v.toString() : toText(v)!);
    return t ? timeToMicros(t) : null;
  }
  const dt = typeof v === 'bigint' ? dateTimeFromNumber(v) : parseDateTime(toText(v)!);
  return dt ? formatDateTime(dt, 6) : null;
}

function temporalComparator(time: boolean): Comparator {
  return (a, b) => {
    const x = temporalKey(a, time);
    const y = temporalKey(b, time);
    if (x === null || y === null) return compareValues(a, b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

const compareAsBytes: Comparator = (a, b) => {
  if (typeof a === 'bigint' || typeof a === 'number' || typeof b === 'bigint' || typeof b === 'number') return compareValues(a, b);
  return compareBytes(toBytes(a)!, toBytes(b)!);
};

const compareAsText: Comparator = (a, b) => (typeof a === 'string' && typeof b === 'string' ? compareText(a, b) : compareValues(a, b));

const compareAsInt: Comparator = (a, b) => {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  return compareValues(a, b);
};

/** Dynamic mode: runtime JS types decide, with DECIMAL-typed strings read as numbers. */
function dynamicComparator(lt: Type, rt: Type): Comparator {
  const ld = lt === Type.DECIMAL;
  const rd = rt === Type.DECIMAL;
  if (!ld && !rd) return compareValues;
  return (a, b) => {
    if ((ld && typeof a === 'string') || (rd && typeof b === 'string')) {
      if (typeof a === 'number' || typeof b === 'number') {
        return compareValues(ld && typeof a === 'string' ? Number(a) : a, rd && typeof b === 'string' ? Number(b) : b);
      }
      return compareDecimal(decimalOf(a), decimalOf(b));
    }
    return compareValues(a, b);
  };
}

/**
 * Picks the comparison MySQL applies to operands of static types `lt` and `rt`: integer, DECIMAL
 * (exact), DOUBLE, temporal (as DATETIME, or TIME), binary bytes, utf8mb4_0900_ai_ci text; operands
 * typed only at run time (bind variables) are compared by their values' JS types.
 */
export function makeComparator(lt: Type, rt: Type): Comparator {
  if (isIntType(lt) && isIntType(rt)) return compareAsInt;
  const lNum = isIntType(lt) || lt === Type.DECIMAL || isFloat(lt);
  const rNum = isIntType(rt) || rt === Type.DECIMAL || isFloat(rt);
  if (lNum && rNum) return isFloat(lt) || isFloat(rt) ? compareValues : compareAsDecimal;
  if (lt === Type.DECIMAL || rt === Type.DECIMAL) {
    if ((lt === Type.DECIMAL || isTextType(lt)) && (rt === Type.DECIMAL || isTextType(rt))) return compareAsDecimal;
    return dynamicComparator(lt, rt);
  }
  if (isTemporalType(lt) || isTemporalType(rt)) {
    const time = (lt === Type.TIME || !isTemporalType(lt)) && (rt === Type.TIME || !isTemporalType(rt));
    if ((isTemporalType(lt) || isTextType(lt) || lt === Type.EXPRESSION || isIntType(lt)) && (isTemporalType(rt) || isTextType(rt) || rt === Type.EXPRESSION || isIntType(rt))) {
      return temporalComparator(time);
    }
  }
  if (isBinaryCollated(lt) || isBinaryCollated(rt)) return compareAsBytes;
  if (isTextType(lt) && isTextType(rt)) return compareAsText;
  return dynamicComparator(lt, rt);
}

/**
 * An operand's fixed number of decimals as MySQL's Item::decimals has it: a FLOAT(m,d)/DOUBLE(m,d)
 * or DECIMAL(p,s) column its scale, an integer 0, another DECIMAL expression a function of its value
 * (the value's scale: `0.1` → 1, vtsim's DECIMAL values carry their scale); -1 when it has none
 * (NOT_FIXED_DEC: plain FLOAT/DOUBLE, strings, bind variables).
 */
function fixedDecimals(e: CompiledExpr): number | ((v: SqlValue) => number) {
  const ct = e.columnType;
  if (ct && (ct.type === Type.DECIMAL || (isFloat(ct.type) && ct.precision > 0))) return ct.scale;
  if (isIntType(e.type)) return 0;
  if (e.type === Type.DECIMAL) return decimalScale;
  return -1;
}

/** The digits after the point of a DECIMAL value's text. */
function decimalScale(v: SqlValue): number {
  if (typeof v !== 'string') return 0;
  const dot = v.indexOf('.');
  return dot < 0 ? 0 : v.length - dot - 1;
}

/**
 * MySQL's comparison of REAL operands that both have fixed decimals (Arg_comparator's
 * compare_real_fixed, for =, <>, <, <=, >, >=, <=>): values closer than 5 / 10^(d+1), d the larger
 * of their decimals, are equal, so a FLOAT(7,4) column holding the float32 of 0.1 equals the literal
 * `0.1` (but not `0.1e0`, a DOUBLE without fixed decimals). Null when the comparison is not of that
 * kind: one operand must be a FLOAT(m,d)/DOUBLE(m,d) column, the other numeric with fixed decimals.
 */
export function fixedRealComparator(l: CompiledExpr, r: CompiledExpr): Comparator | null {
  const fixedFloat = (e: CompiledExpr) => e.columnType !== undefined && isFloat(e.columnType.type) && e.columnType.precision > 0;
  if (!fixedFloat(l) && !fixedFloat(r)) return null;
  const ld = fixedDecimals(l);
  const rd = fixedDecimals(r);
  if (ld === -1 || rd === -1) return null;
  if (typeof ld === 'number' && typeof rd === 'number') {
    const precision = 5 / 10 ** (Math.max(ld, rd) + 1);
    return (a, b) => compareWithin(toDouble(a)!, toDouble(b)!, precision);
  }
  return (a, b) => {
    const d = Math.max(typeof ld === 'number' ? ld : ld(a), typeof rd === 'number' ? rd : rd(b));
    return compareWithin(toDouble(a)!, toDouble(b)!, 5 / 10 ** (d + 1));
  };
}

function compareWithin(x: number, y: number, precision: number): number {
  if (x === y || Math.abs(x - y) < precision) return 0;
  return x < y ? -1 : 1;
}
