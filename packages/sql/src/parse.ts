/**
 * SQL text → AST, over node-sql-parser's MySQL grammar, with an LRU cache keyed by the SQL text
 * (Vitess's sqlparser.Parse plus the first level of its plan cache).
 */
import pkg from 'node-sql-parser/build/mysql.js';
import { ER, sqlError } from '@vtsim/proto';
import { respellSyntax, restoreRespelled } from './syntax-respelling.js';
import { parseSimpleInsert } from './fast-insert.js';
import { originalOffset, rewriteFloatLiterals, type FloatLiteralRewrite } from './float-literal.js';
import { needsRepair, repairParsedTree, respellForParser } from './parser-respell.js';

/** A node of node-sql-parser's AST (loosely typed: `type` names the node kind). */
export type Expr = { type: string; [k: string]: any };

/** One parsed statement (node-sql-parser AST root: `select`, `insert`, `update`, `create`, …). */
export type Statement = { type: string; [k: string]: any };

const parser = new pkg.Parser();
const PARSE_OPTIONS = { database: 'MySQL' };

/** Maximum number of distinct SQL texts whose ASTs stay cached. */
export const PARSE_CACHE_SIZE = 10_000;

/** Texts longer than this (bulk inserts) are parsed every time rather than cached. */
const CACHEABLE_LENGTH = 4096;

const INSERT_PREFIX = /^\s*insert\s/i;

const cache = new Map<string, Statement[]>();

/**
 * Parses SQL text holding one or more `;`-separated statements.
 *
 * The returned arrays and ASTs are cached and shared between all callers (the cache is an LRU of
 * {@link PARSE_CACHE_SIZE} texts of up to 4 KiB): callers must never mutate them; copy what you need to
 * change. Plain multi-row `INSERT … VALUES` of literals takes a fast path with the same AST shape.
 * Throws SqlError 1064 (42000) `syntax error at position <n> near '<token>'` (Vitess's shape: n is the
 * 1-based offset just past the offending token; at the end of the text there is no `near`), and
 * 1065 `Query was empty` for text with no statement. Float literals are read as MySQL reads them
 * (`1e5`, `1e-7` and `.5e1` are numbers, see {@link rewriteFloatLiterals}); one outside DOUBLE's range is
 * SqlError 1367.
 */
