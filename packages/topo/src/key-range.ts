/**
 * Key ranges, as Vitess's `go/vt/key` defines them: half-open ranges [start, end) of keyspace
 * ids, where an empty start or end means unbounded and a null range means the full range.
 * Comparisons normalize trailing zero bytes away, so `80` == `8000` == `800000`.
 */
import type { KeyRange } from '@vtsim/proto';

const EMPTY = new Uint8Array(0);

/** The full key range [-, -). */
export function fullKeyRange(): KeyRange {
  return { start: EMPTY, end: EMPTY };
}

/** Decodes a hex string to bytes; throws on odd length or a non-hex character. */
export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error(`invalid hex key: '${hex}'`);
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** Encodes bytes as lowercase hex. */
export function bytesToHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/**
 * Compares two keyspace ids as if both were padded with zero bytes to the same length (so
 * trailing zero bytes do not matter): negative, zero or positive. Allocates nothing.
 */
export function compareKeyspaceIds(a: Uint8Array, b: Uint8Array): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = i < a.length ? a[i]! : 0;
    const y = i < b.length ? b[i]! : 0;
    if (x !== y) return x - y;
  }
  return 0;
}

/** True when every byte is zero (an empty or all-zero bound normalizes to empty). */
function isZero(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** Builds a key range from hex bounds (`''` = unbounded); throws on bad hex or start >= end. */
export function parseKeyRangeParts(start: string, end: string): KeyRange {
  const kr = { start: hexToBytes(start), end: hexToBytes(end) };
  if (!isZero(kr.end) && compareKeyspaceIds(kr.start, kr.end) >= 0) {
    throw new Error(`key range start ${start} must be less than end ${end}`);
  }
  return kr;
}

/**
 * Parses a sharding spec such as `-80-c0-` into contiguous ranges ([-,80), [80,c0), [c0,-)).
 * `0` and `-` are the full range. Empty parts are allowed only first and last; parts must
 * increase. Throws an Error otherwise.
 */
export function parseShardingSpec(spec: string): KeyRange[] {
  if (spec === '0' || spec === '-') return [fullKeyRange()];
  const parts = spec.split('-');
  if (parts.length < 2) throw new Error(`malformed spec: doesn't define a range: '${spec}'`);
  const out: KeyRange[] = [];
  for (let i = 0; i + 1 < parts.length; i++) {
    const s = parts[i]!;
    const e = parts[i + 1]!;
    if (s === '' && i !== 0) throw new Error(`malformed spec: MinKey/MaxKey cannot be in the middle: '${spec}'`);
    if (e === '' && i + 2 !== parts.length) throw new Error(`malformed spec: MinKey/MaxKey cannot be in the middle: '${spec}'`);
    out.push(parseKeyRangeParts(s, e));
  }
  return out;
}

/** True when a shard name denotes a key range (it contains `-`), as opposed to a name like `0`. */
export function isKeyRangeShardName(name: string): boolean {
  return name.includes('-');
}

/**
 * The key range a shard name stands for: `-80`, `80-`, `40-80`; `-`, `0` and any name without
 * `-` are the full range. Throws when a ranged name is malformed or names more than one range.
 */
export function keyRangeFromShardName(name: string): KeyRange {
  if (!isKeyRangeShardName(name)) return fullKeyRange();
  const ranges = parseShardingSpec(name);
  if (ranges.length !== 1) throw new Error(`shard name '${name}' must define exactly one key range`);
  return ranges[0]!;
}

/** True for the full range: null, or empty start and end. */
export function keyRangeIsComplete(kr: KeyRange | null | undefined): boolean {
  return !kr || (isZero(kr.start) && kr.end.length === 0);
}

/** Formats a key range as Vitess does: `-` for the full range, else `hex(start)-hex(end)` (`-80`, `40-80`). */
export function keyRangeString(kr: KeyRange | null | undefined): string {
  if (keyRangeIsComplete(kr)) return '-';
  return `${bytesToHex(kr!.start)}-${bytesToHex(kr!.end)}`;
}

/** True when the keyspace id lies in [start, end); the full range contains everything. */
export function keyRangeContains(kr: KeyRange | null | undefined, ksid: Uint8Array): boolean {
  if (!kr) return true;
  return (
    (kr.start.length === 0 || compareKeyspaceIds(ksid, kr.start) >= 0) &&
    (kr.end.length === 0 || compareKeyspaceIds(kr.end, ksid) > 0)
  );
}

/** True when the two ranges share at least one keyspace id. */
export function keyRangeIntersect(a: KeyRange | null | undefined, b: KeyRange | null | undefined): boolean {
  if (keyRangeIsComplete(a) || keyRangeIsComplete(b)) return true;
  return (
    (a!.end.length === 0 || compareKeyspaceIds(b!.start, a!.end) < 0) &&
    (b!.end.length === 0 || compareKeyspaceIds(a!.start, b!.end) < 0)
  );
}

/** True when the two ranges are the same after normalization (null equals the full range). */
export function keyRangeEqual(a: KeyRange | null | undefined, b: KeyRange | null | undefined): boolean {
  if (keyRangeIsComplete(a) || keyRangeIsComplete(b)) return keyRangeIsComplete(a) && keyRangeIsComplete(b);
  const aOpen = a!.end.length === 0;
  const bOpen = b!.end.length === 0;
  return compareKeyspaceIds(a!.start, b!.start) === 0 && aOpen === bOpen && compareKeyspaceIds(a!.end, b!.end) === 0;
}

/** Orders ranges by start (an unbounded start first), for sorting: negative, zero or positive. */
export function compareKeyRangeStarts(a: KeyRange | null | undefined, b: KeyRange | null | undefined): number {
  return compareKeyspaceIds(a?.start ?? EMPTY, b?.start ?? EMPTY);
}

/** True when `a` starts before `b` (an unbounded start is the smallest). */
export function keyRangeStartsBefore(a: KeyRange | null | undefined, b: KeyRange | null | undefined): boolean {
  return compareKeyRangeStarts(a, b) < 0;
}

/**
 * The i-th of n equal key ranges (n a power of two), with bounds as short as possible:
 * `evenShardsKeyRange(1, 4)` is [40, 80). Throws on n < 1, i out of [0, n), or n not a power of two.
 */
export function evenShardsKeyRange(i: number, n: number): KeyRange {
  if (!Number.isInteger(n) || n < 1) throw new Error(`the shard count must be > 0: ${n}`);
  if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`the index of the shard must be in [0, ${n}): ${i}`);
  if ((n & (n - 1)) !== 0) throw new Error(`the shard count must be a power of two: ${n}`);
  if (n === 1) return fullKeyRange();
  const width = Math.ceil(Math.log2(n) / 8);
  const bound = (k: number): Uint8Array => {
    if (k === 0 || k === n) return EMPTY;
    const v = (BigInt(k) << BigInt(8 * width)) / BigInt(n);
    let hex = v.toString(16).padStart(2 * width, '0');
    while (hex.endsWith('00')) hex = hex.slice(0, -2);
    return hexToBytes(hex);
  };
  return { start: bound(i), end: bound(i + 1) };
}

/**
 * The shard names for n shards of equal size over one byte: 2 → `-80`, `80-`;
 * 4 → `-40`, `40-80`, `80-c0`, `c0-`. Throws unless 1 <= n <= 256.
 */
export function generateShardRanges(n: number): string[] {
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new Error(`shard count must be between 1 and 256: ${n}`);
  if (n === 1) return ['-'];
  const size = Math.floor(256 / n);
  const hex = (v: number) => v.toString(16).padStart(2, '0');
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    const start = k === 0 ? '' : hex(k * size);
    const end = k === n - 1 ? '' : hex((k + 1) * size);
    out.push(`${start}-${end}`);
  }
  return out;
}
