/**
 * Row values as a VStream puts them on the wire, phase by phase (Vitess's rowstreamer and
 * vstreamer). The copy phase sends what MySQL 8's text protocol returns for `SELECT` (Vitess passes
 * those bytes through); the streaming phase sends what Vitess decodes from row-based binlog events
 * (go/mysql/binlog/rbr.go, CellValue), then maps ENUM/SET ordinals to their strings (vstreamer.go,
 * extractRowAndFilter). Encoders are built once per table plan, one per sent column.
 *
 * Formats verified, by type (copy phase | streaming phase; `=` when the same):
 *
 * | type | copy phase (MySQL text protocol) | streaming phase (rbr.go CellValue) |
 * |---|---|---|
 * | TINYINT…BIGINT, signed/unsigned | decimal text `-5`, `18446744073709551615` | = (AppendInt/AppendUint) |
 * | integers ZEROFILL (`int(5) zerofill`) | padded to the display width: `00042` | not padded: `42` |
 * | YEAR | `2024`; 0 → `0000` | `2024` (1900 + byte); 0 → `0000` |
 * | FLOAT | my_gcvt(FLOAT): 6 significant digits, halves to even, fixed notation for 10^-15 ≤ \|v\| < 10^15: `3.14159` (3.1415927), `0.1`, `123457000` (123456789), `16777200` (16777217), `1e20`, `1e-16`, `3.40282e38` | the float32's shortest round-trip digits, Go `strconv.AppendFloat(float64(f), 'E', -1, 32)`: `3.1415927E+00`, `1E-01`, `1.2345679E+08`, `1.6777216E+07`, `1E+20` |
 * | FLOAT(m,d) | d decimals (my_fcvt): FLOAT(7,4) 3.1415927 → `3.1416` | the float32 of the rounded value: `3.1416E+00` |
 * | DOUBLE | MySQL's shortest text: `1.5`, `1e100`, `-2.5e-7`; DOUBLE(m,d) with d decimals | Go `'E', -1, 64`: `1.5E+00`, `1E+100`, `-2.5E-07` |
 * | DECIMAL(p,s), s > 0 | `0.5000`, `-0.5000`, `12.50` | integral zeros trimmed: `.5000`, `-.5000`, `12.50` |
 * | DECIMAL(p,0) | `5`, `0` | digits in groups of 9, each zero-padded, the leading partial group without zeros: (10,0) 5 → `000000005`; (5,0) 5 → `5`, 0 → `0` |
 * | DECIMAL ZEROFILL | padded to the display width: `0001.50` | not padded |
 * | BIT(n) | ceil(n/8) big-endian bytes: b'1' → 0x01, bit(16) 256 → 0x0100 | = (the row image's bytes) |
 * | DATE, DATETIME(fsp), TIME(fsp) | `2024-01-31`, `2024-01-31 12:00:00.123`, `-838:59:59.000000` (fsp digits) | = (%04d-%02d-%02d, TIME2/DATETIME2 with `metadata` fraction digits) |
 * | TIMESTAMP(fsp) | in the session time zone, which is UTC here | in UTC (printTimestamp: `time.Unix(v).UTC()`); 0 → `0000-00-00 00:00:00` |
 * | CHAR | trailing spaces removed | = (the row image drops them) |
 * | BINARY(n) | zero-padded to n bytes | = (rbr.go re-pads columns whose type is `binary(n)`) |
 * | VARCHAR, TEXT, VARBINARY, BLOB (any collation, `_bin` too) | the bytes (text as UTF-8) | = |
 * | ENUM, SET | the member strings `b`, `a,c` | = (ordinals mapped to strings: FieldEvent enum_set_string_values) |
 * | JSON | MySQL's text: `{"a": 1, "b": [1, 2]}` (keys by length, then bytes) | = (ParseBinaryJSON(...).MarshalTo: `": "` and `", "` separators, same key order) |
 * | GEOMETRY (all spatial types) | SRID (4 bytes LE) + WKB | = (TypeGeometry: the blob's bytes) |
 * | NULL | length -1 | = |
 *
 * A FLOAT column holds the float32 nearest the inserted value (see @vtsim/sql coerceToColumn), which
 * the binlog carries as is: the two phases show the same value with different digits.
 */
import { Type, bitBytes, encodeValue, textEncoders, type Field, type ValueEncoder } from '@vtsim/proto';

/** The copy phase's encoders of a plan's fields: MySQL's text protocol (see the table above). */
export function copyPhaseEncoders(fields: readonly Field[]): ValueEncoder[] {
  return textEncoders(fields);
}

/** The streaming phase's encoders of a plan's fields: rbr.go CellValue's forms (see the table above). */
export function binlogEncoders(fields: readonly Field[]): ValueEncoder[] {
  return fields.map(binlogEncoder);
}

