/**
 * SqlLexer: a hand-written MySQL tokenizer over a SQL string, allocation-free per token (it moves a
 * cursor and exposes the token's kind and bounds). vtgate's normalizer, statement classifier and SET
 * parser and the ALTER VSCHEMA parser read SQL through it; node-sql-parser is only used for the rest.
 */
import { ER, sqlError, type SqlError } from '@vtsim/proto';

/** The kinds of token the lexer produces. */
export enum Tok {
  EOF = 0,
  /** An unquoted word: keyword or identifier (letters, digits, `_`, `$`). */
  WORD,
  /** A backquoted identifier. */
  QUOTED_IDENT,
  /** A single- or double-quoted string literal. */
  STRING,
  /** An integer literal (decimal digits only). */
  INTEGER,
  /** A decimal or floating point literal (`1.5`, `.5`, `1e3`). */
  DECIMAL,
  /** A hex or bit literal: `0x1f`, `x'1f'`, `0b101`, `b'101'`. */
  HEX_OR_BIT,
  /** A bind variable: `:name` or `::name` (list). */
  PARAM,
  /** `@name`, `@@name`, `@@session.name`, `@'quoted'`. */
  VARIABLE,
  /** An operator or punctuation, possibly several characters (`<=`, `->>`, `:=`). */
  PUNCT,
  /** A comment (`/* … *\/`, `-- …`, `# …`). */
  COMMENT,
}

const enum Ch {
  TAB = 9, LF = 10, CR = 13, SPACE = 32, BANG = 33, DQUOTE = 34, HASH = 35, DOLLAR = 36, PERCENT = 37,
  AMP = 38, SQUOTE = 39, LPAREN = 40, RPAREN = 41, STAR = 42, PLUS = 43, COMMA = 44, MINUS = 45, DOT = 46,
  SLASH = 47, D0 = 48, D1 = 49, D9 = 57, COLON = 58, SEMI = 59, LT = 60, EQ = 61, GT = 62, QUESTION = 63, AT = 64,
  UA = 65, UB = 66, UE = 69, UF = 70, UX = 88, UZ = 90, BACKSLASH = 92, UNDERSCORE = 95, BACKTICK = 96,
  LA = 97, LB = 98, LE = 101, LF_ = 102, LX = 120, LZ = 122, PIPE = 124, TILDE = 126,
}

function isWordChar(c: number): boolean {
  return (
    (c >= Ch.LA && c <= Ch.LZ) ||
    (c >= Ch.UA && c <= Ch.UZ) ||
    (c >= Ch.D0 && c <= Ch.D9) ||
    c === Ch.UNDERSCORE ||
    c === Ch.DOLLAR ||
    c > 127
  );
}

function isDigit(c: number): boolean {
  return c >= Ch.D0 && c <= Ch.D9;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= Ch.LA && c <= Ch.LF_) || (c >= Ch.UA && c <= Ch.UF);
}

function isSpace(c: number): boolean {
  return c === Ch.SPACE || c === Ch.LF || c === Ch.TAB || c === Ch.CR || c === 11 || c === 12;
}

/**
 * A cursor over SQL text. Call {@link next} until it returns {@link Tok.EOF}; after each call
 * `kind`, `start` and `end` describe the token (`sql.slice(start, end)` is its text). Whitespace
 * is skipped; comments are returned as {@link Tok.COMMENT} unless `skipComments` is set.
 * Unterminated strings and comments run to the end of the text (the parser reports them later).
 */
export class SqlLexer {
  kind: Tok = Tok.EOF;
  start = 0;
  end = 0;
  private pos = 0;

  constructor(
    readonly sql: string,
    private readonly skipComments = true,
  ) {}

  /** Advances to the next token and returns its kind. */
  next(): Tok {
    const s = this.sql;
    const n = s.length;
    for (;;) {
      let p = this.pos;
      while (p < n && isSpace(s.charCodeAt(p))) p++;
      this.start = p;
      if (p >= n) {
        this.pos = this.end = n;
        return (this.kind = Tok.EOF);
      }
      const kind = this.scan(p);
      if (kind === Tok.COMMENT && this.skipComments) continue;
      return (this.kind = kind);
    }
  }

  /** The current token's text. */
  text(): string {
    return this.sql.slice(this.start, this.end);
  }

  /** True if the current token is a WORD equal to `upperWord` (compared case-insensitively). */
  isWord(upperWord: string): boolean {
    if (this.kind !== Tok.WORD || this.end - this.start !== upperWord.length) return false;
    const s = this.sql;
    for (let i = 0; i < upperWord.length; i++) {
      let c = s.charCodeAt(this.start + i);
      if (c >= Ch.LA && c <= Ch.LZ) c -= 32;
      if (c !== upperWord.charCodeAt(i)) return false;
    }
    return true;
  }

