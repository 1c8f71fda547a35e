/**
 * XXH64 (xxHash, 64-bit) over bytes, computed with 32-bit halves so that hashing allocates
 * nothing but the result. Written from the published algorithm description.
 */

// The five 64-bit primes as [hi, lo] 32-bit halves.
const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;

// Scratch result of the 64-bit helpers below.
let rh = 0;
let rl = 0;

function add(ah: number, al: number, bh: number, bl: number): void {
  const lo = (al >>> 0) + (bl >>> 0);
  rl = lo >>> 0;
  rh = (ah + bh + (lo > 0xffffffff ? 1 : 0)) >>> 0;
}

/** The low 64 bits of (ah:al) * (bh:bl). */
function mul(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  rl = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  rh = (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

function rotl(h: number, l: number, n: number): void {
  if (n === 32) {
    rh = l >>> 0;
    rl = h >>> 0;
  } else if (n < 32) {
    rh = ((h << n) | (l >>> (32 - n))) >>> 0;
    rl = ((l << n) | (h >>> (32 - n))) >>> 0;
  } else {
    const m = n - 32;
    rh = ((l << m) | (h >>> (32 - m))) >>> 0;
    rl = ((h << m) | (l >>> (32 - m))) >>> 0;
  }
}

function readLo(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

/** round(acc, lane) = rotl(acc + lane * P2, 31) * P1, left in (rh, rl). */
function round(acch: number, accl: number, laneh: number, lanel: number): void {
  mul(laneh, lanel, P2H, P2L);
  add(acch, accl, rh, rl);
  rotl(rh, rl, 31);
  mul(rh, rl, P1H, P1L);
}

/** mergeRound(h, v) = (h ^ round(0, v)) * P1 + P4, left in (rh, rl). */
function mergeRound(hh: number, hl: number, vh: number, vl: number): void {
  round(0, 0, vh, vl);
  mul((hh ^ rh) >>> 0, (hl ^ rl) >>> 0, P1H, P1L);
  add(rh, rl, P4H, P4L);
}

/** Computes XXH64 of `data` with seed 0 and writes the 64-bit value to `out[offset..+8]`, little-endian (as Vitess's xxhash vindex stores it). */
export function xxhash64LittleEndian(data: Uint8Array, out: Uint8Array, offset = 0): void {
  const len = data.length;
  let i = 0;
  let hh: number, hl: number;
  if (len >= 32) {
    add(0, 0, P1H, P1L);
    add(rh, rl, P2H, P2L);
    let v1h = rh, v1l = rl;
    let v2h = P2H, v2l = P2L;
    let v3h = 0, v3l = 0;
    // 0 - P1 = ~P1 + 1; P1's low half is not zero, so the +1 does not carry into the high half.
    let v4h = ~P1H >>> 0, v4l = -P1L >>> 0;
    while (i + 32 <= len) {
      round(v1h, v1l, readLo(data, i + 4), readLo(data, i)); v1h = rh; v1l = rl;
      round(v2h, v2l, readLo(data, i + 12), readLo(data, i + 8)); v2h = rh; v2l = rl;
      round(v3h, v3l, readLo(data, i + 20), readLo(data, i + 16)); v3h = rh; v3l = rl;
      round(v4h, v4l, readLo(data, i + 28), readLo(data, i + 24)); v4h = rh; v4l = rl;
      i += 32;
    }
    rotl(v1h, v1l, 1); hh = rh; hl = rl;
    rotl(v2h, v2l, 7); add(hh, hl, rh, rl); hh = rh; hl = rl;
    rotl(v3h, v3l, 12); add(hh, hl, rh, rl); hh = rh; hl = rl;
    rotl(v4h, v4l, 18); add(hh, hl, rh, rl); hh = rh; hl = rl;
    mergeRound(hh, hl, v1h, v1l); hh = rh; hl = rl;
    mergeRound(hh, hl, v2h, v2l); hh = rh; hl = rl;
    mergeRound(hh, hl, v3h, v3l); hh = rh; hl = rl;
    mergeRound(hh, hl, v4h, v4l); hh = rh; hl = rl;
  } else {
    hh = P5H; hl = P5L;
  }
  add(hh, hl, 0, len); hh = rh; hl = rl;
  while (i + 8 <= len) {
    round(0, 0, readLo(data, i + 4), readLo(data, i));
    hh = (hh ^ rh) >>> 0; hl = (hl ^ rl) >>> 0;
    rotl(hh, hl, 27);
    mul(rh, rl, P1H, P1L);
    add(rh, rl, P4H, P4L); hh = rh; hl = rl;
    i += 8;
  }
  if (i + 4 <= len) {
    mul(0, readLo(data, i), P1H, P1L);
    hh = (hh ^ rh) >>> 0; hl = (hl ^ rl) >>> 0;
    rotl(hh, hl, 23);
    mul(rh, rl, P2H, P2L);
    add(rh, rl, P3H, P3L); hh = rh; hl = rl;
    i += 4;
  }
  while (i < len) {
    mul(0, data[i]!, P5H, P5L);
    hh = (hh ^ rh) >>> 0; hl = (hl ^ rl) >>> 0;
    rotl(hh, hl, 11);
    mul(rh, rl, P1H, P1L); hh = rh; hl = rl;
    i++;
  }
  // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
  hl = (hl ^ (hh >>> 1)) >>> 0;
  mul(hh, hl, P2H, P2L); hh = rh; hl = rl;
  hl = (hl ^ ((hl >>> 29) | (hh << 3))) >>> 0;
  hh = (hh ^ (hh >>> 29)) >>> 0;
  mul(hh, hl, P3H, P3L); hh = rh; hl = rl;
  hl = (hl ^ hh) >>> 0;
  out[offset] = hl;
  out[offset + 1] = hl >>> 8;
  out[offset + 2] = hl >>> 16;
  out[offset + 3] = hl >>> 24;
  out[offset + 4] = hh;
  out[offset + 5] = hh >>> 8;
  out[offset + 6] = hh >>> 16;
  out[offset + 7] = hh >>> 24;
}
