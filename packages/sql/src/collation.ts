/**
 * Text collations: utf8mb4_0900_ai_ci (MySQL 8's default: accent- and case-insensitive, NO PAD) and
 * binary. The ASCII range is weighted in a table shaped like the Unicode collation's primary weights
 * (spaces and punctuation < digits < letters); other characters fold case and accents and then compare
 * by code point, which is exact for equality and a close approximation of MySQL's order.
 * Column metadata: the collations (ids, character sets, bytes per character) columns may declare.
 */
import { sqlError } from '@vtsim/proto';

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

/** A MySQL 8 collation as column metadata needs it: its id, character set and bytes per character. */
export interface CollationInfo {
  /** The collation id MySQL sends as a column's `charsetnr` (and Vitess as Field.charset). */
  readonly id: number;
  readonly name: string;
  /** The character set's name (`utf8mb4`, `latin1`, …; MySQL 8 names utf8 `utf8mb3`). */
  readonly charset: string;
  /** The character set's maximum bytes per character (MySQL's mbmaxlen). */
  readonly maxLen: number;
}

/** The character sets vtsim knows: their maximum bytes per character and default collation (MySQL 8's SHOW CHARACTER SET). */
const CHARSETS: Record<string, { maxLen: number; defaultCollation: string }> = {
  utf8mb4: { maxLen: 4, defaultCollation: 'utf8mb4_0900_ai_ci' },
  utf8mb3: { maxLen: 3, defaultCollation: 'utf8mb3_general_ci' },
  latin1: { maxLen: 1, defaultCollation: 'latin1_swedish_ci' },
  ascii: { maxLen: 1, defaultCollation: 'ascii_general_ci' },
  binary: { maxLen: 1, defaultCollation: 'binary' },
};

/** Collation ids of MySQL 8 (information_schema.COLLATIONS), for the character sets above. */
const COLLATION_IDS: Record<string, number> = {
  utf8mb4_0900_ai_ci: 255, utf8mb4_0900_as_ci: 305, utf8mb4_0900_as_cs: 278, utf8mb4_0900_bin: 309,
  utf8mb4_general_ci: 45, utf8mb4_bin: 46, utf8mb4_unicode_ci: 224, utf8mb4_unicode_520_ci: 246,
  utf8mb3_general_ci: 33, utf8mb3_bin: 83, utf8mb3_unicode_ci: 192,
  latin1_swedish_ci: 8, latin1_general_ci: 48, latin1_general_cs: 49, latin1_bin: 47,
  ascii_general_ci: 11, ascii_bin: 65,
  binary: 63,
};

const COLLATIONS_BY_NAME = new Map<string, CollationInfo>();
const COLLATIONS_BY_ID = new Map<number, CollationInfo>();
for (const [name, id] of Object.entries(COLLATION_IDS)) {
  const charset = name === 'binary' ? 'binary' : name.slice(0, name.indexOf('_'));
  const info: CollationInfo = { id, name, charset, maxLen: CHARSETS[charset]!.maxLen };
  COLLATIONS_BY_NAME.set(name, info);
  COLLATIONS_BY_ID.set(id, info);
}

/** The collation with this id; undefined for an id vtsim does not know. */
export function collationById(id: number): CollationInfo | undefined {
  return COLLATIONS_BY_ID.get(id);
}

/**
 * The collation a text column gets from its `CHARACTER SET` and `COLLATE` clauses (either may be
 * missing; `utf8` means utf8mb3, as in MySQL 8), falling back to the table's defaults, then to
 * utf8mb4_0900_ai_ci. Throws SqlError 1115 for an unknown character set, 1273 for an unknown
 * collation and 1253 for a collation of another character set, with MySQL's messages.
 */
export function resolveCollation(charset: string | undefined, collate: string | undefined, tableDefault?: CollationInfo): CollationInfo {
  const cs = charset === undefined ? undefined : charset.toLowerCase() === 'utf8' ? 'utf8mb3' : charset.toLowerCase();
  if (cs !== undefined && !CHARSETS[cs]) throw sqlError([1115, '42000'], `Unknown character set: '${charset}'`);
  if (collate !== undefined) {
    const name = collate.toLowerCase().replace(/^utf8_/, 'utf8mb3_');
    const info = COLLATIONS_BY_NAME.get(name);
    if (!info) throw sqlError([1273, 'HY000'], `Unknown collation: '${collate}'`);
    if (cs !== undefined && info.charset !== cs) throw sqlError([1253, '42000'], `COLLATION '${collate}' is not valid for CHARACTER SET '${cs}'`);
    return info;
  }
  if (cs !== undefined) return COLLATIONS_BY_NAME.get(CHARSETS[cs]!.defaultCollation)!;
  return tableDefault ?? COLLATIONS_BY_NAME.get('utf8mb4_0900_ai_ci')!;
}

/** True for a binary collation (`binary`, or a name ending in `_bin`): MySQL flags such columns BINARY_FLAG. */
export function isBinaryCollation(id: number): boolean {
  const info = COLLATIONS_BY_ID.get(id);
  return info !== undefined && (info.name === 'binary' || info.name.endsWith('_bin'));
}
