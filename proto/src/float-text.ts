/**
 * MySQL's text of FLOAT and DOUBLE column values, as its text protocol sends them (and Vitess
 * passes them on in query results and the VStream copy phase):
 *
 * - FLOAT: Field_float::val_str, `my_gcvt(nr, MY_GCVT_ARG_FLOAT, 69)` (strings/dtoa.cc): the
 *   float32's value rounded to FLT_DIG = 6 significant digits (ties to even), trailing zeros dropped,
 *   in fixed notation while the decimal point's position `decpt` (digits before it) is within
 *   [-14, 15], else as `d.ddddde[-]X`: 3.1415927 → `3.14159`, 123456789 → `123457000`, 16777217 →
 *   `16777200`, 1234.125 → `1234.12`, 1e15 → `1e15`, 1e-15 → `0.000000000000001`, 1e-16 → `1e-16`,
 *   3.4028235e38 → `3.40282e38`.
 * - FLOAT(m,d) and DOUBLE(m,d): `my_fcvt(nr, d)`, exactly d digits after the point: `1.5000`.
 * - DOUBLE: {@link formatFloat}.
 *
 * Zero prints as `0` whatever its sign (MariaDB 10.11, whose dtoa.c and Field_float are MySQL's, was
 * checked on every example above).
 */
import { Type, type Field } from './query.js';
import { formatFloat } from './sqltypes.js';

/** MySQL's `decimals` of a FLOAT/DOUBLE without fixed decimals (NOT_FIXED_DEC). */
const NOT_FIXED_DEC = 31;

/** FLT_DIG: the significant digits MySQL prints of a FLOAT. */
const FLT_DIG = 6;

/** 10^k, exact for 0 ≤ k ≤ 22. */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** `a` (> 0) scaled by 10^k, exactly when a and 10^|k| are (k ≤ 22). */
function scale(a: number, k: number): number {
  return k >= 0 ? (k <= 22 ? a * POW10[k]! : a * 10 ** k) : -k <= 22 ? a / POW10[-k]! : a / 10 ** -k;
}

/**
 * The text MySQL shows for a FLOAT column's value `v` (a float32 widened to a double); see the module
 * comment. Non-finite values (never stored) fall back to {@link formatFloat}.
 */
export function formatFloat32(v: number): string {
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return formatFloat(v);
  const a = Math.abs(v);
  // decpt: digits before the decimal point of the 6-digit rounding (0.0123 → -1, 123.4 → 3).
  let decpt = Math.floor(Math.log10(a)) + 1;
  let scaled = scale(a, FLT_DIG - decpt);
  if (scaled >= POW10[FLT_DIG]!) scaled = scale(a, FLT_DIG - ++decpt);
  else if (scaled < POW10[FLT_DIG - 1]!) scaled = scale(a, FLT_DIG - --decpt);
  let n = Math.floor(scaled);
  const frac = scaled - n;
  if (Math.abs(frac - 0.5) < 1e-6) n = roundNearTie(a, n, decpt);
  else if (frac > 0.5) n++;
  if (n === POW10[FLT_DIG]) {
    n = POW10[FLT_DIG - 1]!;
    decpt++;
  }
  let len = FLT_DIG;
  while (n % 10 === 0) {
    n /= 10;
    len--;
  }
  const digits = String(n);
  const sign = v < 0 ? '-' : '';
  if (decpt < -14 || decpt > 15) {
    const exp = decpt - 1;
    return sign + digits[0]! + (len > 1 ? '.' + digits.slice(1) : '') + 'e' + exp;
  }
  if (decpt <= 0) return sign + '0.' + '0'.repeat(-decpt) + digits;
  if (decpt >= len) return sign + digits + '0'.repeat(decpt - len);
  return sign + digits.slice(0, decpt) + '.' + digits.slice(decpt);
}

/**
 * The 6 leading digits of `a` (10^(decpt-6) units: `floor` or `floor + 1`) when what follows them is
 * (near) one half: exact halves round to even, as dtoa does, where JS's toPrecision rounds up.
 */
function roundNearTie(a: number, floor: number, decpt: number): number {
  const seven = a.toPrecision(FLT_DIG + 1);
  if (Number(seven) === a && /5(e[-+]\d+)?$/.test(seven)) return floor % 2 === 0 ? floor : floor + 1;
  // Not an exact half: toPrecision rounds the exact value correctly.
  return Math.round(scale(Number(a.toPrecision(FLT_DIG)), FLT_DIG - decpt));
}

/**
 * The text of a FLOAT(m,d) or DOUBLE(m,d) value: exactly `decimals` digits after the point (MySQL's
 * my_fcvt), `1.5` → `1.5000` for d = 4.
 */
export function formatFixedFloat(v: number, decimals: number): string {
  if (Math.abs(v) < 1e21) return (v === 0 ? 0 : v).toFixed(decimals);
  // toFixed switches to exponents from 1e21; such doubles are integers.
  return BigInt(v).toString() + (decimals > 0 ? '.' + '0'.repeat(decimals) : '');
}

/** True for a FLOAT(m,d)/DOUBLE(m,d) result column (`decimals` 1…30), whose values print with d decimals. */
export function hasFixedDecimals(field: Field): boolean {
  return (field.type === Type.FLOAT32 || field.type === Type.FLOAT64) && field.decimals > 0 && field.decimals < NOT_FIXED_DEC;
}

/**
 * The text MySQL's text protocol sends for a FLOAT or DOUBLE value of a result column `field`:
 * fixed decimals for FLOAT(m,d)/DOUBLE(m,d) (`field.decimals` 1…30), 6 significant digits for FLOAT,
 * {@link formatFloat} for DOUBLE (and a number in a column of any other type).
 */
export function floatFieldText(v: number, field: Field): string {
  if (hasFixedDecimals(field)) return formatFixedFloat(v, field.decimals);
  return field.type === Type.FLOAT32 ? formatFloat32(v) : formatFloat(v);
}
