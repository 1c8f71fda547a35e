/**
 * A lexical scan of SQL text at top level, outside quotes ('…', "…", with backslash escapes and
 * doubled quotes), backticks (`…`, doubled backticks) and comments (`# …`, `-- …`, `/* … *\/`):
 * statement boundaries for CLIENT_MULTI_STATEMENTS, `?` placeholders for prepared statements, and
 * the text after leading comments (for routing statements by their first keyword).
 */

const SEMI = 0x3b;
const QUESTION = 0x3f;
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
 * If a quoted string or identifier or a comment starts at `i`, the index just past it; otherwise -1.
 * An unterminated one extends to the end of the text.
 */
export function skipSpan(sql: string, i: number): number {
  const c = sql.charCodeAt(i);
  if (c === SQUOTE || c === DQUOTE || c === BACKTICK) return skipQuoted(sql, i + 1, c);
  if (c === HASH) return skipLine(sql, i + 1);
  if (c === DASH && sql.charCodeAt(i + 1) === DASH && (i + 2 >= sql.length || sql.charCodeAt(i + 2) <= 0x20)) return skipLine(sql, i + 2);
  if (c === SLASH && sql.charCodeAt(i + 1) === STAR) {
    const end = sql.indexOf('*/', i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  return -1;
}

/**
 * Returns the statements of `sql`, each trimmed and without its terminating semicolon. Pieces that
 * hold only whitespace and comments are dropped, except those with an executable `/*! … *\/`
 * comment. An unterminated quote or comment makes the rest of the text one statement (the parser
 * reports it). No DELIMITER handling: that is a client-side command.
 */
export function splitStatements(sql: string): string[] {
  const n = sql.length;
  // Without a semicolon there is one piece; it is a statement when its first visible character
  // opens no comment (a quote counts as content), so the scan is needed only for the rest.
  if (sql.indexOf(';') < 0) {
    let i = 0;
    while (i < n && sql.charCodeAt(i) <= 0x20) i++;
    if (i === n) return [];
    const c = sql.charCodeAt(i);
    if (c !== HASH && c !== DASH && c !== SLASH) return [sql.trim()];
  }
  const out: string[] = [];
  let start = 0;
  let content = false;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === SEMI) {
      if (content) out.push(sql.slice(start, i).trim());
      start = ++i;
      content = false;
      continue;
    }
    const end = skipSpan(sql, i);
    if (end < 0) {
      if (c > 0x20) content = true;
      i++;
      continue;
    }
    // Quoted text is content; of the comments, only executable ones (/*! … */) are.
    if (c !== HASH && c !== DASH && (c !== SLASH || sql.charCodeAt(i + 2) === BANG)) content = true;
    i = end;
  }
  if (content) out.push(sql.slice(start).trim());
  return out;
}

/** The text after any leading whitespace and (non-executable or executable) comments. */
export function stripLeadingComments(sql: string): string {
  let i = 0;
  const n = sql.length;
  for (;;) {
    while (i < n && sql.charCodeAt(i) <= 0x20) i++;
    const c = sql.charCodeAt(i);
    if (c !== HASH && c !== DASH && c !== SLASH) return sql.slice(i);
    const end = skipSpan(sql, i);
    if (end < 0) return sql.slice(i);
    i = end;
  }
}

/** Offsets of the top-level `?` placeholders of one statement, in order. */
export function placeholderOffsets(sql: string): number[] {
  const out: number[] = [];
  const n = sql.length;
  let i = 0;
  while (i < n) {
    if (sql.charCodeAt(i) === QUESTION) out.push(i);
    const end = skipSpan(sql, i);
    i = end < 0 ? i + 1 : end;
  }
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
