/**
 * MySQL arithmetic on SqlValues: integer operations checked for BIGINT overflow (error 1690), exact
 * DECIMAL operations (`/` yields a DECIMAL with 4 more digits of scale), DOUBLE otherwise.
 */
import { Type, sqlError, type SqlValue } from '@vtsim/proto';
import {
  addDecimal, decimalFromBigInt, decimalToDouble, divDecimal, formatDecimal, modDecimal, mulDecimal, parseDecimal,
  pow10, subDecimal, type Decimal,
} from './decimal.js';
import { isTemporalType } from './compiled-expr.js';
import { MAX_UINT64, INT64_RANGE, bytesToText, textToDouble, toDecimal } from './values.js';

/** The binary arithmetic operators. */
export type ArithOp = '+' | '-' | '*' | '/' | 'DIV' | '%';

const OUT_OF_RANGE = [1690, '22003'] as const;

/** Error 1690 for a result outside its type's range; `text` renders the offending expression. */
export function rangeError(kind: 'BIGINT' | 'BIGINT UNSIGNED' | 'DOUBLE' | 'DECIMAL', text: string): Error {
  return sqlError(OUT_OF_RANGE, `${kind} value is out of range in '${text}'`);
}

/** A numeric reading of a value: an integer, an exact decimal, or a double. */
type Num = { k: 0; v: bigint } | { k: 1; v: Decimal } | { k: 2; v: number };

/** Reads a non-NULL value as a number, given its static type (DECIMAL text stays exact, temporal text becomes YYYYMMDDhhmmss). */
export function numeric(v: SqlValue, t: Type): Num {
  if (typeof v === 'bigint') return { k: 0, v };
  if (typeof v === 'number') return { k: 2, v };
  if (typeof v === 'string') {
    if (t === Type.DECIMAL) {
      const d = parseDecimal(v);
      if (d) return { k: 1, v: d };
    }
    if (isTemporalType(t)) {
      const digits = v.replace(/[^0-9.]/g, '');
      const d = parseDecimal(digits);
      if (d) return d.scale === 0 ? { k: 0, v: d.unscaled } : { k: 1, v: d };
    }
    return { k: 2, v: textToDouble(v) };
  }
  return { k: 2, v: v === null ? 0 : textToDouble(bytesToText(v)) };
}

function asDecimal(n: Num): Decimal {
  return n.k === 0 ? decimalFromBigInt(n.v) : n.k === 1 ? n.v : toDecimal(n.v)!;
}

function asDouble(n: Num): number {
  return n.k === 0 ? Number(n.v) : n.k === 1 ? decimalToDouble(n.v) : n.v;
}

function checkInt(r: bigint, unsigned: boolean, text: () => string): bigint {
  if (unsigned) {
    if (r < 0n || r > MAX_UINT64) throw rangeError('BIGINT UNSIGNED', text());
  } else if (r < INT64_RANGE[0] || r > INT64_RANGE[1]) {
    throw rangeError('BIGINT', text());
  }
  return r;
}

/**
 * Applies `op` to two values of static types `at` and `bt`. NULL in → NULL out; division or modulo by
 * zero → NULL. `unsigned` makes integer results BIGINT UNSIGNED. Throws SqlError 1690 (with `text()`
 * as the expression) when an integer result leaves its range or a double overflows.
 */
export function arithmetic(op: ArithOp, a: SqlValue, b: SqlValue, at: Type, bt: Type, unsigned: boolean, text: () => string): SqlValue {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') return intOp(op, a, b, unsigned, text);
  const x = numeric(a, at);
  const y = numeric(b, bt);
  if (x.k === 0 && y.k === 0) return intOp(op, x.v, y.v, unsigned, text);
  if (x.k !== 2 && y.k !== 2) return decimalOp(op, asDecimal(x), asDecimal(y), text);
  return doubleOp(op, asDouble(x), asDouble(y), text);
}

function intOp(op: ArithOp, a: bigint, b: bigint, unsigned: boolean, text: () => string): SqlValue {
  switch (op) {
    case '+': return checkInt(a + b, unsigned, text);
    case '-': return checkInt(a - b, unsigned, text);
    case '*': return checkInt(a * b, unsigned, text);
    case '/': {
      const d = divDecimal(decimalFromBigInt(a), decimalFromBigInt(b));
      return d === null ? null : formatDecimal(d);
    }
    case 'DIV': return b === 0n ? null : checkInt(a / b, unsigned, text);
    case '%': return b === 0n ? null : a % b;
  }
}

function decimalOp(op: ArithOp, a: Decimal, b: Decimal, text: () => string): SqlValue {
  let r: Decimal | null;
  switch (op) {
    case '+': r = addDecimal(a, b); break;
    case '-': r = subDecimal(a, b); break;
    case '*': r = mulDecimal(a, b); break;
    case '/': r = divDecimal(a, b); break;
    case '%': r = modDecimal(a, b); break;
    case 'DIV': {
      if (b.unscaled === 0n) return null;
      const q = (a.unscaled * pow10(b.scale)) / (b.unscaled * pow10(a.scale));
      return checkInt(q, false, text);
    }
  }
  if (r === null) return null;
  if (r.unscaled.toString().length - r.scale > 65) throw rangeError('DECIMAL', text());
  return formatDecimal(r);
}

function doubleOp(op: ArithOp, a: number, b: number, text: () => string): SqlValue {
  let r: number;
  switch (op) {
    case '+': r = a + b; break;
    case '-': r = a - b; break;
    case '*': r = a * b; break;
    case '/':
      if (b === 0) return null;
      r = a / b;
      break;
    case '%':
      if (b === 0) return null;
      r = a % b;
      break;
    case 'DIV': {
      if (b === 0) return null;
      const q = Math.trunc(a / b);
      if (!Number.isFinite(q)) throw rangeError('DOUBLE', text());
      return checkInt(BigInt(q), false, text);
    }
  }
  if (!Number.isFinite(r)) throw rangeError('DOUBLE', text());
  return r;
}

/** Unary minus with MySQL types: BIGINT negation is overflow-checked (error 1690). */
export function negate(v: SqlValue, t: Type, text: () => string): SqlValue {
  if (v === null) return null;
  const n = numeric(v, t);
  if (n.k === 0) return checkInt(-n.v, false, text);
  if (n.k === 1) return formatDecimal({ unscaled: -n.v.unscaled, scale: n.v.scale });
  return -n.v;
}