function binlogEncoder(field: Field): ValueEncoder {
  switch (field.type) {
    case Type.BIT: {
      const bits = field.column_length;
      return (v) => (typeof v === 'bigint' ? bitBytes(v, bits) : encodeValue(v));
    }
    case Type.YEAR:
      return (v) => (v === 0n ? '0000' : encodeValue(v));
    case Type.FLOAT32:
      return (v) => (typeof v === 'number' ? goFormatFloat32E(v) : encodeValue(v));
    case Type.FLOAT64:
      return (v) => (typeof v === 'number' ? goFormatE(v.toExponential(), v) : encodeValue(v));
    case Type.DECIMAL: {
      const m = DECIMAL_TYPE.exec(field.column_type);
      if (!m) return encodeValue;
      const precision = Number(m[1]);
      const scale = Number(m[2]);
      return (v) => (typeof v === 'string' ? rbrDecimalText(v, precision, scale) : encodeValue(v));
    }
    default:
      return encodeValue;
  }
}

const DECIMAL_TYPE = /^decimal\((\d+),(\d+)\)/;

/**
 * Rewrites JS exponential text (`1.5e+0`, shortest round-trip digits) into Go's `%E` form with
 * shortest digits (`1.5E+00`): an upper-case E, a sign, and at least two exponent digits.
 */
function goFormatE(exp: string, v: number): string {
  const e = exp.indexOf('e');
  // One exponent digit (`e+3`) is padded to two (`E+03`).
  const text = exp.length - e === 3 ? exp.slice(0, e) + 'E' + exp[e + 1]! + '0' + exp[e + 2]! : exp.slice(0, e) + 'E' + exp.slice(e + 1);
  return v === 0 && Object.is(v, -0) ? '-' + text : text;
}

/** The smallest normal float32, 2^-126. */
const FLT_MIN_NORMAL = 1.1754943508222875e-38;

/**
 * Go's `strconv.FormatFloat(float64(f), 'E', -1, 32)` of the float32 nearest `v`: the shortest digits
 * that read back as the same float32 (`3.1415927E+00`, `1E-01`). A float32 needs at most 9 digits; when
 * at most 6 do, its 6-digit rounding is those digits padded with zeros (6-digit decimals lie further
 * apart than a normal float32's ulp), so the search starts at 6 and usually ends there or at 7–8.
 */
export function goFormatFloat32E(v: number): string {
  const f = Math.fround(v);
  if (f === 0) return goFormatE('0e+0', f);
  if (Number.isInteger(f * 64) && Math.abs(f) < 2 ** 24) {
    // A short binary fraction (integers, halves, … sixty-fourths): when its shortest float64 digits
    // are at most 6, they are its 6-digit rounding, trimmed, which the search below would return.
    const shortest = f.toExponential();
    if (mantissaDigits(shortest) <= 6) return goFormatE(shortest, f);
  }
  // Subnormals have fewer significant bits: search from one digit.
  const subnormal = Math.abs(f) < FLT_MIN_NORMAL;
  let s = f.toExponential(5);
  if (!subnormal && Math.fround(Number(s)) === f) return goFormatE(trimMantissaZeros(s), f);
  for (let digits = subnormal ? 0 : 6; digits < 8; digits++) {
    s = f.toExponential(digits);
    if (Math.fround(Number(s)) === f) return goFormatE(s, f);
  }
  return goFormatE(f.toExponential(8), f);
}

/** The significant digits of JS exponential text's mantissa (`-2.925e+1` → 4). */
function mantissaDigits(exp: string): number {
  const e = exp.indexOf('e');
  return e - (exp.charCodeAt(0) === 45 ? 1 : 0) - (e > 1 && exp.includes('.') ? 1 : 0);
}

/** JS exponential text without the mantissa's trailing zeros (`1.50000e+0` → `1.5e+0`, `1.00000e+0` → `1e+0`). */
function trimMantissaZeros(exp: string): string {
  const e = exp.indexOf('e');
  let end = e;
  while (exp.charCodeAt(end - 1) === 48) end--;
  if (exp.charCodeAt(end - 1) === 46) end--;
  return end === e ? exp : exp.slice(0, end) + exp.slice(e);
}

/**
 * A DECIMAL(p,s) value's text as rbr.go decodes it from the binlog's packed form: the integral part in
 * groups of 9 digits, each zero-padded, after a leading partial group printed only when non-zero; with
 * s > 0 the integral part's leading zeros are then trimmed (`.5000`), with s = 0 they are not
 * (`000000005` for a DECIMAL(10,0) 5), and an empty result is `0`. `canonical` is vtsim's stored text
 * (`-0.5000`, with exactly s fraction digits).
 */
export function rbrDecimalText(canonical: string, precision: number, scale: number): string {
  const negative = canonical.startsWith('-');
  // The common case: no integral zero to trim, so the text is unchanged.
  if (scale > 0 && canonical.charCodeAt(negative ? 1 : 0) !== 48 && canonical.includes('.')) return canonical;
  const body = negative ? canonical.slice(1) : canonical;
  const dot = body.indexOf('.');
  const intPart = dot < 0 ? body : body.slice(0, dot);
  const sign = negative ? '-' : '';
  if (scale > 0) {
    const frac = dot < 0 ? '' : body.slice(dot + 1);
    return sign + intPart.replace(/^0+/, '') + '.' + frac;
  }
  const intg = precision;
  const leftover = intg % 9;
  const padded = intPart.length >= intg ? intPart : '0'.repeat(intg - intPart.length) + intPart;
  const head = Number(padded.slice(0, leftover));
  const text = sign + (head > 0 ? String(head) : '') + padded.slice(leftover);
  return text === '' ? '0' : text;
}
