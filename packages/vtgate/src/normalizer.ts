/**
 * The normalizer: replaces the literals of a DML statement with bind variables, as Vitess's
 * sqlparser.Normalize does, so that statements differing only in their values share one plan.
 * The normalized text is the plan-cache key; it is computed with the hand-written {@link SqlLexer}
 * (no parser), so a repeated statement never reaches node-sql-parser again.
 */
import type { BindVars } from '@vtsim/proto';
import { SqlLexer, Tok, unquoteString } from './sql-lexer.js';

/** A statement with its literals turned into bind variables. */
export interface NormalizedQuery {
  /** The text with `:vtgN` in place of each normalized literal (the input itself if nothing changed). */
  sql: string;
  /** The caller's bind variables plus one `vtgN` entry per replaced literal. */
  bindVars: BindVars;
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
}

/**
 * Normalizes SELECT (except `select next N values from seq`), INSERT, REPLACE, UPDATE and DELETE
 * text; any other statement is returned unchanged. Integer and quoted-string literals become
 * `:vtgN` bind variables (integers as bigint, strings as their unescaped text). Literals stay as
 * text in select lists (they name result columns), ORDER BY, GROUP BY, LIMIT and OFFSET, INTERVAL
 * and typed literals, CAST types, after charset introducers and JSON path operators, and inside
 * comments and identifiers. Decimal, float, hex and bit literals stay as text. Names already used
 * by the caller's bind variables are skipped. Never throws: text the lexer cannot follow is left
 * for the parser to reject.
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
          cur = { selectList: cur.selectList, structure: cur.structure || castTypePending };
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
      case Tok.STRING: {
        if (!cur.selectList && !cur.structure && !keepsLiteral(prevKind, prevWord)) {
          const tokenStart = minusStart >= 0 ? minusStart : lx.start;
          const value = literalValue(lx, kind, minusStart >= 0);
          if (value !== undefined) {
            let name: string;
            do name = `vtg${++counter}`;
            while (used?.has(name) || (bindVars[name] !== undefined));
            vars ??= { ...bindVars };
            vars[name] = value;
            out += sql.slice(last, tokenStart);
            out += ':';
            out += name;
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

function literalValue(lx: SqlLexer, kind: Tok, negative: boolean): bigint | string | undefined {
  if (kind === Tok.STRING) return negative ? undefined : unquoteString(lx.text());
  const text = lx.text();
  const v = text.length < 16 ? BigInt(Number(text)) : BigInt(text);
  if (negative) return -v < MIN_INT64 ? undefined : -v;
  return v > MAX_UINT64 ? undefined : v;
}

function usedNames(sql: string): Set<string> {
  const names = new Set<string>();
  const lx = new SqlLexer(sql);
  for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) {
    if (k === Tok.PARAM) names.add(lx.text().replace(/^::?/, ''));
  }
  return names;
}
