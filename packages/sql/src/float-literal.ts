/**
 * MySQL's approximate-value literals (`1e5`, `2E10`, `1e-7`, `1.5e3`, `.5e1`): found in statement
 * text by MySQL's lexer rules and, where node-sql-parser's grammar misreads them (it takes `1e5` for a
 * column, `1e-7` for `1e - 7` and cannot read `.5` at all), rewritten into a spelling it reads as the
 * same number (`1.e5`, `0.5e1`, `0.5`), each by inserting one character; `-9223372036854775808` is
 * respelt `- 9223372036854775808`, which it reads without losing digits.
 */
import { ER, sqlError } from '@vtsim/proto';
import { skipSpan } from './sql-scanner.js';

/** Statement text with its float literals respelt for node-sql-parser. */
export interface FloatLiteralRewrite {
  /** The text to hand to node-sql-parser. */
  text: string;
  /** Offsets in `text` of the characters inserted, ascending. */
  inserted: number[];
}

const DOT = 0x2e;
const BACKTICK = 0x60;
const AT = 0x40;
const COLON = 0x3a;
const PLUS = 0x2b;
const MINUS = 0x2d;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** A character that may appear in an unquoted identifier (MySQL's ident_map: letters, digits, `_`, `$`, non-ASCII). */
function isIdentChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || isDigit(c) || c === 0x5f || c === 0x24 || c > 0x7f;
}

function skipIdent(sql: string, i: number): number {
  while (i < sql.length && isIdentChar(sql.charCodeAt(i))) i++;
  return i;
}

/** The index after the exponent (`e`/`E`, optional sign, digits) at `i`, or -1 when no exponent with digits starts there. */
function exponentEnd(sql: string, i: number): number {
  const c = sql.charCodeAt(i);
  if (c !== 0x65 && c !== 0x45) return -1;
  let j = i + 1;
  const s = sql.charCodeAt(j);
  if (s === PLUS || s === MINUS) j++;
  if (!isDigit(sql.charCodeAt(j))) return -1;
  while (isDigit(sql.charCodeAt(j))) j++;
  return j;
}

/**
 * Throws MySQL's error for an approximate-value literal outside DOUBLE's range (`1e500`):
 * SqlError 1367 (22007) `Illegal double '<text>' value found during parsing`.
 */
export function checkDoubleLiteral(text: string): void {
  if (!Number.isFinite(Number(text))) throw sqlError(ER.ILLEGAL_VALUE_FOR_TYPE, `Illegal double '${text}' value found during parsing`);
}

/**
 * Scans `sql` once, as MySQL's lexer reads numbers outside quotes, comments and identifiers, and
 * respells the float literals node-sql-parser misreads; null when none needs it. A number followed
 * by `e`, an optional sign and digits is a float literal whatever follows (`1e5a` is `1e5 a`, as in
 * MySQL); without digits after the `e` the word is an identifier (`1ea`, `1e`); a word right after
 * an identifier's `.` is a name (`t.1e5`); `0x…` and `0b…` stay as they are. Throws SqlError 1367
 * for a float literal outside DOUBLE's range.
 */
export function rewriteFloatLiterals(sql: string): FloatLiteralRewrite | null {
  const n = sql.length;
  let out = '';
  let last = 0;
  let inserted: number[] | null = null;
  const insert = (at: number, ch: string): void => {
    out += sql.slice(last, at);
    (inserted ??= []).push(out.length);
    out += ch;
    last = at;
  };
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (isDigit(c)) {
      let j = i + 1;
      while (isDigit(sql.charCodeAt(j))) j++;
      if (sql.charCodeAt(j) === DOT) {
        j++;
        while (isDigit(sql.charCodeAt(j))) j++;
        const e = exponentEnd(sql, j);
        if (e >= 0) {
          checkDoubleLiteral(sql.slice(i, e));
          j = e;
        }
        i = j;
        continue;
      }
      const e = exponentEnd(sql, j);
      if (e >= 0) {
        checkDoubleLiteral(sql.slice(i, e));
        insert(j, '.');
        i = e;
      } else if (isIdentChar(sql.charCodeAt(j))) {
        i = skipIdent(sql, j);
      } else {
        // The grammar reads `-<digits>` as one JS number, losing digits past 2^53: `- <digits>` keeps them exact.
        if (j - i > 15 && i > 0 && sql.charCodeAt(i - 1) === MINUS) insert(i, ' ');
        i = j;
      }
      continue;
    }
    if (c === DOT) {
      const prev = i > 0 ? sql.charCodeAt(i - 1) : 0;
      if (isIdentChar(prev) || prev === BACKTICK) {
        // An identifier's separator: what follows is a name, even when it starts with digits.
        i = skipIdent(sql, i + 1);
        continue;
      }
      if (isDigit(sql.charCodeAt(i + 1))) {
        let j = i + 2;
        while (isDigit(sql.charCodeAt(j))) j++;
        const e = exponentEnd(sql, j);
        if (e >= 0) checkDoubleLiteral(sql.slice(i, e));
        insert(i, '0');
        i = e >= 0 ? e : j;
        continue;
      }
      i++;
      continue;
    }
    if (isIdentChar(c)) {
      i = skipIdent(sql, i + 1);
      continue;
    }
    if (c === AT || c === COLON) {
      // `@name`, `@@name`, `:name`: variable names may start with digits.
      i = skipIdent(sql, sql.charCodeAt(i + 1) === AT ? i + 2 : i + 1);
      continue;
    }
    const end = skipSpan(sql, i);
    i = end < 0 ? i + 1 : end;
  }
  if (inserted === null) return null;
  return { text: out + sql.slice(last), inserted };
}

/** Maps an offset in a rewrite's text back to the original statement text. */
export function originalOffset(rewrite: FloatLiteralRewrite, offset: number): number {
  let shift = 0;
  for (const at of rewrite.inserted) {
    if (at >= offset) break;
    shift++;
  }
  return offset - shift;
}
