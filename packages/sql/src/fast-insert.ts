/**
 * A hand-written parser for the bulk-load shape `INSERT INTO [db.]t [(cols)] VALUES (literals), …`,
 * producing the same AST as node-sql-parser ~50× faster. Anything outside that shape (expressions,
 * functions, ON DUPLICATE KEY UPDATE, comments, SELECT) returns null and goes to the full parser.
 */
import { ER, sqlError } from '@vtsim/proto';
import { checkDoubleLiteral } from './float-literal.js';
import type { Expr, Statement } from './parse.js';

const IDENT = /[A-Za-z0-9_$]/;

/** Scanner state over one statement's text. */
class Scanner {
  i = 0;
  constructor(readonly s: string) {}

  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 10 || c === 13 || c === 9) this.i++;
      else break;
    }
  }

  /** Consumes a case-insensitive keyword followed by a non-identifier character. */
  keyword(word: string): boolean {
    this.ws();
    const end = this.i + word.length;
    if (this.s.slice(this.i, end).toUpperCase() !== word || IDENT.test(this.s[end] ?? '')) return false;
    this.i = end;
    return true;
  }

  char(c: string): boolean {
    this.ws();
    if (this.s[this.i] !== c) return false;
    this.i++;
    return true;
  }

  ident(): string | null {
    this.ws();
    const s = this.s;
    if (s[this.i] === '`') {
      const end = s.indexOf('`', this.i + 1);
      if (end < 0 || s[end + 1] === '`') return null;
      const name = s.slice(this.i + 1, end);
      this.i = end + 1;
      return name;
    }
    const start = this.i;
    while (this.i < s.length && IDENT.test(s[this.i]!)) this.i++;
    const name = s.slice(start, this.i);
    return name === '' || /^\d+$/.test(name) ? null : name;
  }
}

/** node-sql-parser's partial escape processing: JSON-like escapes become characters, MySQL-only ones stay raw. */
function rawStringValue(body: string): string {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const n = body[i + 1]!;
    const mapped = n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n === 'b' ? '\b' : n === 'f' ? '\f' : null;
    if (mapped !== null) {
      out += mapped;
      i++;
    } else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 2, i + 6))) {
      out += String.fromCharCode(parseInt(body.slice(i + 2, i + 6), 16));
      i += 5;
    } else {
      out += c + n;
      i++;
    }
  }
  return out;
}

/** Reads a quoted string's body starting at the opening quote; returns the body and the index after the closing quote. */
function quoted(s: string, start: number): { body: string; end: number } | null {
  const q = s[start]!;
  let i = start + 1;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '\\') i += 2;
    else if (c === q) {
      if (s[i + 1] === q) i += 2;
      else return { body: s.slice(start + 1, i), end: i + 1 };
    } else i++;
  }
  return null;
}

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/;

function literal(sc: Scanner): Expr | null {
  sc.ws();
  const s = sc.s;
  const c = s[sc.i];
  if (c === "'" || c === '"') {
    const q = quoted(s, sc.i);
    if (!q) return null;
    sc.i = q.end;
    return { type: c === "'" ? 'single_quote_string' : 'double_quote_string', value: rawStringValue(q.body) };
  }
  if (c === ':') {
    const m = /^:([A-Za-z_][A-Za-z0-9_]*)/.exec(s.slice(sc.i, sc.i + 200));
    if (!m) return null;
    sc.i += m[0].length;
    return { type: 'param', value: m[1]! };
  }
  if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
    if (s[sc.i + 1] === 'x' || s[sc.i + 1] === 'X' || s[sc.i + 1] === 'b') {
      const m = /^0x([0-9a-fA-F]+)/.exec(s.slice(sc.i, sc.i + 100_000));
      if (!m || IDENT.test(s[sc.i + m[0].length] ?? '')) return null;
      sc.i += m[0].length;
      return { type: 'full_hex_string', prefix: null, value: m[1]! };
    }
    const m = NUMBER.exec(s.slice(sc.i, sc.i + 80));
    if (!m) return null;
    const next = s[sc.i + m[0].length] ?? '';
    if (IDENT.test(next) || next === '.') return null;
    sc.i += m[0].length;
    const text = m[0];
    if (m[2] !== undefined) {
      checkDoubleLiteral(text.slice(text.charCodeAt(0) === 45 ? 1 : 0));
      return { type: 'bigint', value: text };
    }
    if (m[1] !== undefined) return { type: 'number', value: text };
    const n = Number(text);
    return Math.abs(n) < Number.MAX_SAFE_INTEGER ? { type: 'number', value: n + 0 } : { type: 'bigint', value: text.replace(/^(-?)0+(?=\d)/, '$1') };
  }
  if ((c === 'x' || c === 'X') && s[sc.i + 1] === "'") {
    const end = s.indexOf("'", sc.i + 2);
    const hex = end < 0 ? '' : s.slice(sc.i + 2, end);
    if (end < 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
    sc.i = end + 1;
    return { type: 'hex_string', prefix: null, value: hex };
  }
  if (c === '_' && s.slice(sc.i, sc.i + 8).toLowerCase() === "_binary'") {
    const q = quoted(s, sc.i + 7);
    if (!q) return null;
    sc.i = q.end;
    return { type: 'single_quote_string', value: rawStringValue(q.body), prefix: '_binary' };
  }
  if (sc.keyword('NULL')) return { type: 'null', value: null };
  if (sc.keyword('TRUE')) return { type: 'bool', value: true };
  if (sc.keyword('FALSE')) return { type: 'bool', value: false };
  return null;
}

function columnCountError(row: number): Error {
  return sqlError(ER.WRONG_VALUE_COUNT_ON_ROW, `Column count doesn't match value count at row ${row}`);
}

/**
 * Parses `INSERT INTO [db.]t [(c, …)] VALUES (v, …), … [;]` whose values are all plain literals or `:name`
 * bind variables; null for any other text. Throws SqlError 1136 when a row's length differs from the
 * column list (or from the first row).
 */
export function parseSimpleInsert(sql: string): Statement | null {
  const sc = new Scanner(sql);
  if (!sc.keyword('INSERT') || !sc.keyword('INTO')) return null;
  let table = sc.ident();
  if (table === null) return null;
  let db: string | null = null;
  if (sql[sc.i] === '.') {
    sc.i++;
    db = table;
    table = sc.ident();
    if (table === null) return null;
  }
  let columns: string[] | null = null;
  if (sc.char('(')) {
    columns = [];
    do {
      const col = sc.ident();
      if (col === null) return null;
      columns.push(col);
    } while (sc.char(','));
    if (!sc.char(')')) return null;
  }
  if (!sc.keyword('VALUES')) return null;
  const rows: Expr[] = [];
  do {
    if (!sc.char('(')) return null;
    const values: Expr[] = [];
    do {
      const v = literal(sc);
      if (v === null) return null;
      values.push(v);
    } while (sc.char(','));
    if (!sc.char(')')) return null;
    rows.push({ type: 'expr_list', value: values, prefix: null });
  } while (sc.char(','));
  sc.char(';');
  sc.ws();
  if (sc.i !== sql.length) return null;
  const width = columns ? columns.length : (rows[0]!.value as Expr[]).length;
  rows.forEach((r, i) => {
    if ((r.value as Expr[]).length !== width) throw columnCountError(i + 1);
  });
  return {
    type: 'insert',
    table: [{ db, table, as: null }],
    columns,
    values: { type: 'values', values: rows },
    partition: null,
    prefix: 'into',
    on_duplicate_update: null,
  };
}