  /** True if the current token is the punctuation `p`. */
  isPunct(p: string): boolean {
    return this.kind === Tok.PUNCT && this.end - this.start === p.length && this.sql.startsWith(p, this.start);
  }

  /** Vitess's syntax error at the current token: SqlError 1064 `syntax error at position N near 'tok'` (no `near` at the end). */
  syntaxError(): SqlError {
    return this.kind === Tok.EOF
      ? sqlError(ER.PARSE_ERROR, `syntax error at position ${this.end + 1}`)
      : sqlError(ER.PARSE_ERROR, `syntax error at position ${this.end + 1} near '${this.text()}'`);
  }

  /** The current token's text upper-cased (for keyword switches). */
  upper(): string {
    return this.sql.slice(this.start, this.end).toUpperCase();
  }

  private scan(p: number): Tok {
    const s = this.sql;
    const n = s.length;
    const c = s.charCodeAt(p);
    const c1 = p + 1 < n ? s.charCodeAt(p + 1) : 0;
    if (c === Ch.SQUOTE || c === Ch.DQUOTE) {
      this.end = scanQuoted(s, p, c);
      this.pos = this.end;
      return Tok.STRING;
    }
    if (c === Ch.BACKTICK) {
      this.end = scanQuoted(s, p, c);
      this.pos = this.end;
      return Tok.QUOTED_IDENT;
    }
    if ((c === Ch.LX || c === Ch.UX || c === Ch.LB || c === Ch.UB) && c1 === Ch.SQUOTE) {
      this.end = scanQuoted(s, p + 1, Ch.SQUOTE);
      this.pos = this.end;
      return Tok.HEX_OR_BIT;
    }
    if (isDigit(c) && p > 0 && isIdentifierSeparator(s, p - 1)) {
      // After an identifier's `.`, a word is a name even when it starts with digits (`t.1e5`, `t.5`).
      let q = p + 1;
      while (q < n && isWordChar(s.charCodeAt(q))) q++;
      this.pos = this.end = q;
      return Tok.WORD;
    }
    if (isDigit(c) || (c === Ch.DOT && isDigit(c1) && !isIdentifierSeparator(s, p))) return this.scanNumber(p);
    if (isWordChar(c)) {
      let q = p + 1;
      while (q < n && isWordChar(s.charCodeAt(q))) q++;
      this.pos = this.end = q;
      return Tok.WORD;
    }
    if (c === Ch.COLON && (isWordChar(c1) || c1 === Ch.COLON)) {
      let q = p + (c1 === Ch.COLON ? 2 : 1);
      if (q < n && isWordChar(s.charCodeAt(q))) {
        while (q < n && (isWordChar(s.charCodeAt(q)) || s.charCodeAt(q) === Ch.DOT)) q++;
        this.pos = this.end = q;
        return Tok.PARAM;
      }
    }
    if (c === Ch.AT) {
      let q = p + 1;
      if (q < n && s.charCodeAt(q) === Ch.AT) q++;
      const qc = q < n ? s.charCodeAt(q) : 0;
      if (qc === Ch.SQUOTE || qc === Ch.DQUOTE || qc === Ch.BACKTICK) {
        q = scanQuoted(s, q, qc);
      } else {
        while (q < n && (isWordChar(s.charCodeAt(q)) || s.charCodeAt(q) === Ch.DOT)) q++;
      }
      this.pos = this.end = q;
      return Tok.VARIABLE;
    }
    if (c === Ch.SLASH && c1 === Ch.STAR) {
      const close = s.indexOf('*/', p + 2);
      this.pos = this.end = close < 0 ? n : close + 2;
      return Tok.COMMENT;
    }
    if (c === Ch.HASH || (c === Ch.MINUS && c1 === Ch.MINUS && (p + 2 >= n || isSpace(s.charCodeAt(p + 2))))) {
      let q = p;
      while (q < n && s.charCodeAt(q) !== Ch.LF) q++;
      this.pos = this.end = q;
      return Tok.COMMENT;
    }
    this.pos = this.end = p + punctLength(s, p, c, c1);
    return Tok.PUNCT;
  }

