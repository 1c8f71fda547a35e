/**
 * The normalizer: replaces the literals of a DML statement with bind variables, as Vitess's
 * sqlparser.Normalize does, so that statements differing only in their values share one plan.
 * The normalized text is the plan-cache key; it is computed with the hand-written {@link SqlLexer}
 * (no parser), so a repeated statement never reaches node-sql-parser again.
 */
import type { BindVars, SqlValue } from '@vtsim/proto';
import { SqlLexer, Tok, unquoteString } from '@vtsim/sql';

/** A statement with its literals turned into bind variables. */
export interface NormalizedQuery {
  /** The text with `:vtgN` in place of each normalized literal (the input itself if nothing changed). */
  sql: string;
  /** The caller's bind variables plus one `vtgN` entry per replaced literal. */
  readonly bindVars: BindVars;
  /**
   * Set by the INSERT … VALUES fast path (no caller bind variables): the values of `vtg1`…`vtgN`
   * in order. `bindVars` is then built from them on first read, so a plan that reads the values by
   * position (engine/insert.ts) never builds an object with thousands of keys. Such a query reads
   * `bindVars` and `values` through getters (its only own property is `sql`): compare or copy a
   * query by its `sql` and `bindVars`, never by spreading it.
   */
  readonly values?: readonly SqlValue[];
}

const MAX_UINT64 = (1n << 64n) - 1n;
const MIN_INT64 = -(1n << 63n);

/** Clause keywords after which literals are values (normalized). */
const VALUE_CLAUSES = new Set(['FROM', 'WHERE', 'HAVING', 'SET', 'VALUES', 'VALUE', 'ON', 'USING', 'JOIN', 'INTO', 'UNION', 'UPDATE']);
/** Clause keywords after which literals are structure (positions, counts) and stay as text. */
const STRUCTURE_CLAUSES = new Set(['ORDER', 'GROUP', 'LIMIT', 'OFFSET']);
/** Words after which the next literal stays as text (typed literals, introducers handled separately). */
const LITERAL_PREFIXES = new Set(['INTERVAL', 'DATE', 'TIME', 'TIMESTAMP', 'N', 'ESCAPE', 'COLLATE', 'AGAINST']);
/** Type names that may follow `AS` in CAST(… AS type(n, m)), whose numbers stay as text. */
const CAST_TYPES = new Set(['CHAR', 'VARCHAR', 'BINARY', 'VARBINARY', 'DECIMAL', 'NUMERIC', 'DATETIME', 'TIME', 'TIMESTAMP', 'FLOAT', 'DOUBLE', 'NCHAR']);
/** Words after which a `-` is a unary minus. */
const UNARY_AFTER = new Set([
  'SELECT', 'WHERE', 'AND', 'OR', 'XOR', 'NOT', 'ON', 'SET', 'VALUES', 'VALUE', 'IN', 'IS', 'LIKE', 'BETWEEN', 'WHEN',
  'THEN', 'ELSE', 'HAVING', 'RETURN', 'DIV', 'MOD', 'REGEXP', 'RLIKE',
]);

interface Level {
  selectList: boolean;
  structure: boolean;
  /** Inside parentheses opened in a select list: every literal names the item's column, so none is replaced. */
  inSelectItem?: boolean;
}

/**
 * Normalizes SELECT (except `select next N values from seq`), INSERT, REPLACE, UPDATE and DELETE
 * text; any other statement is returned unchanged. Integer, float (`1e5`, `1.5e-3`) and quoted-string
 * literals become `:vtgN` bind variables (integers as bigint, floats as a FLOAT64 number, as Vitess
 * types a FloatVal literal's bind variable, strings as their unescaped text). Literals stay as
 * text in select lists, at any depth of their items (they name result columns, as Vitess's
 * normalizer keeps an item's text as its alias when it rewrites inside it), ORDER BY, GROUP BY, LIMIT and OFFSET, INTERVAL
 * and typed literals, CAST types, after charset introducers and JSON path operators, and inside
 * comments and identifiers. Decimal, hex and bit literals, and floats outside DOUBLE's range (which
 * the parser refuses), stay as text. Names already used by the caller's bind variables are skipped.
 * Never throws: text the lexer cannot follow is left for the parser to reject.
 */
