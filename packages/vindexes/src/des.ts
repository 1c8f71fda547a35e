/**
 * Single-block DES with the all-zero key, the cipher of the `hash` vindex (FIPS 46-3). With the
 * zero key every round key is zero, so the rounds need no key schedule, and because the zero key
 * is a DES weak key, encryption is its own inverse. Tables are built once at load; a block costs
 * no allocation.
 */

// Initial permutation: output bit i (1-based, MSB first) is input bit IP[i - 1].
const IP = [
  58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
  57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
];

// Permutation applied to the S-box outputs.
const P = [16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25];

// The eight S-boxes, each 4 rows of 16 entries.
const S = [
  [14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
    4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13],
  [15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
    0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9],
  [10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
    13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12],
  [7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
    10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14],
  [2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
    4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3],
  [12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
    9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13],
  [4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
    1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12],
  [13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
    7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11],
];

/**
 * Per-byte lookup tables of a 64-bit permutation: entry [j * 256 + v] is the image of byte j = v.
 * Output bit i is input bit table[i], so a one-bit byte's image is read off the table; a
 * permutation maps an OR of bits to the OR of their images, so every other entry is its lowest
 * bit's entry ORed with the entry of the rest (2048 steps in all).
 */
function byteTables(table: readonly number[]): [Uint32Array, Uint32Array] {
  const hiT = new Uint32Array(8 * 256);
  const loT = new Uint32Array(8 * 256);
  for (let i = 0; i < 64; i++) {
    const k = table[i]! - 1;
    const entry = (k >> 3) * 256 + (0x80 >> (k & 7));
    if (i < 32) hiT[entry] |= 1 << (31 - i);
    else loT[entry] |= 1 << (63 - i);
  }
  for (let j = 0; j < 8; j++) {
    for (let v = 3; v < 256; v++) {
      const rest = v & (v - 1);
      if (rest === 0) continue;
      hiT[j * 256 + v] = hiT[j * 256 + rest]! | hiT[j * 256 + (v ^ rest)]!;
      loT[j * 256 + v] = loT[j * 256 + rest]! | loT[j * 256 + (v ^ rest)]!;
    }
  }
  return [hiT, loT];
}

const FP = new Array<number>(64);
for (let i = 0; i < 64; i++) FP[IP[i]! - 1] = i + 1;

const [IP_HI, IP_LO] = byteTables(IP);
const [FP_HI, FP_LO] = byteTables(FP);

// SP[i * 64 + x]: the S-box i output for the 6-bit input x, placed at nibble i and permuted by P.
const SP = new Uint32Array(8 * 64);
for (let i = 0; i < 8; i++) {
  for (let x = 0; x < 64; x++) {
    const row = ((x >> 4) & 2) | (x & 1);
    const col = (x >> 1) & 0xf;
    const nibble = (S[i]![row * 16 + col]! << (28 - 4 * i)) >>> 0;
    let out = 0;
    for (let k = 0; k < 32; k++) out |= ((nibble >>> (32 - P[k]!)) & 1) << (31 - k);
    SP[i * 64 + x] = out >>> 0;
  }
}

function feistel(r: number): number {
  const t = (r >>> 1) | (r << 31);
  return (
    SP[(t >>> 26) & 0x3f]! ^
    SP[64 + ((t >>> 22) & 0x3f)]! ^
    SP[128 + ((t >>> 18) & 0x3f)]! ^
    SP[192 + ((t >>> 14) & 0x3f)]! ^
    SP[256 + ((t >>> 10) & 0x3f)]! ^
    SP[320 + ((t >>> 6) & 0x3f)]! ^
    SP[384 + ((t >>> 2) & 0x3f)]! ^
    SP[448 + (((r << 1) | (r >>> 31)) & 0x3f)]!
  );
}

/**
 * Encrypts the 64-bit block (hi, lo) with DES under the all-zero key and writes the 8 ciphertext
 * bytes to `out` at `offset`. Being an involution, it also decrypts.
 */
export function desZeroKey(hi: number, lo: number, out: Uint8Array, offset = 0): void {
  let l =
    IP_HI[hi >>> 24]! | IP_HI[256 + ((hi >>> 16) & 0xff)]! | IP_HI[512 + ((hi >>> 8) & 0xff)]! | IP_HI[768 + (hi & 0xff)]! |
    IP_HI[1024 + (lo >>> 24)]! | IP_HI[1280 + ((lo >>> 16) & 0xff)]! | IP_HI[1536 + ((lo >>> 8) & 0xff)]! | IP_HI[1792 + (lo & 0xff)]!;
  let r =
    IP_LO[hi >>> 24]! | IP_LO[256 + ((hi >>> 16) & 0xff)]! | IP_LO[512 + ((hi >>> 8) & 0xff)]! | IP_LO[768 + (hi & 0xff)]! |
    IP_LO[1024 + (lo >>> 24)]! | IP_LO[1280 + ((lo >>> 16) & 0xff)]! | IP_LO[1536 + ((lo >>> 8) & 0xff)]! | IP_LO[1792 + (lo & 0xff)]!;
  for (let round = 0; round < 16; round++) {
    const t = r;
    r = l ^ feistel(r);
    l = t;
  }
  // The halves are swapped after the last round: the pre-output block is (r, l).
  const a = r >>> 0;
  const b = l >>> 0;
  const oh =
    FP_HI[a >>> 24]! | FP_HI[256 + ((a >>> 16) & 0xff)]! | FP_HI[512 + ((a >>> 8) & 0xff)]! | FP_HI[768 + (a & 0xff)]! |
    FP_HI[1024 + (b >>> 24)]! | FP_HI[1280 + ((b >>> 16) & 0xff)]! | FP_HI[1536 + ((b >>> 8) & 0xff)]! | FP_HI[1792 + (b & 0xff)]!;
  const ol =
    FP_LO[a >>> 24]! | FP_LO[256 + ((a >>> 16) & 0xff)]! | FP_LO[512 + ((a >>> 8) & 0xff)]! | FP_LO[768 + (a & 0xff)]! |
    FP_LO[1024 + (b >>> 24)]! | FP_LO[1280 + ((b >>> 16) & 0xff)]! | FP_LO[1536 + ((b >>> 8) & 0xff)]! | FP_LO[1792 + (b & 0xff)]!;
  out[offset] = oh >>> 24;
  out[offset + 1] = oh >>> 16;
  out[offset + 2] = oh >>> 8;
  out[offset + 3] = oh;
  out[offset + 4] = ol >>> 24;
  out[offset + 5] = ol >>> 16;
  out[offset + 6] = ol >>> 8;
  out[offset + 7] = ol;
}