export function parseStatements(sql: string): Statement[] {
  const hit = cache.get(sql);
  if (hit !== undefined) {
    cache.delete(sql);
    cache.set(sql, hit);
    return hit;
  }
  let ast: Statement | Statement[] | null = INSERT_PREFIX.test(sql) ? parseSimpleInsert(sql) : null;
  if (ast === null) {
    const respelling = respellForParser(sql);
    const respelled = respelling?.text ?? sql;
    const rewrite = rewriteFloatLiterals(respelled);
    const text = rewrite?.text ?? respelled;
    const respelt = respellSyntax(text);
    try {
      ast = parser.astify(respelt ?? text, PARSE_OPTIONS) as unknown as Statement | Statement[];
      if (respelt !== null) ast = restoreRespelled(ast);
    } catch (e) {
      if (respelt === null) throw syntaxError(sql, e, rewrite);
      // Report the error as the parser finds it in the text as written.
      try {
        parser.astify(text, PARSE_OPTIONS);
      } catch (original) {
        throw syntaxError(sql, original, rewrite);
      }
      throw syntaxError(sql, e, rewrite);
    }
    if (needsRepair(sql, respelling)) for (const s of Array.isArray(ast) ? ast : [ast]) repairParsedTree(s, respelling);
  }
  const list = Object.freeze(Array.isArray(ast) ? ast : [ast]) as Statement[];
  if (list.length === 0) throw sqlError(ER.EMPTY_QUERY, 'Query was empty');
  if (sql.length <= CACHEABLE_LENGTH) {
    cache.set(sql, list);
    if (cache.size > PARSE_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  return list;
}

/**
 * Parses SQL text holding exactly one statement (a trailing `;` is allowed).
 *
 * Same caching, sharing and error contract as {@link parseStatements}; more than one statement is
 * SqlError 1064.
 */
export function parseStatement(sql: string): Statement {
  const list = parseStatements(sql);
  if (list.length > 1) throw sqlError(ER.PARSE_ERROR, `syntax error at position ${sql.indexOf(';') + 2} near ';'`);
  return list[0]!;
}

/** Drops every cached AST (for tests and memory pressure). */
export function clearParseCache(): void {
  cache.clear();
}

/**
 * Converts a parser failure into Vitess's syntax error, naming the token at the failure offset (of the
 * original text when the parser read a float-literal rewrite of it).
 */
function syntaxError(sql: string, e: unknown, rewrite: FloatLiteralRewrite | null): Error {
  const at: unknown = (e as { location?: { start?: { offset?: unknown } } })?.location?.start?.offset;
  const offset = typeof at === 'number' && rewrite ? originalOffset(rewrite, at) : at;
  const countMismatch = e instanceof Error ? /column count doesn't match value count at row (\d+)/i.exec(e.message) : null;
  if (countMismatch) return sqlError(ER.WRONG_VALUE_COUNT_ON_ROW, `Column count doesn't match value count at row ${countMismatch[1]}`);
  if (typeof offset !== 'number') {
    return sqlError(ER.PARSE_ERROR, `syntax error: ${e instanceof Error ? e.message : String(e)}`);
  }
  const token = tokenAt(sql, offset);
  if (token === null) return sqlError(ER.PARSE_ERROR, `syntax error at position ${sql.length + 1}`);
  return sqlError(ER.PARSE_ERROR, `syntax error at position ${token.end + 1} near '${token.text}'`);
}

const TOKEN = /\s+|--[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^'\\]|\\.|'')*'?|"(?:[^"\\]|\\.|"")*"?|`(?:[^`]|``)*`?|(?<![\w$.`])\d+\.?\d*[eE][+-]?\d+|[A-Za-z0-9_$\u0080-\uffff]+|<=>|<=|>=|<>|!=|:=|\|\||&&|<<|>>|->>|->|./gy;

/**
 * The token that contains `offset`, or else the last token before it; null when only whitespace and
 * comments follow the last token before `offset` up to the end of the text (failure at end of input).
 */
function tokenAt(sql: string, offset: number): { text: string; end: number } | null {
  TOKEN.lastIndex = 0;
  let last: { text: string; end: number } | null = null;
  while (TOKEN.lastIndex < sql.length) {
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(sql);
    if (!m) break;
    const text = m[0];
    const end = start + text.length;
    const blank = /^(\s|--|#|\/\*)/.test(text);
    if (start >= offset && !blank) return { text, end };
    if (end > offset && !blank) return { text, end };
    if (!blank) last = { text, end };
    if (end > offset && blank) break;
  }
  if (offset >= sql.length || sql.slice(offset).trim() === '') return null;
  return last;
}

const ESCAPES: Record<string, string> = { '0': '\0', Z: '\u001a', n: '\n', t: '\t', r: '\r', b: '\b', '%': '\\%', _: '\\_' };

/**
 * The text of a string literal node (`single_quote_string`, `double_quote_string`, `natural_string`…).
 * node-sql-parser leaves some MySQL escapes in place (`\\`, `\'`, `\0`, `\Z`, doubled quotes); this
 * finishes the job as MySQL does (`\%` and `\_` keep their backslash for LIKE).
 */
export function stringValue(node: Expr): string {
  const raw = String(node.value);
  const quote = node.type === 'double_quote_string' ? '"' : "'";
  if (!raw.includes('\\') && !raw.includes(quote + quote)) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\' && i + 1 < raw.length) {
      const n = raw[++i]!;
      out += ESCAPES[n] ?? n;
    } else if (c === quote && raw[i + 1] === quote) {
      out += quote;
      i++;
    } else out += c;
  }
  return out;
}

/** Reads an identifier that node-sql-parser gives either as a string or as a quoted-string node. */
export function identName(x: unknown): string {
  if (typeof x === 'string') return x;
  if (x && typeof x === 'object') {
    const o = x as { expr?: { value?: unknown }; value?: unknown };
    if (o.expr && typeof o.expr.value === 'string') return o.expr.value;
    if (typeof o.value === 'string') return o.value;
  }
  return String(x);
}
