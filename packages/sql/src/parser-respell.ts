/**
 * MySQL syntax node-sql-parser's grammar misreads or lacks, respelt before parsing and repaired in
 * the tree after it (Vitess's sqlparser reads all of it natively):
 * - adjacent string literals (`'a' 'b'`, `'a' "b"`) are one literal, `'ab'` (MySQL's lexer joins
 *   them; the grammar would read the second as an alias);
 * - the NULL-safe equality `<=>`, which the grammar lacks, is respelt `=!!` (same length, so error
 *   offsets stay right) and turned back into a `<=>` node after parsing;
 * - `XOR` binds tighter than `OR` and looser than `AND` (the grammar gives it AND's level);
 * - `NOT (…)` is the NOT operator (the grammar reads a function named `not`);
 * - the DEFAULT keyword as a value (`VALUES (1, DEFAULT)`, `SET a = DEFAULT`), which the grammar
 *   lacks, is respelt `DEFLT()` (same length) and becomes a `default()` call without arguments
 *   (see {@link isDefaultKeyword});
 * - a decimal literal with more than 15 digits (`1.23456789012345678`), which the grammar rounds
 *   through a JS number, gets its exact text back after parsing.
 */
import { ER, sqlError } from '@vtsim/proto';
import { skipSpan } from './sql-scanner.js';
import type { Expr, Statement } from './parse.js';

const SQUOTE = 0x27;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const NULL_SAFE_MARK = '=!!';

/** What {@link respellForParser} changed, so that {@link repairParsedTree} knows what to repair. */
export interface Respelling {
  /** The text to hand to node-sql-parser (the same length as the original). */
  text: string;
  /** Whether `<=>` was respelt as `=!!`. */
  nullSafe: boolean;
  /** Whether a DEFAULT value keyword was respelt as `DEFLT()`. */
  defaultKeyword: boolean;
  /** Long decimal literals: the text node-sql-parser will give each (rounded) → the exact text. */
  decimals: Map<string, string> | null;
}

const DEFAULT_MARK = 'DEFLT()';

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x24 || c > 0x7f;
}

/** The identifier word ending just before `i` (a string literal's introducer: `_utf8mb4`, `N`, `x`, `b`). */
function wordBefore(sql: string, i: number): string {
  let j = i;
  while (j > 0 && isWordChar(sql.charCodeAt(j - 1))) j--;
  return sql.slice(j, i);
}

/**
 * Respells `sql` for node-sql-parser; null when nothing needs it. Throws SqlError 1235 for a
 * statement holding both `<=>` and a written `!!` (the two would be indistinguishable).
 */
export function respellForParser(sql: string): Respelling | null {
  const defaults = /\bdefault\b/i.test(sql);
  const longNumbers = /\d[\d.]{15}/.test(sql);
  if (!sql.includes('<=>') && !/['"]\s*['"]/.test(sql) && !defaults && !longNumbers) return null;
  let out = '';
  let last = 0;
  let nullSafe = false;
  let defaultKeyword = false;
  let decimals: Map<string, string> | null = null;
  let doubleBang = false;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 0x3c && sql.startsWith('<=>', i)) {
      out += sql.slice(last, i) + NULL_SAFE_MARK;
      last = i += 3;
      nullSafe = true;
      continue;
    }
    if (c === 0x21) {
      let j = i + 1;
      while (isSpace(sql.charCodeAt(j))) j++;
      if (sql.charCodeAt(j) === 0x21) doubleBang = true;
      i++;
      continue;
    }
    if ((c === SQUOTE || c === DQUOTE) && !/^[xXbB]$/.test(wordBefore(sql, i))) {
      const end = skipSpan(sql, i);
      const joined = joinAdjacentLiterals(sql, i, end);
      if (joined !== null) {
        out += sql.slice(last, i) + joined.text;
        last = i = joined.end;
        continue;
      }
      i = end;
      continue;
    }
    if (longNumbers && c >= 0x30 && c <= 0x39 && (i === 0 || (!isWordChar(sql.charCodeAt(i - 1)) && sql[i - 1] !== '.'))) {
      const m = /^(\d+)\.(\d+)(?![\w.])/.exec(sql.slice(i, i + 100));
      if (m && m[1]!.length + m[2]!.length > 15) {
        const exact = m[0];
        (decimals ??= new Map()).set(parseFloat(exact).toFixed(m[2]!.length), exact);
        decimals.set(parseFloat('-' + exact).toFixed(m[2]!.length), '-' + exact);
        i += exact.length;
        continue;
      }
    }
    if (isWordChar(c)) {
      let j = i + 1;
      while (j < n && isWordChar(sql.charCodeAt(j))) j++;
      if (defaults && j - i === 7 && sql.slice(i, j).toLowerCase() === 'default' && isDefaultValue(sql, i, j)) {
        out += sql.slice(last, i) + DEFAULT_MARK;
        last = j;
        defaultKeyword = true;
      }
      i = j;
      continue;
    }
    const end = skipSpan(sql, i);
    i = end < 0 ? i + 1 : end;
  }
  if (last === 0 && decimals === null) return null;
  if (nullSafe && doubleBang) throw sqlError(ER.NOT_SUPPORTED_YET, "This version of vtsim doesn't yet support '<=> together with !!'");
  return { text: out + sql.slice(last), nullSafe, defaultKeyword, decimals };
}

