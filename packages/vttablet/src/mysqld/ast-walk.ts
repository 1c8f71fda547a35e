/**
 * Generic walks over node-sql-parser expression ASTs: visiting nodes without entering subqueries,
 * splitting AND chains, rendering a readable name for an expression, and rewriting copies.
 */
import type { Expr } from '@vtsim/sql';
import { identName, isSubqueryNode } from './ast-names.js';

/** Calls `visit` on every typed node under `root` (root included), not entering subqueries; `visit` returning false prunes. */
export function walkExpr(root: unknown, visit: (node: Expr) => boolean | void): void {
  if (root === null || typeof root !== 'object') return;
  if (Array.isArray(root)) {
    for (const x of root) walkExpr(x, visit);
    return;
  }
  if (isSubqueryNode(root)) return;
  const node = root as Expr;
  if (typeof node.type === 'string' && visit(node) === false) return;
  for (const k in node) {
    const v = node[k];
    if (v !== null && typeof v === 'object') walkExpr(v, visit);
  }
}

/** True if the expression contains a subquery anywhere. */
export function containsSubquery(root: unknown): boolean {
  if (root === null || typeof root !== 'object') return false;
  if (Array.isArray(root)) return root.some(containsSubquery);
  if (isSubqueryNode(root)) return true;
  for (const k in root as object) {
    if (containsSubquery((root as Record<string, unknown>)[k])) return true;
  }
  return false;
}

/** The operands of a top-level AND chain (the expression itself if it is not an AND). */
export function conjuncts(where: Expr | null | undefined): Expr[] {
  if (!where) return [];
  if (where.type === 'binary_expr' && String(where.operator).toUpperCase() === 'AND') {
    return [...conjuncts(where.left), ...conjuncts(where.right)];
  }
  return [where];
}

/** A readable column name for an expression when its original text is not at hand. */
export function exprText(node: Expr): string {
  switch (node.type) {
    case 'column_ref':
      return identName(node.column);
    case 'number':
    case 'bigint':
      return String(node.value);
    case 'single_quote_string':
    case 'double_quote_string':
    case 'string':
      return String(node.value);
    case 'null':
      return 'NULL';
    case 'bool':
      return node.value ? 'TRUE' : 'FALSE';
    case 'param':
      return `:${String(node.value)}`;
    case 'var':
      return `${String(node.prefix ?? '')}${[node.name, ...(node.members ?? [])].join('.')}`;
    case 'aggr_func': {
      const arg = node.args?.expr;
      const inner = arg ? (arg.type === 'star' ? '*' : exprText(arg)) : '';
      return `${String(node.name).toLowerCase()}(${node.args?.distinct ? 'distinct ' : ''}${inner})`;
    }
    case 'function': {
      const args = (node.args?.value ?? []) as Expr[];
      return `${identName(node.name)}(${args.map(exprText).join(',')})`;
    }
    case 'binary_expr':
      return `${exprText(node.left)} ${String(node.operator).toLowerCase()} ${exprText(node.right)}`;
    case 'unary_expr':
      return `${String(node.operator)}${exprText(node.expr)}`;
    default:
      // A subquery node has no type: named by the select-list text where there is one (statement-text.ts).
      return isSubqueryNode(node) ? '(subquery)' : String(node.type);
  }
}

/** A deep copy of `root` in which `replace` may substitute nodes (returning undefined keeps the node); subqueries are copied as they are. */
export function rewriteExpr<T>(root: T, replace: (node: Expr) => Expr | undefined): T {
  const copy = (x: unknown): unknown => {
    if (x === null || typeof x !== 'object') return x;
    if (Array.isArray(x)) return x.map(copy);
    if (!isSubqueryNode(x) && typeof (x as Expr).type === 'string') {
      const r = replace(x as Expr);
      if (r !== undefined) return r;
    }
    const out: Record<string, unknown> = {};
    for (const k in x as object) out[k] = isSubqueryNode(x) && k === 'ast' ? (x as Record<string, unknown>)[k] : copy((x as Record<string, unknown>)[k]);
    return out;
  };
  return copy(root) as T;
}