  private scanNumber(p: number): Tok {
    const s = this.sql;
    const n = s.length;
    const c1 = p + 1 < n ? s.charCodeAt(p + 1) : 0;
    if (s.charCodeAt(p) === Ch.D0 && (c1 === Ch.LX || c1 === Ch.LB)) {
      let q = p + 2;
      while (q < n && isHexDigit(s.charCodeAt(q))) q++;
      if (q > p + 2 && (q >= n || !isWordChar(s.charCodeAt(q)))) {
        this.pos = this.end = q;
        return Tok.HEX_OR_BIT;
      }
    }
    let q = p;
    let kind = Tok.INTEGER;
    while (q < n && isDigit(s.charCodeAt(q))) q++;
    if (q < n && s.charCodeAt(q) === Ch.DOT) {
      kind = Tok.DECIMAL;
      q++;
      while (q < n && isDigit(s.charCodeAt(q))) q++;
    }
    if (q < n && (s.charCodeAt(q) === Ch.LE || s.charCodeAt(q) === Ch.UE)) {
      let r = q + 1;
      if (r < n && (s.charCodeAt(r) === Ch.PLUS || s.charCodeAt(r) === Ch.MINUS)) r++;
      if (r < n && isDigit(s.charCodeAt(r))) {
        kind = Tok.DECIMAL;
        q = r;
        while (q < n && isDigit(s.charCodeAt(q))) q++;
      }
    }
    if (q < n && isWordChar(s.charCodeAt(q))) {
      // An identifier that starts with digits (`1abc`): MySQL allows it.
      while (q < n && isWordChar(s.charCodeAt(q))) q++;
      this.pos = this.end = q;
      return Tok.WORD;
    }
    this.pos = this.end = q;
    return kind;
  }
}

/** True if the `.` at `i` separates an identifier (a word or a backquoted name right before it) from a name after it, as in `db.t` or `t.1e5`. */
function isIdentifierSeparator(s: string, i: number): boolean {
  if (s.charCodeAt(i) !== Ch.DOT || i === 0) return false;
  const prev = s.charCodeAt(i - 1);
  return isWordChar(prev) || prev === Ch.BACKTICK;
}

/** Returns the index just past the closing quote of a quoted token starting at `p` (doubled quotes and backslash escapes stay inside). */
function scanQuoted(s: string, p: number, quote: number): number {
  const n = s.length;
  let q = p + 1;
  while (q < n) {
    const c = s.charCodeAt(q);
    if (c === Ch.BACKSLASH && quote !== Ch.BACKTICK) {
      q += 2;
      continue;
    }
    if (c === quote) {
      if (q + 1 < n && s.charCodeAt(q + 1) === quote) {
        q += 2;
        continue;
      }
      return q + 1;
    }
    q++;
  }
  return n;
}

function punctLength(s: string, p: number, c: number, c1: number): number {
  const c2 = p + 2 < s.length ? s.charCodeAt(p + 2) : 0;
  switch (c) {
    case Ch.LT:
      if (c1 === Ch.EQ && c2 === Ch.GT) return 3;
      return c1 === Ch.EQ || c1 === Ch.GT || c1 === Ch.LT ? 2 : 1;
    case Ch.GT:
      return c1 === Ch.EQ || c1 === Ch.GT ? 2 : 1;
    case Ch.BANG:
      return c1 === Ch.EQ ? 2 : 1;
    case Ch.COLON:
      return c1 === Ch.EQ ? 2 : 1;
    case Ch.MINUS:
      if (c1 === Ch.GT) return c2 === Ch.GT ? 3 : 2;
      return 1;
    case Ch.PIPE:
      return c1 === Ch.PIPE ? 2 : 1;
    case Ch.AMP:
      return c1 === Ch.AMP ? 2 : 1;
    default:
      return 1;
  }
}

/** Decodes a quoted string token's text (with its quotes) into its value, applying MySQL's backslash escapes and doubled quotes. */
export function unquoteString(token: string): string {
  const quote = token.charCodeAt(0);
  const last = token.length > 1 && token.charCodeAt(token.length - 1) === quote ? token.length - 1 : token.length;
  const body = token.slice(1, last);
  if (body.indexOf('\\') < 0 && body.indexOf(token[0]!) < 0) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === Ch.BACKSLASH && i + 1 < body.length) {
      const e = body[++i]!;
      switch (e) {
        case '0': out += '\0'; break;
        case 'b': out += '\b'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'Z': out += '\x1a'; break;
        case '%': out += '\\%'; break;
        case '_': out += '\\_'; break;
        default: out += e;
      }
    } else if (c === quote && i + 1 < body.length && body.charCodeAt(i + 1) === quote) {
      out += body[i];
      i++;
    } else {
      out += body[i];
    }
  }
  return out;
}

/** Decodes a backquoted identifier token (doubled backquotes become one). */
export function unquoteIdent(token: string): string {
  return token.slice(1, token.endsWith('`') && token.length > 1 ? -1 : undefined).replaceAll('``', '`');
}

/** The first keyword of a statement, upper-cased ('' if it does not start with a word), skipping comments and `(`. */
export function firstKeyword(sql: string): string {
  const lx = new SqlLexer(sql);
  for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) {
    if (k === Tok.PUNCT && lx.isPunct('(')) continue;
    return k === Tok.WORD ? lx.upper() : '';
  }
  return '';
}