/**
 * Whether the word DEFAULT at [start, end) stands for a column's default value: right after `(`, `,`
 * or `=` and before `,`, `)`, `;`, the end, or (after `=`) WHERE/ORDER/LIMIT/ON.
 */
function isDefaultValue(sql: string, start: number, end: number): boolean {
  let p = start - 1;
  while (p >= 0 && isSpace(sql.charCodeAt(p))) p--;
  const before = sql[p];
  if (before !== '(' && before !== ',' && before !== '=') return false;
  let q = end;
  while (q < sql.length && isSpace(sql.charCodeAt(q))) q++;
  if (q >= sql.length || sql[q] === ',' || sql[q] === ')' || sql[q] === ';') return true;
  return before === '=' && /^(where|order|limit|on)\b/i.test(sql.slice(q));
}

/** Whether a parsed node is the DEFAULT keyword used as a value (a `default()` call without arguments). */
export function isDefaultKeyword(node: Expr | null | undefined): boolean {
  if (node?.type !== 'function' || (node.args?.value?.length ?? 0) !== 0) return false;
  const parts = node.name?.name;
  return Array.isArray(parts) && parts.length === 1 && String(parts[0].value).toLowerCase() === 'default';
}

/**
 * The literal starting at `start` (ending at `end`) joined with the string literals that follow it
 * after whitespace, padded with spaces to the length it replaces; null when none follows. A following
 * literal in the other quote is joined only when its body needs no re-quoting.
 */
function joinAdjacentLiterals(sql: string, start: number, end: number): { text: string; end: number } | null {
  const quote = sql[start]!;
  if (sql[end - 1] !== quote || end - start < 2) return null;
  let body = sql.slice(start + 1, end - 1);
  let at = end;
  let joined = false;
  for (;;) {
    let j = at;
    while (isSpace(sql.charCodeAt(j))) j++;
    const q = sql.charCodeAt(j);
    if (j === at || (q !== SQUOTE && q !== DQUOTE)) break;
    const next = skipSpan(sql, j);
    if (sql.charCodeAt(next - 1) !== q || next - j < 2) break;
    const nextBody = sql.slice(j + 1, next - 1);
    if (sql[j] !== quote && (nextBody.includes("'") || nextBody.includes('"') || nextBody.includes(String.fromCharCode(BACKSLASH)))) break;
    body += nextBody;
    at = next;
    joined = true;
  }
  if (!joined) return null;
  const text = quote + body + quote;
  return { text: text + ' '.repeat(at - start - text.length), end: at };
}

