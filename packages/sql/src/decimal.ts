/**
 * Exact DECIMAL arithmetic over scaled bigints (MySQL's decimal_t): a value is `unscaled / 10^scale`.
 * DECIMAL values travel as canonical text (`-12.50`); these helpers parse, compute and format them.
 */

/** An exact decimal number: `unscaled × 10^-scale`, scale ≥ 0. */
export interface Decimal {
  readonly unscaled: bigint;
  readonly scale: number;
}

const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 80; i++, p *= 10n) POW10.push(p);

/** 10^n as a bigint (n ≥ 0). */
export function pow10(n: number): bigint {
  return n < POW10.length ? POW10[n]! : 10n ** BigInt(n);
}

const DECIMAL_RE = /^\s*([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?/;

/**
 * Parses the longest numeric prefix of `text` as a decimal (`' 12.5e1xyz'` → 125.0).
 * Returns null when there is no digit at all; `rest` tells whether anything but spaces followed the number.
 */
export function parseDecimalPrefix(text: string): { value: Decimal; rest: boolean } | null {
  const m = DECIMAL_RE.exec(text);
  if (!m) return null;
  const intPart = m[2] ?? '';
  const fracPart = m[3] ?? '';
  if (intPart === '' && fracPart === '') return null;
  let unscaled = BigInt((intPart || '0') + fracPart);
  let scale = fracPart.length;
  if (m[4] !== undefined) {
    const exp = Number(m[4]);
    if (exp >= 0) {
      const shift = Math.min(exp, scale);
      scale -= shift;
      unscaled *= pow10(exp - shift);
    } else {
      scale += -exp;
    }
  }
  if (m[1] === '-') unscaled = -unscaled;
  const rest = text.slice(m[0].length).trim() !== '';
  return { value: { unscaled, scale }, rest };
}

/** Parses a whole decimal literal; null when the text is not a number (trailing spaces allowed). */
export function parseDecimal(text: string): Decimal | null {
  const r = parseDecimalPrefix(text);
  return r && !r.rest ? r.value : null;
}

/** Formats a decimal as MySQL prints it: all `scale` fraction digits, no exponent, `-0` never printed. */
export function formatDecimal(d: Decimal): string {
  let u = d.unscaled;
  const neg = u < 0n;
  if (neg) u = -u;
  let digits = u.toString();
  if (d.scale === 0) return neg && u !== 0n ? '-' + digits : digits;
  if (digits.length <= d.scale) digits = '0'.repeat(d.scale - digits.length + 1) + digits;
  const text = digits.slice(0, digits.length - d.scale) + '.' + digits.slice(digits.length - d.scale);
  return neg && u !== 0n ? '-' + text : text;
}

/** A decimal with integer value `v`. */
export function decimalFromBigInt(v: bigint): Decimal {
  return { unscaled: v, scale: 0 };
}

/** Converts a finite double to a decimal via its shortest round-trip text. */
export function decimalFromDouble(v: number): Decimal {
  return parseDecimalPrefix(String(v))!.value;
}

/** Converts a decimal to the nearest double. */
export function decimalToDouble(d: Decimal): number {
  return d.scale === 0 ? Number(d.unscaled) : Number(formatDecimal(d));
}

/** Re-expresses `d` with a larger scale (exact). */
function widen(d: Decimal, scale: number): bigint {
  return d.unscaled * pow10(scale - d.scale);
}

/** Compares two decimals numerically: <0, 0, >0. */
export function compareDecimal(a: Decimal, b: Decimal): number {
  const s = Math.max(a.scale, b.scale);
  const x = widen(a, s);
  const y = widen(b, s);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** a + b, with scale max(scale a, scale b). */
export function addDecimal(a: Decimal, b: Decimal): Decimal {
  const s = Math.max(a.scale, b.scale);
  return { unscaled: widen(a, s) + widen(b, s), scale: s };
}

/** a − b, with scale max(scale a, scale b). */
export function subDecimal(a: Decimal, b: Decimal): Decimal {
  const s = Math.max(a.scale, b.scale);
  return { unscaled: widen(a, s) - widen(b, s), scale: s };
}

/** a × b, with scale scale a + scale b (capped at 30 by rounding, as MySQL does). */
export function mulDecimal(a: Decimal, b: Decimal): Decimal {
  const r = { unscaled: a.unscaled * b.unscaled, scale: a.scale + b.scale };
  return r.scale > 30 ? roundDecimal(r, 30) : r;
}

/**
 * a ÷ b rounded half away from zero to scale `scale a + increment` (MySQL's div_precision_increment, 4),
 * capped at 30. Returns null when b is zero (MySQL's NULL for division by zero).
 */
export function divDecimal(a: Decimal, b: Decimal, increment = 4): Decimal | null {
  if (b.unscaled === 0n) return null;
  const scale = Math.min(a.scale + increment, 30);
  // result = a.u/10^as ÷ (b.u/10^bs) = a.u × 10^(bs + scale − as) / b.u, at `scale`
  const shift = b.scale + scale - a.scale;
  let num = a.unscaled;
  let den = b.unscaled;
  if (shift >= 0) num *= pow10(shift);
  else den *= pow10(-shift);
  return { unscaled: divRoundHalfUp(num, den), scale };
}

/** Integer division rounding half away from zero. */
function divRoundHalfUp(num: bigint, den: bigint): bigint {
  const neg = num < 0n !== den < 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  let q = n / d;
  if ((n % d) * 2n >= d) q += 1n;
  return neg ? -q : q;
}

/** a mod b with the sign of a (MySQL's `%`); null when b is zero. */
export function modDecimal(a: Decimal, b: Decimal): Decimal | null {
  if (b.unscaled === 0n) return null;
  const s = Math.max(a.scale, b.scale);
  return { unscaled: widen(a, s) % widen(b, s), scale: s };
}

/** Rounds half away from zero to `scale` digits after the point (negative scale rounds to tens, hundreds…). */
export function roundDecimal(d: Decimal, scale: number): Decimal {
  if (scale >= d.scale) return { unscaled: widen(d, scale), scale };
  if (scale >= 0) return { unscaled: divRoundHalfUp(d.unscaled, pow10(d.scale - scale)), scale };
  const q = divRoundHalfUp(d.unscaled, pow10(d.scale - scale));
  return { unscaled: q * pow10(-scale), scale: 0 };
}

/** Truncates toward zero to `scale` digits after the point (negative scale truncates tens, hundreds…). */
export function truncateDecimal(d: Decimal, scale: number): Decimal {
  if (scale >= d.scale) return { unscaled: widen(d, scale), scale };
  if (scale >= 0) return { unscaled: d.unscaled / pow10(d.scale - scale), scale };
  return { unscaled: (d.unscaled / pow10(d.scale - scale)) * pow10(-scale), scale: 0 };
}

/** Rounds toward −∞ to an integer. */
export function floorDecimal(d: Decimal): bigint {
  const p = pow10(d.scale);
  const q = d.unscaled / p;
  return d.unscaled < 0n && q * p !== d.unscaled ? q - 1n : q;
}

/** Rounds toward +∞ to an integer. */
export function ceilDecimal(d: Decimal): bigint {
  const p = pow10(d.scale);
  const q = d.unscaled / p;
  return d.unscaled > 0n && q * p !== d.unscaled ? q + 1n : q;
}

/** Number of digits before the decimal point (0 for |d| < 1). */
export function integerDigits(d: Decimal): number {
  let u = d.unscaled < 0n ? -d.unscaled : d.unscaled;
  u /= pow10(d.scale);
  return u === 0n ? 0 : u.toString().length;
}
