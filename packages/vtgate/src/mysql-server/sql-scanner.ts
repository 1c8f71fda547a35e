/**
 * Splits COM_QUERY text into statements at top-level semicolons, the way the server does for
 * CLIENT_MULTI_STATEMENTS: semicolons inside quotes ('…', "…", with backslash escapes and doubled
 * quotes), backticks (`…`, doubled backticks) and comments (`# …`, `-- …`, `/* … *\/`) do not split.
 */

const SEMI = 0x3b;
const SQUOTE = 0x27;
const DQUOTE = 0x22;
const BACKTICK = 0x60;
const BACKSLASH = 0x5c;
const HASH = 0x23;
const DASH = 0x2d;
const SLASH = 0x2f;
const STAR = 0x2a;
const BANG = 0x21;

/**
 * Returns the statements of `sql`, each trimmed and without its terminating semicolon. Pieces that
 * hold only whitespace and comments are dropped, except those with an executable `/*! … *\/`
 * comment. An unterminated quote or comment makes the rest of the text one statement (the parser
 * reports it). No DELIMITER handling: that is a client-side command.
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  const n = sql.length;
  let start = 0;
  let content = false;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === SEMI) {
      if (content) out.push(sql.slice(start, i).trim());
      start = ++i;
      content = false;
    } else if (c === SQUOTE || c === DQUOTE || c === BACKTICK) {
      content = true;
      i = skipQuoted(sql, i + 1, c);
    } else if (c === HASH) {
      i = skipLine(sql, i + 1);
    } else if (c === DASH && sql.charCodeAt(i + 1) === DASH && (i + 2 >= n || sql.charCodeAt(i + 2) <= 0x20)) {
      i = skipLine(sql, i + 2);
    } else if (c === SLASH && sql.charCodeAt(i + 1) === STAR) {
      if (sql.charCodeAt(i + 2) === BANG) content = true;
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else {
      if (c > 0x20) content = true;
      i++;
    }
  }
  if (content) out.push(sql.slice(start).trim());
  return out;
}

/** Index just past the closing quote of a quoted string or identifier opened before `i`. */
function skipQuoted(sql: string, i: number, quote: number): number {
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === BACKSLASH && quote !== BACKTICK) i += 2;
    else if (c === quote) return i + 1;
    else i++;
  }
  return n;
}

function skipLine(sql: string, i: number): number {
  const end = sql.indexOf('\n', i);
  return end < 0 ? sql.length : end + 1;
}
