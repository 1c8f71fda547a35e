/**
 * Converting SQL values to unsigned 64-bit integers the way Vitess's numeric vindexes do, split
 * into two 32-bit halves so the hot path allocates nothing.
 */
import { formatFloat, type SqlValue } from '@vtsim/proto';

/** The result of {@link toUint64Halves}: high and low 32 bits (valid only after it returned true). */
export const u64 = { hi: 0, lo: 0 };

const TWO_32 = 4294967296;
const MAX_U64 = (1n << 64n) - 1n;
const MIN_I64 = -(1n << 63n);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const DIGITS = /^\d+$/;

function fromBigint(v: bigint, castSigned: boolean): boolean {
  if (v < 0n) {
    if (!castSigned || v < MIN_I64) return false;
    v = BigInt.asUintN(64, v);
  } else if (v > MAX_U64) {
    return false;
  }
  if (v <= MAX_SAFE) return fromSafe(Number(v));
  u64.hi = Number(v >> 32n);
  u64.lo = Number(v & 0xffffffffn);
  return true;
}

function fromSafe(n: number): boolean {
  u64.hi = Math.floor(n / TWO_32);
  u64.lo = n >>> 0;
  return true;
}

function fromText(s: string): boolean {
  if (!DIGITS.test(s)) return false;
  if (s.length < 16) return fromSafe(Number(s));
  return fromBigint(BigInt(s), false);
}

/**
 * Reads `v` as a uint64 into {@link u64}; false when it has none. Integers (bigint, or an integral
 * JS number) in [0, 2^64) convert; negative ones convert bit-for-bit (two's complement, -1 →
 * 0xffffffffffffffff) only with `castSigned` and when they fit an int64. Strings and bytes
 * convert when they are unsigned decimal digits. NULL, fractions and anything else do not.
 */
export function toUint64Halves(v: SqlValue, castSigned: boolean): boolean {
  switch (typeof v) {
    case 'bigint':
      return fromBigint(v, castSigned);
    case 'number':
      if (!Number.isInteger(v)) return false;
      if (v >= 0 && v <= Number.MAX_SAFE_INTEGER) return fromSafe(v);
      return fromBigint(BigInt(v), castSigned);
    case 'string':
      return fromText(v);
    default:
      if (v instanceof Uint8Array) return fromText(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1'));
      return false;
  }
}

/** Writes (hi, lo) big-endian into a new 8-byte array. */
export function uint64Bytes(hi: number, lo: number): Uint8Array {
  const out = new Uint8Array(8);
  out[0] = hi >>> 24;
  out[1] = hi >>> 16;
  out[2] = hi >>> 8;
  out[3] = hi;
  out[4] = lo >>> 24;
  out[5] = lo >>> 16;
  out[6] = lo >>> 8;
  out[7] = lo;
  return out;
}

/** Reads 8 big-endian bytes as an unsigned bigint. */
export function bytesUint64(b: Uint8Array): bigint {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).readBigUInt64BE(0);
}

/** The bytes Vitess hashes for a value (its `ToBytes`): raw bytes, UTF-8 text, decimal integers; NULL is empty. */
export function valueBytes(v: SqlValue): Uint8Array {
  if (v === null) return new Uint8Array(0);
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (typeof v === 'bigint') return Buffer.from(v.toString(), 'latin1');
  return Buffer.from(formatFloat(v), 'latin1');
}