export function normalize(sql: string, bindVars: BindVars = {}): NormalizedQuery {
  const lx = new SqlLexer(sql);
  const first = lx.next();
  if (first !== Tok.WORD && !(first === Tok.PUNCT && lx.isPunct('('))) return { sql, bindVars };
  if (first === Tok.WORD) {
    const kw = lx.upper();
    if (kw !== 'SELECT' && kw !== 'INSERT' && kw !== 'REPLACE' && kw !== 'UPDATE' && kw !== 'DELETE') return { sql, bindVars };
    if (kw === 'SELECT') {
      const save = new SqlLexer(sql);
      save.next();
      if (save.next() === Tok.WORD && save.isWord('NEXT')) return { sql, bindVars };
    }
    if ((kw === 'INSERT' || kw === 'REPLACE') && isEmpty(bindVars)) {
      const fast = normalizeInsertValues(sql);
      if (fast) return fast;
    }
  }
  const used = sql.includes(':vtg') ? usedNames(sql) : undefined;
  let counter = 0;
  let out = '';
  let last = 0;
  let vars: BindVars | undefined;
  const stack: Level[] = [];
  let cur: Level = { selectList: false, structure: false };
  let prevKind: Tok = Tok.EOF;
  let prevWord = '';
  let minusStart = -1;
  let castTypePending = false;

  for (let kind = lx.kind; kind !== Tok.EOF; kind = lx.next()) {
    let pendingMinus = -1;
    switch (kind) {
      case Tok.WORD: {
        const u = lx.upper();
        if (u === 'SELECT') {
          cur.selectList = true;
          cur.structure = false;
        } else if (VALUE_CLAUSES.has(u)) {
          cur.selectList = false;
          cur.structure = false;
        } else if (STRUCTURE_CLAUSES.has(u)) {
          cur.selectList = false;
          cur.structure = true;
        }
        castTypePending = prevWord === 'AS' && CAST_TYPES.has(u);
        prevWord = u;
        break;
      }
      case Tok.PUNCT: {
        if (lx.isPunct('(')) {
          stack.push(cur);
          cur = { selectList: cur.selectList, structure: cur.structure || castTypePending, inSelectItem: cur.inSelectItem || cur.selectList };
        } else if (lx.isPunct(')')) {
          cur = stack.pop() ?? { selectList: false, structure: false };
        } else if (lx.isPunct('-') && isUnaryPosition(prevKind, prevWord, sql, lx.start)) {
          pendingMinus = lx.start;
        }
        castTypePending = false;
        prevWord = lx.isPunct('->') || lx.isPunct('->>') ? 'JSON_PATH' : '';
        break;
      }
      case Tok.INTEGER:
      case Tok.DECIMAL:
      case Tok.STRING: {
        if (!cur.selectList && !cur.structure && !cur.inSelectItem && !keepsLiteral(prevKind, prevWord)) {
          const tokenStart = minusStart >= 0 ? minusStart : lx.start;
          const value = literalValue(lx, kind, minusStart >= 0);
          if (value !== undefined) {
            let name: string;
            do name = `vtg${++counter}`;
            while (used?.has(name) || (bindVars[name] !== undefined));
            vars ??= { ...bindVars };
            vars[name] = value;
            out += sql.slice(last, tokenStart) + ':' + name;
            last = lx.end;
          }
        }
        prevWord = '';
        break;
      }
      default:
        prevWord = '';
    }
    castTypePending = castTypePending && kind === Tok.WORD;
    minusStart = pendingMinus;
    prevKind = kind;
  }
  if (!vars) return { sql, bindVars };
  out += sql.slice(last);
  return { sql: out, bindVars: vars };
}

