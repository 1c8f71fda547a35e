/**
 * Finding the predicates that pin a query to shards: `col = value` and `col IN (values)` on a
 * unique vindex column of a routed table, and the join equalities that make tables co-located.
 */
import type { Expr } from '@vtsim/sql';
import type { ValueSource } from '../engine/value-source.js';
import type { Vindex } from '@vtsim/vindexes';
import type { TableModel } from '../vschema.js';
import { conjuncts, identName, literalValue } from './ast.js';

/** A table in scope of a predicate: how columns qualify it and its model. */
export interface ScopedTable {
  alias: string;
  table: TableModel;
}

/** A vindex-based routing decision. */
export interface VindexRoute {
  opcode: 'equal' | 'in';
  vindex: Vindex;
  values: ValueSource[];
}

/**
 * The best vindex route from WHERE conjuncts over the given (co-located) tables: an equality
 * beats an IN list, then the cheaper vindex wins. Undefined if no conjunct pins the rows.
 */
export function findVindexRoute(where: Expr | null | undefined, tables: ScopedTable[]): VindexRoute | undefined {
  let best: VindexRoute | undefined;
  for (const c of conjuncts(where)) {
    const route = routeOf(c, tables);
    if (!route) continue;
    if (!best || better(route, best)) best = route;
  }
  return best;
}

function better(a: VindexRoute, b: VindexRoute): boolean {
  if (a.opcode !== b.opcode) return a.opcode === 'equal';
  return a.vindex.cost < b.vindex.cost;
}

function routeOf(c: Expr, tables: ScopedTable[]): VindexRoute | undefined {
  if (c.type !== 'binary_expr') return undefined;
  const op = String(c.operator).toUpperCase();
  if (op === '=') {
    const left = c.left as Expr;
    const right = c.right as Expr;
    const [col, val] = left.type === 'column_ref' ? [left, right] : [right, left];
    if (col.type !== 'column_ref') return undefined;
    const vindex = vindexOf(col, tables);
    const src = valueSource(val);
    if (!vindex || !src) return undefined;
    return { opcode: 'equal', vindex, values: [src] };
  }
  if (op === 'IN') {
    const col = c.left as Expr;
    const list = c.right as Expr;
    if (col.type !== 'column_ref' || list.type !== 'expr_list' || !Array.isArray(list.value)) return undefined;
    const vindex = vindexOf(col, tables);
    if (!vindex) return undefined;
    const values: ValueSource[] = [];
    for (const v of list.value as Expr[]) {
      const src = valueSource(v);
      if (!src) return undefined;
      values.push(src);
    }
    return { opcode: 'in', vindex, values };
  }
  return undefined;
}

/** The unique vindex on the referenced column, if the column belongs to one of the tables. */
function vindexOf(col: Expr, tables: ScopedTable[]): Vindex | undefined {
  const t = tableOf(col, tables);
  if (!t) return undefined;
  const name = String(identName(col.column) ?? '').toLowerCase();
  for (const cv of t.table.columnVindexes) if (cv.column === name && cv.vindex.unique) return cv.vindex;
  return undefined;
}

/** The table a column reference belongs to: by qualifier, or the only sharded table when unqualified. */
export function tableOf(col: Expr, tables: ScopedTable[]): ScopedTable | undefined {
  const qualifier = identName(col.table);
  if (qualifier) return tables.find((t) => t.alias === qualifier || t.table.name === qualifier);
  const sharded = tables.filter((t) => t.table.columnVindexes.length > 0);
  return sharded.length === 1 ? sharded[0] : undefined;
}

/** How to get a comparison operand's value at execution time, if it is a constant or bind variable. */
export function valueSource(e: Expr): ValueSource | undefined {
  if (e.type === 'param') return { kind: 'bind', name: String(e.value) };
  const v = literalValue(e);
  return v === undefined ? undefined : { kind: 'literal', value: v };
}

/**
 * Groups sharded tables that are joined on their primary vindex columns with the same vindex
 * type (their rows live on the same shards). Returns true if all of them end up in one group.
 */
export function colocated(tables: ScopedTable[], predicates: Expr[]): boolean {
  const sharded = tables.filter((t) => t.table.columnVindexes.length > 0 && t.table.type !== 'reference');
  if (sharded.length <= 1) return true;
  const parent = new Map<ScopedTable, ScopedTable>(sharded.map((t) => [t, t]));
  const find = (t: ScopedTable): ScopedTable => {
    let p = parent.get(t)!;
    while (p !== parent.get(p)) p = parent.get(p)!;
    return p;
  };
  for (const c of predicates) {
    if (c.type !== 'binary_expr' || c.operator !== '=') continue;
    const l = c.left as Expr;
    const r = c.right as Expr;
    if (l.type !== 'column_ref' || r.type !== 'column_ref') continue;
    const lt = tableOf(l, tables);
    const rt = tableOf(r, tables);
    if (!lt || !rt || lt === rt || !parent.has(lt) || !parent.has(rt)) continue;
    const lp = lt.table.columnVindexes[0]!;
    const rp = rt.table.columnVindexes[0]!;
    const lc = String(identName(l.column)).toLowerCase();
    const rc = String(identName(r.column)).toLowerCase();
    if (lp.column === lc && rp.column === rc && lp.vindex.type === rp.vindex.type) parent.set(find(lt), find(rt));
  }
  const root = find(sharded[0]!);
  return sharded.every((t) => find(t) === root);
}