/** Whether the tree of a statement may need {@link repairParsedTree} (a cheap test of its text). */
export function needsRepair(sql: string, respelling: Respelling | null): boolean {
  return respelling?.nullSafe === true || respelling?.defaultKeyword === true || respelling?.decimals != null || /\bxor\b|\bnot\s*\(/i.test(sql);
}

/** Repairs, in place, the parts of a freshly parsed tree that node-sql-parser reads differently from MySQL (see the file comment). */
export function repairParsedTree(stmt: Statement, respelling: Respelling | null): void {
  repair(stmt, respelling?.nullSafe === true, respelling?.defaultKeyword === true, respelling?.decimals ?? null);
}

const LOGICAL_RANK: Record<string, number> = { OR: 0, '||': 0, XOR: 1, AND: 2, '&&': 2 };

function isLogicalOperation(node: unknown): node is Expr {
  const e = node as Expr | null;
  return !!e && e.type === 'binary_expr' && String(e.operator).toUpperCase() in LOGICAL_RANK;
}

/** An AND/XOR/OR node not in parentheses: part of its parent's chain. */
function isLogical(node: unknown): node is Expr {
  return isLogicalOperation(node) && !(node as Expr).parentheses;
}

function repair(node: any, nullSafe: boolean, defaults: boolean, decimals: Map<string, string> | null): any {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = repair(node[i], nullSafe, defaults, decimals);
    return node;
  }
  for (const k of Object.keys(node)) {
    const v = node[k];
    if (v !== null && typeof v === 'object') node[k] = repair(v, nullSafe, defaults, decimals);
  }
  if (decimals !== null && node.type === 'number' && typeof node.value === 'string' && decimals.has(node.value)) {
    return { ...node, value: decimals.get(node.value) };
  }
  if (defaults && node.type === 'function' && (node.args?.value?.length ?? 0) === 0 && node.name?.name?.length === 1 && node.name.name[0].value === 'DEFLT') {
    return { ...node, name: { name: [{ type: 'default', value: 'default' }] } };
  }
  if (node.type === 'function' && node.args?.value?.length === 1) {
    const parts = node.name?.name;
    if (Array.isArray(parts) && parts.length === 1 && parts[0].type === 'default' && String(parts[0].value).toLowerCase() === 'not') {
      return { type: 'unary_expr', operator: 'NOT', expr: { ...node.args.value[0], parentheses: true } };
    }
  }
  if (nullSafe && node.type === 'binary_expr' && node.operator === '=') {
    const right = unmark(node.right);
    if (right !== null) return { ...node, operator: '<=>', right };
  }
  if (isLogicalOperation(node) && (isLogical(node.left) || isLogical(node.right))) return regroupLogical(node);
  return node;
}

/** The operand with its leftmost `!!` mark (from `<=>`'s respelling) removed; null when it has none. */
function unmark(e: Expr): Expr | null {
  if (e?.type === 'unary_expr' && e.operator === '!' && e.expr?.type === 'unary_expr' && e.expr.operator === '!') return e.expr.expr;
  if (e?.type === 'binary_expr' && !e.parentheses) {
    const left = unmark(e.left);
    return left === null ? null : { ...e, left };
  }
  return null;
}

/** Rebuilds an unparenthesized chain of AND/XOR/OR with MySQL's precedence (AND > XOR > OR, all left-associative). */
function regroupLogical(node: Expr): Expr {
  const operands: Expr[] = [];
  const ops: string[] = [];
  const flatten = (e: Expr): void => {
    if (isLogical(e)) {
      flatten(e.left);
      ops.push(e.operator);
      flatten(e.right);
    } else operands.push(e);
  };
  flatten(node.left);
  ops.push(node.operator);
  flatten(node.right);
  const rank = (op: string): number => LOGICAL_RANK[op.toUpperCase()]!;
  let k = 0;
  const climb = (minRank: number): Expr => {
    let left = operands[k]!;
    while (k < ops.length && rank(ops[k]!) >= minRank) {
      const op = ops[k++]!;
      const right = climb(rank(op) + 1);
      left = { type: 'binary_expr', operator: op, left, right };
    }
    return left;
  };
  const root = climb(0);
  return node.parentheses ? { ...root, parentheses: true } : root;
}