/**
 * The fast path for `INSERT … VALUES (…), (…)` whose rows hold only integers, quoted strings,
 * NULL, TRUE, FALSE and DEFAULT, with no literal before VALUES and nothing after the rows: it
 * scans the rows character by character and gives exactly what the general path gives (a bind
 * variable anywhere sends the statement to the general path, so no `vtgN` name is taken).
 * Returns undefined for anything else (the general path handles it).
 */
function normalizeInsertValues(sql: string): NormalizedQuery | undefined {
  const lx = new SqlLexer(sql);
  let depth = 0;
  let k = lx.next();
  for (; k !== Tok.EOF; k = lx.next()) {
    if (k === Tok.PUNCT) {
      if (lx.isPunct('(')) depth++;
      else if (lx.isPunct(')')) depth--;
    } else if (k === Tok.WORD) {
      if (depth === 0 && (lx.isWord('VALUES') || lx.isWord('VALUE'))) break;
      if (lx.isWord('SELECT') || lx.isWord('SET')) return undefined;
    } else if (k !== Tok.QUOTED_IDENT) {
      return undefined;
    }
  }
  if (k === Tok.EOF) return undefined;
  const n = sql.length;
  let p = lx.end;
  // The normalized text is `head` (up to the first value), then `text` (from there to the end of
  // the last value, as ASCII bytes), then the rest of the statement.
  let head = '';
  const text = normalizedText.reset();
  let last = 0;
  let counter = 0;
  const values: SqlValue[] = [];
  for (;;) {
    p = skipSpaces(sql, p);
    if (sql.charCodeAt(p) !== 40) return undefined; // '('
    p++;
    for (;;) {
      p = skipSpaces(sql, p);
      const c = sql.charCodeAt(p);
      const start = p;
      let value: bigint | string;
      if (c >= 48 && c <= 57) {
        while (p < n && isDigitCode(sql.charCodeAt(p))) p++;
        const after = sql.charCodeAt(p);
        if (after === 46 || isWordCode(after)) return undefined;
        value = p - start < 16 ? smallBigInt(digitsValue(sql, start, p)) : BigInt(sql.slice(start, p));
        if (value > MAX_UINT64) return undefined;
      } else if (c === 39 || c === 34) {
        p = stringEnd(sql, p, c);
        if (p < 0) return undefined;
        value = stringEscaped ? unquoteString(sql.slice(start, p)) : sql.slice(start + 1, p - 1);
      } else if (isWordCode(c)) {
        while (p < n && isWordCode(sql.charCodeAt(p))) p++;
        if (!KEPT_WORDS.has(sql.slice(start, p).toUpperCase())) return undefined;
        p = skipSpaces(sql, p);
        if (!nextIsSeparator(sql, p)) return undefined;
        p++;
        if (sql.charCodeAt(p - 1) === 41) break;
        continue;
      } else {
        return undefined;
      }
      values.push(value);
      if (++counter === 1) head = sql.slice(0, start);
      else if (!text.copy(sql, last, start)) return undefined;
      text.bindName(counter);
      last = p;
      p = skipSpaces(sql, p);
      if (!nextIsSeparator(sql, p)) return undefined;
      p++;
      if (sql.charCodeAt(p - 1) === 41) break;
    }
    p = skipSpaces(sql, p);
    if (sql.charCodeAt(p) !== 44) break; // ','
    p++;
  }
  while (p < n && (sql.charCodeAt(p) === 59 || isSpaceCode(sql.charCodeAt(p)))) p++;
  if (p < n) return undefined;
  if (counter === 0) return { sql, bindVars: {} };
  return new PositionalQuery(head + text.take() + sql.slice(last), values);
}

/** The size {@link AsciiText}'s buffer starts with. */
const ASCII_TEXT_INITIAL = 16 * 1024;
/** The largest buffer {@link AsciiText} keeps between statements (a 1000-row insert needs about 50 KB). */
const ASCII_TEXT_KEPT = 1024 * 1024;

