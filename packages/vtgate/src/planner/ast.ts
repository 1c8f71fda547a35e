/**
 * Small readers over node-sql-parser's AST shared by the planners: identifier names, literal
 * values, conjunct splitting, aggregate detection, expression text and structural keys.
 */
import pkg from 'node-sql-parser/build/mysql.js';
import { Code, ER, sqlError, type SqlValue } from '@vtsim/proto';
import { isAggregateNode, stringValue, type Expr, type ExprScope } from '@vtsim/sql';

const formatter = new pkg.Parser();
const FORMAT_OPTIONS = { database: 'MySQL' };

/** An identifier as the AST holds it: a plain string or a quoted-string node. */
export function identName(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'value' in (v as object)) return String((v as { value: unknown }).value);
  return null;
}

/** The literal value of a constant node (numbers, strings, NULL, booleans, negated numbers), or undefined. */
export function literalValue(e: Expr): SqlValue | undefined {
  switch (e.type) {
    case 'number': {
      const v = e.value;
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
      if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
      return typeof v === 'string' ? v : undefined;
    }
    case 'single_quote_string':
    case 'double_quote_string':
    case 'string':
    case 'natural_string':
      return stringValue(e);
    case 'null':
      return null;
    case 'bool':
      return e.value ? 1n : 0n;
    case 'unary_expr': {
      if (e.operator !== '-') return undefined;
      const inner = literalValue(e.expr as Expr);
      if (typeof inner === 'bigint') return -inner;
      if (typeof inner === 'number') return -inner;
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Splits a WHERE/ON expression into its top-level AND operands. */
export function conjuncts(e: Expr | null | undefined, out: Expr[] = []): Expr[] {
  if (!e) return out;
  if (e.type === 'binary_expr' && String(e.operator).toUpperCase() === 'AND' && !e.parentheses) {
    conjuncts(e.left as Expr, out);
    conjuncts(e.right as Expr, out);
  } else if (e.type === 'binary_expr' && String(e.operator).toUpperCase() === 'AND') {
    conjuncts({ ...e, parentheses: false }, out);
  } else {
    out.push(e);
  }
  return out;
}

/** True if the expression contains an aggregate call (not a window function) outside any subquery; BIT_AND, STD, JSON_ARRAYAGG … parse as function calls and count too. */
export function containsAggregate(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  if (Array.isArray(e)) return e.some(containsAggregate);
  const node = e as Expr;
  if (isAggregateNode(node) && !node.over) return true;
  if (node.type === 'select' || 'ast' in node) return false;
  for (const k in node) if (k !== 'type' && containsAggregate(node[k])) return true;
  return false;
}

/** Every aggregate call (not a window function) in an expression (outside subqueries), outermost first. */
export function aggregatesIn(e: unknown, out: Expr[] = []): Expr[] {
  if (!e || typeof e !== 'object') return out;
  if (Array.isArray(e)) {
    for (const x of e) aggregatesIn(x, out);
    return out;
  }
  const node = e as Expr;
  if (isAggregateNode(node) && !node.over) {
    out.push(node);
    return out;
  }
  if (node.type === 'select' || 'ast' in node) return out;
  for (const k in node) if (k !== 'type') aggregatesIn(node[k], out);
  return out;
}

/** The PARTITION BY expressions of every window function of a SELECT (outside subqueries), named windows resolved. */
export function windowPartitions(ast: Expr): Expr[][] {
  const named = new Map<string, Expr>();
  for (const w of (ast.window?.expr ?? []) as Expr[]) named.set(String(w.name).toLowerCase(), w.as_window_specification);
  const out: Expr[][] = [];
  const visit = (e: unknown): void => {
    if (!e || typeof e !== 'object') return;
    if (Array.isArray(e)) return e.forEach(visit);
    const node = e as Expr;
    if (node.type === 'select' || 'ast' in node) return;
    if (node.over?.type === 'window') {
      const spec = node.over.as_window_specification;
      const resolved = typeof spec === 'string' ? named.get(spec.toLowerCase()) : spec;
      out.push(((resolved?.window_specification?.partitionby ?? []) as Expr[]).map((p) => p.expr as Expr));
    }
    for (const k in node) if (k !== 'type' && k !== 'over') visit(node[k]);
  };
  visit(ast.columns);
  visit(ast.orderby);
  return out;
}

/** A key equal for structurally equal expressions (used to match ORDER BY/GROUP BY/HAVING terms to select items). */
export function exprKey(e: Expr): string {
  return JSON.stringify(e, (k, v) => (k === 'collate' || k === 'parentheses' || k === 'loc' ? undefined : typeof v === 'bigint' ? v.toString() : v)).toLowerCase();
}

/** Renders an expression as SQL text (for columns the planner adds to a shard query). */
export function formatExpr(e: Expr): string {
  return formatter.exprToSQL(e as never, FORMAT_OPTIONS as never) as string;
}

/** SqlError 1235 (42000, UNIMPLEMENTED) `VT12001: unsupported: <what>` for queries vtgate cannot route or merge, as Vitess reports them. */
export function unsupported(what: string) {
  return sqlError(ER.NOT_SUPPORTED_YET, `VT12001: unsupported: ${what}`, Code.UNIMPLEMENTED);
}

/** An expression scope without columns: any column reference is SqlError 1054. */
export const NO_COLUMNS: ExprScope = {
  column(_table, name) {
    throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${name}' in 'field list'`);
  },
};
