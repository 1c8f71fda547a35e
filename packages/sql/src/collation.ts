/**
 * Text collations: utf8mb4_0900_ai_ci (MySQL 8's default: accent- and case-insensitive, NO PAD) and
 * binary. The ASCII range is weighted in a table shaped like the Unicode collation's primary weights
 * (spaces and punctuation < digits < letters); other characters fold case and accents and then compare
 * by code point, which is exact for equality and a close approximation of MySQL's order.
 */

const WEIGHT = new Uint16Array(128);
{
  // Primary order of ASCII in the Unicode collation algorithm (DUCET), lowest first.
  const order = '\t\n\u000b\f\r _-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz';
  for (let c = 0; c < 32; c++) WEIGHT[c] = 1 + c;
  WEIGHT[127] = 40;
  for (let i = 0; i < order.length; i++) WEIGHT[order.charCodeAt(i)] = 100 + i;
  for (let c = 65; c <= 90; c++) WEIGHT[c] = WEIGHT[c + 32]!;
}

const NON_ASCII = /[^\u0000-\u007f]/;
const COMBINING = /[\u0300-\u036f]/g;

/** Folds case and accents of a non-ASCII string the way utf8mb4_0900_ai_ci treats them as equal. */
function foldSlow(s: string): string {
  return s.normalize('NFD').replace(COMBINING, '').toLowerCase().replace(/ß/g, 'ss');
}

/**
 * Compares two strings under utf8mb4_0900_ai_ci: <0, 0 or >0.
 * Case and accents are ignored (`'a' = 'Á'`); trailing spaces count (NO PAD: `'a' < 'a '`).
 */
export function compareText(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca >= 128 || cb >= 128) return compareFolded(foldSlow(a.slice(i)), foldSlow(b.slice(i)));
    const d = WEIGHT[ca]! - WEIGHT[cb]!;
    if (d !== 0) return d;
  }
  if (a.length === b.length) return 0;
  // The shorter one is a prefix; a non-ASCII tail may still fold to nothing (combining marks).
  const tail = a.length > b.length ? a.slice(n) : b.slice(n);
  if (NON_ASCII.test(tail) && foldSlow(tail) === '') return 0;
  return a.length - b.length;
}

/** Compares two already-folded strings by ASCII weight, then code point. */
function compareFolded(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca === cb) {
      if (ca > 0xffff) i++;
      continue;
    }
    const wa = ca < 128 ? WEIGHT[ca]! : 1000 + ca;
    const wb = cb < 128 ? WEIGHT[cb]! : 1000 + cb;
    return wa - wb;
  }
  return a.length - b.length;
}

/**
 * Folds case and accents: the result is equal for two inputs exactly when {@link compareText} says they
 * are equal (for hash-based GROUP BY, DISTINCT and unique checks, and for LIKE/REGEXP matching).
 */
export function textKey(s: string): string {
  return NON_ASCII.test(s) ? foldSlow(s) : s.toLowerCase();
}

/** Compares byte strings lexicographically (the binary collation); a prefix sorts first. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