/**
 * The middle of a normalized INSERT's text, written as bytes: thousands of short pieces joined as
 * strings make a deep rope that the plan cache's lookup must flatten, and a string per piece.
 * Holds ASCII only (anything else sends the statement to the general path). One per process:
 * normalizing is synchronous.
 */
class AsciiText {
  private buf = Buffer.allocUnsafe(ASCII_TEXT_INITIAL);
  private length = 0;

  /** Empties the text and returns it. */
  reset(): this {
    this.length = 0;
    return this;
  }

  /** Appends `sql`'s characters in [from, to); false, having appended part of them, if one is not ASCII. */
  copy(sql: string, from: number, to: number): boolean {
    this.ensure(to - from);
    const buf = this.buf;
    let at = this.length;
    for (let i = from; i < to; i++) {
      const c = sql.charCodeAt(i);
      if (c > 0x7f) return false;
      buf[at++] = c;
    }
    this.length = at;
    return true;
  }

  /** Appends `:vtg<i>`. */
  bindName(i: number): void {
    this.ensure(24);
    const buf = this.buf;
    let at = this.length;
    buf[at++] = 58; // ':'
    buf[at++] = 118; // 'v'
    buf[at++] = 116; // 't'
    buf[at++] = 103; // 'g'
    // i is a small positive integer: `(v / 10) | 0` is an integer division V8 compiles to a multiplication.
    let digits = 1;
    for (let v = i; v >= 10; v = (v / 10) | 0) digits++;
    for (let k = at + digits - 1, v = i; k >= at; k--, v = (v / 10) | 0) buf[k] = 48 + (v % 10);
    this.length = at + digits;
  }

  /** The text appended since {@link reset}; a buffer grown past {@link ASCII_TEXT_KEPT} is let go. */
  take(): string {
    const text = this.buf.toString('latin1', 0, this.length);
    if (this.buf.length > ASCII_TEXT_KEPT) this.buf = Buffer.allocUnsafe(ASCII_TEXT_INITIAL);
    return text;
  }

  private ensure(more: number): void {
    if (this.length + more <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + more));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }
}

const normalizedText = new AsciiText();

/**
 * A normalized query whose bind variables are `values` (see {@link NormalizedQuery.values}), the
 * object made on first read. A class, not an object with defined properties: made once per
 * statement, its shape must stay V8's fast one (`bindVars` and `values` are prototype getters, so
 * only `sql` is an own property).
 */
class PositionalQuery implements NormalizedQuery {
  readonly #values: readonly SqlValue[];
  #bindVars: BindVars | undefined;

  constructor(
    public sql: string,
    values: readonly SqlValue[],
  ) {
    this.#values = values;
  }

  get values(): readonly SqlValue[] {
    return this.#values;
  }

  get bindVars(): BindVars {
    if (!this.#bindVars) {
      const values = this.#values;
      const bindVars: BindVars = {};
      for (let i = 0; i < values.length; i++) bindVars[vtgName(i + 1)] = values[i]!;
      this.#bindVars = bindVars;
    }
    return this.#bindVars;
  }
}

/** Integers below this come from {@link SMALL_BIGINTS}. */
const SMALL_BIGINT_LIMIT = 65536;
/** `BigInt(n)` for small n, made on first use: a bigint is a heap object, and the tables keep the values they store. */
const SMALL_BIGINTS: bigint[] = [];

/** `BigInt(n)` for a non-negative safe integer, shared for small ones (bigints are immutable, so sharing is invisible). */
function smallBigInt(n: number): bigint {
  return n < SMALL_BIGINT_LIMIT ? (SMALL_BIGINTS[n] ??= BigInt(n)) : BigInt(n);
}

/** Words a row may hold that stay as text. */
const KEPT_WORDS = new Set(['NULL', 'TRUE', 'FALSE', 'DEFAULT']);

/** `vtg1`, `vtg2`, …, made once. */
const VTG_NAMES: string[] = [];

function vtgName(i: number): string {
  return (VTG_NAMES[i] ??= `vtg${i}`);
}

function isEmpty(bindVars: BindVars): boolean {
  for (const _ in bindVars) return false;
  return true;
}

function skipSpaces(sql: string, p: number): number {
  while (p < sql.length && isSpaceCode(sql.charCodeAt(p))) p++;
  return p;
}

function isSpaceCode(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 11 || c === 12;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127;
}

/** True if the character at `p` ends a value: `,` or `)`. */
function nextIsSeparator(sql: string, p: number): boolean {
  const c = sql.charCodeAt(p);
  return c === 44 || c === 41;
}

/** The value of the decimal digits in [start, end), fewer than 16 of them. */
function digitsValue(sql: string, start: number, end: number): number {
  let v = 0;
  for (let i = start; i < end; i++) v = v * 10 + (sql.charCodeAt(i) - 48);
  return v;
}

/** Set by {@link stringEnd}: the literal it scanned holds a backslash escape or a doubled quote. */
let stringEscaped = false;

/**
 * The index after the string literal opened by `quote` at `p` (backslash escapes, doubled quotes),
 * or -1 if it is not closed; sets {@link stringEscaped}.
 */
function stringEnd(sql: string, p: number, quote: number): number {
  const n = sql.length;
  stringEscaped = false;
  for (let i = p + 1; i < n; i++) {
    const c = sql.charCodeAt(i);
    if (c === 92) {
      i++;
      stringEscaped = true;
    } else if (c === quote) {
      if (sql.charCodeAt(i + 1) !== quote) return i + 1;
      i++;
      stringEscaped = true;
    }
  }
  return -1;
}

function isUnaryPosition(prevKind: Tok, prevWord: string, sql: string, at: number): boolean {
  if (prevKind === Tok.EOF) return true;
  if (prevKind === Tok.PUNCT) return sql.charCodeAt(lastNonSpace(sql, at)) !== 41; // not after ')'
  if (prevKind === Tok.WORD) return UNARY_AFTER.has(prevWord);
  return false;
}

function lastNonSpace(sql: string, at: number): number {
  let i = at - 1;
  while (i > 0 && sql.charCodeAt(i) <= 32) i--;
  return i;
}

function keepsLiteral(prevKind: Tok, prevWord: string): boolean {
  if (prevWord === '') return false;
  if (prevWord === 'JSON_PATH') return true;
  if (LITERAL_PREFIXES.has(prevWord)) return true;
  return prevKind === Tok.WORD && prevWord.charCodeAt(0) === 95; // `_binary'…'`, `_utf8mb4'…'`
}

/**
 * The bind-variable value of a literal token, or undefined to leave it as text: strings as their
 * text, integers as bigint (within int64/uint64), float literals (`1e5`, `1.5e-3`) as a FLOAT64
 * number (within DOUBLE's range; MySQL refuses the others), decimals (`1.5`) never.
 */
function literalValue(lx: SqlLexer, kind: Tok, negative: boolean): bigint | number | string | undefined {
  if (kind === Tok.STRING) return negative ? undefined : unquoteString(lx.text());
  const text = lx.text();
  if (kind === Tok.DECIMAL) {
    if (!hasExponent(text)) return undefined;
    const f = Number(text);
    if (!Number.isFinite(f)) return undefined;
    return negative ? -f : f;
  }
  const v = text.length < 16 ? BigInt(Number(text)) : BigInt(text);
  if (negative) return -v < MIN_INT64 ? undefined : -v;
  return v > MAX_UINT64 ? undefined : v;
}

/** True if a numeric literal's text has an exponent (`e` or `E`). */
function hasExponent(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 101 || c === 69) return true;
  }
  return false;
}

function usedNames(sql: string): Set<string> {
  const names = new Set<string>();
  const lx = new SqlLexer(sql);
  for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) {
    if (k === Tok.PARAM) names.add(lx.text().replace(/^::?/, ''));
  }
  return names;
}
