/**
 * Planning a SELECT whose tables cannot all go to one route (Vitess's Gen4 join planning): the
 * FROM list's tables are grouped into routes, a table joining a route on its primary vindex with
 * the same vindex type (or being a reference table or in the same unsharded keyspace) merging
 * into it; the routes are joined left to right by nested-loop {@link Join}s that pass the
 * columns later routes need as bind variables; each WHERE/ON predicate goes to the last route it
 * reads (routing it by vindex when it can), or above the joins when a left join's NULL rows must
 * see it. Grouping, aggregates, HAVING, the select list, DISTINCT, ORDER BY and LIMIT then run in
 * vtgate over the joined rows. A table's `*` is selected by its route and expanded from the rows'
 * fields (vtgate has no schema); derived tables and `[NOT] EXISTS` subqueries that cannot merge
 * join the same way (SemiJoin).
 */
import { Code, ER, sqlError } from '@vtsim/proto';
import { parseStatement, SqlLexer, Tok, type Expr, type Statement } from '@vtsim/sql';
import { Filter } from '../engine/filter.js';
import { Join } from '../engine/join.js';
import { OrderedAggregate } from '../engine/ordered-aggregate.js';
import type { Primitive } from '../engine/primitive.js';
import { Projection, type ProjectedColumn } from '../engine/projection.js';
import { Route, type RouteOpcode } from '../engine/route.js';
import { SemiJoin } from '../engine/semi-join.js';
import { RowExpr, type LayoutColumn, type RowLayout } from '../engine/row-layout.js';
import type { OrderKey } from '../engine/scatter-merge.js';
import { SchemaTrackingNeeded, type SchemaTracker } from '../schema-tracker.js';
import type { KeyspaceModel, TableModel } from '../vschema.js';
import { aggregatesIn, conjuncts, containsAggregate, exprKey, formatExpr, identName, unsupported, windowPartitions } from './ast.js';
import type { Plan } from './plan.js';
import { quoteIdent, selectText } from './query-text.js';
import { limitOf } from './select-planner.js';
import { subquerySpans } from './subquery-planner.js';
import { collectTables, type ResolvedTable } from './table-refs.js';
import { colocated, findVindexRoute, type ScopedTable } from './vindex-predicates.js';

/** A derived table (`(select …) as t`, or a common table expression inlined as one): its plan and its column names. */
export interface DerivedSource {
  primitive: Primitive;
  columns: string[];
}

/** A table of the FROM list: how the query names it, its model (or its plan, for a derived table) and how it joins the tables before it. */
interface Leaf {
  alias: string;
  table?: TableModel;
  derived?: DerivedSource;
  join: 'inner' | 'left';
  on: Expr[];
}

/** A route of the plan: tables merged into one query. */
interface RouteGroup {
  leaves: Leaf[];
  /** The keyspace of a route; undefined for a derived table, which runs its own plan. */
  keyspace?: KeyspaceModel;
  /** The FROM text of the group's query. */
  from: string;
  /** A left join's right side: its rows are NULL-extended, so WHERE predicates reading it run above the joins. */
  outer: boolean;
  /** Predicates pushed to this route (column references of earlier routes become bind variables). */
  predicates: Expr[];
  /** Columns the query selects, in order. */
  columns: LayoutColumn[];
  /** Tables (aliases) whose `*` the query selects after its columns; their columns are known only from the fields. */
  stars: string[];
}

/** A select item standing for a table's `*`, expanded when the rows come back. */
const STAR_OF = 'vtgate_star_of';

/**
 * Plans a SELECT over several tables that do not merge into one route, or over derived tables
 * (each planned on its own with `planText`, the caller's SELECT planner). Returns undefined for
 * shapes this planner does not take (subqueries outside FROM, unions, window functions), which
 * the caller refuses as before. `schema` (vtgate's tracked columns) expands `*` over a USING join.
 */
export function planJoin(ast: Statement, sql: string, resolved: ResolvedTable[], planText: (sql: string) => Plan, schema?: SchemaTracker): Plan | undefined {
  if (ast._next || ast.with) return undefined;
  const from = (ast.from ?? []) as Expr[];
  if (from.some((f) => !f.expr && !identName(f.table))) return undefined;
  // `[NOT] EXISTS (correlated subquery)` conjuncts become SemiJoins over the joined rows.
  const semis: { anti: boolean; sub: Statement }[] = [];
  const where: Expr[] = [];
  for (const c of conjuncts(ast.where as Expr)) {
    const sub = existsSubquery(c);
    if (sub) semis.push(sub);
    else where.push(c);
  }
  if (from.length < 2 && !from.some((f) => f.expr) && semis.length === 0) return undefined;
  const rest = { ...ast, from: from.filter((f) => !f.expr), where: where.length > 0 ? andAll(where) : null } as Statement;
  if (windowPartitions(ast as Expr).length > 0 || collectTables(rest).some((r) => r.nested)) return undefined;
  // Clauses vtgate cannot apply above its joins are refused, never dropped; a locking clause goes to every route.
  const st = selectText(sql);
  const groupText = st?.clauses.groupBy ? sql.slice(st.clauses.groupBy.start, st.clauses.groupBy.end) : '';
  if (/\bwith\s+rollup\b/i.test(groupText)) throw unsupported('GROUP BY WITH ROLLUP not supported for sharded queries');
  const tail = st?.clauses.tail ? sql.slice(st.clauses.tail.start, st.clauses.tail.end).trim() : '';
  if (/^into\b/i.test(tail)) throw unsupported('SELECT … INTO across shards');
  const derivedTexts = derivedTableTexts(sql);
  const derivedItems = from.flatMap((f, i) => (f.expr ? [i] : []));
  if (derivedTexts.length !== derivedItems.length) return undefined;
  const derive = (index: number): DerivedSource => {
    const text = derivedTexts[derivedItems.indexOf(index)]!;
    const inner = parseStatement(text);
    return { primitive: planText(text).primitive, columns: derivedColumns(inner, text) };
  };
  let leaves = fromLeaves(from, resolved, derive);
  const fromOrder = leaves;
  // Inner joins commute: derived tables run first, once, rather than once per row of a join's left side.
  if (leaves.every((l) => l.join === 'inner')) leaves = [...leaves.filter((l) => l.derived), ...leaves.filter((l) => !l.derived)];
  const aliasOf = (table: string | null): Leaf | undefined =>
    table === null ? undefined : leaves.find((l) => l.alias === table) ?? leaves.find((l) => l.table?.name === table && l.alias === l.table.name);

  const items = expandStars((ast.columns ?? []) as Expr[], fromOrder);
  const starred = items.filter((i) => (i.expr as Expr).type === STAR_OF).map((i) => String((i.expr as Expr).table));
  // MySQL merges a USING/NATURAL join's columns in `*`: without the tables' schemas that cannot be done.
  if (starred.length > 0 && from.some((f) => Array.isArray(f.using))) {
    const expanded = schema ? starOverUsing(sql, from, resolved, schema) : undefined;
    if (!expanded) throw schemaTrackingRequired();
    return planText(expanded);
  }
  const innerOn = leaves.filter((l) => l.join === 'inner').flatMap((l) => l.on);

  // Routes: each table merges into the first route it can share, else starts its own.
  const groups: RouteGroup[] = [];
  const groupOf = new Map<Leaf, RouteGroup>();
  for (const leaf of leaves) {
    // A left join merges only into the one route before it, and not a sharded table under reference tables (every shard would add its own NULL rows).
    const candidates =
      leaf.join === 'left' ? (groups.length === 1 && !(isSharded(leaf.table) && groups[0]!.leaves.every((l) => !isSharded(l.table))) ? groups : []) : groups.filter((g) => !g.outer);
    const preds = leaf.join === 'left' ? leaf.on : [...where, ...innerOn];
    const target = leaf.table ? candidates.find((g) => canMerge(g, leaf, leaf.table!, preds)) : undefined;
    const ref = leaf.table ? `${quoteIdent(leaf.table.name)} as ${quoteIdent(leaf.alias)}` : '';
    if (target) {
      target.leaves.push(leaf);
      target.from += leaf.join === 'left' ? ` left join ${ref} on ${leaf.on.map(formatExpr).join(' and ')}` : ` join ${ref}`;
      groupOf.set(leaf, target);
    } else {
      const columns = leaf.derived ? leaf.derived.columns.map((name) => ({ table: leaf.alias, name })) : [];
      const g: RouteGroup = { leaves: [leaf], keyspace: leaf.table?.keyspace, from: ref, outer: leaf.join === 'left', predicates: [], columns, stars: [] };
      groups.push(g);
      groupOf.set(leaf, g);
    }
  }
  if (groups.length < 2 && !leaves.some((l) => l.derived) && semis.length === 0) return undefined;
  const indexOf = (leaf: Leaf) => groups.indexOf(groupOf.get(leaf)!);
  let unresolved = false;
  /**
   * The table a column belongs to; undefined for an unqualified name that several tables whose
   * columns vtgate does not know may have: their routes then select their `*`, and the name is
   * resolved from the rows' fields (1052 if several have it, as MySQL says).
   */
  const leafOf = (col: Expr): Leaf | undefined => {
    const name = String(identName(col.column));
    const table = identName(col.table);
    if (table === null) {
      if (leaves.length === 1) return leaves[0]!;
      const having = leaves.filter((l) => l.derived?.columns.some((c) => c.toLowerCase() === name.toLowerCase()));
      if (having.length === 1 && leaves.every((l) => l.derived)) return having[0]!;
      if (having.length > 1) throw sqlError(ER.NON_UNIQ_ERROR, `Column '${name}' in field list is ambiguous`);
      if (leaves.every((l) => l.derived)) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${name}' in 'field list'`);
      // No derived table has it: the one table whose columns are unknown must.
      const tables = leaves.filter((l) => !l.derived);
      if (having.length === 0 && tables.length === 1) return tables[0]!;
      unresolved = true;
      return undefined;
    }
    const leaf = aliasOf(table);
    if (!leaf) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${table}.${name}' in 'field list'`);
    return leaf;
  };

  // Predicates: each to the last route it reads, unless that route is a left join's right side
  // (or a column's table is known only at run time).
  const above: Expr[] = [];
  const needed = (leaf: Leaf | undefined, column: string): void => {
    if (!leaf) return;
    const g = groupOf.get(leaf)!;
    if (leaf.derived) {
      if (!leaf.derived.columns.some((c) => c.toLowerCase() === column.toLowerCase())) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${leaf.alias}.${column}' in 'field list'`);
      return;
    }
    if (!g.columns.some((c) => c.table === leaf.alias && c.name.toLowerCase() === column.toLowerCase())) g.columns.push({ table: leaf.alias, name: column });
  };
  const push = (pred: Expr, outerOn: number | undefined): void => {
    const refs = columnRefs(pred);
    if (refs.some((c) => !leafOf(c))) {
      // A left join's ON condition must be evaluated by its route: without the column's table, refused.
      if (outerOn !== undefined) throw schemaTrackingRequired();
      above.push(pred);
      return;
    }
    const last = Math.max(outerOn ?? 0, ...refs.map((c) => indexOf(leafOf(c)!)));
    const g = groups[last]!;
    if (g.leaves[0]!.derived || (outerOn === undefined && g.outer && refs.length > 0)) {
      above.push(pred);
      return;
    }
    for (const c of refs) if (indexOf(leafOf(c)!) < last) needed(leafOf(c), String(identName(c.column)));
    g.predicates.push(bindOuterColumns(pred, (c) => indexOf(leafOf(c)!) < last));
  };
  for (const p of [...where, ...innerOn]) push(p, undefined);
  for (const leaf of leaves) if (leaf.join === 'left' && groupOf.get(leaf)!.leaves[0] === leaf && indexOf(leaf) > 0) for (const p of leaf.on) push(p, indexOf(leaf));

  // Each semi-join's subquery, with the outer columns it reads as bind variables.
  const existsTexts = (subquerySpans(sql) ?? []).filter((span) => span.opcode === 'exists');
  const semiPlans = semis.map((semi) => {
    const span = existsTexts.find((t) => exprKey(parseStatement(t.inner)) === exprKey(semi.sub));
    if (!span) throw unsupported('unmergable subquery can not be inside complex expression');
    const innerAliases = new Set(collectTables(semi.sub).map((r) => r.alias));
    const outer = (table: string) => !innerAliases.has(table) && aliasOf(table) !== undefined;
    const vars: string[] = [];
    const text = bindOuterText(span.inner, outer, (table, column) => {
      needed(aliasOf(table)!, column);
      vars.push(bindName(table, column));
    });
    return { anti: semi.anti, primitive: planText(text).primitive, vars };
  });

  // The columns vtgate evaluates: select list, GROUP BY, HAVING, ORDER BY and the predicates above the joins.
  const aliases = new Map<string, Expr>();
  for (const item of items) {
    const a = identName(item.as);
    if (a) aliases.set(a.toLowerCase(), item.expr as Expr);
  }
  const byAlias = (e: Expr): Expr => substituteAliases(e, aliases);
  const groupBy = ((ast.groupby?.columns ?? []) as Expr[]).filter(Boolean).map((g) => (g.type === 'number' ? itemAt(items, g, 'group statement') : byAlias(g)));
  const having = ast.having ? byAlias(ast.having as Expr) : undefined;
  const orderTerms = ((ast.orderby ?? []) as Expr[]).map((o) => ({ expr: o.expr as Expr, desc: String(o.type ?? '').toUpperCase() === 'DESC' }));
  const vtgateExprs: Expr[] = [...items.map((i) => i.expr as Expr), ...groupBy, ...above, ...orderTerms.map((o) => byAlias(o.expr))];
  if (having) vtgateExprs.push(having);
  for (const e of vtgateExprs) for (const c of columnRefs(e)) needed(leafOf(c), String(identName(c.column)));

  // The routes and the joins between them. A route with nothing to select selects a constant, counted as its column.
  const starredTables = unresolved ? leaves.filter((l) => !l.derived).map((l) => l.alias) : starred;
  for (const alias of new Set([...starred, ...starredTables])) groupOf.get(aliasOf(alias)!)!.stars.push(alias);
  for (const g of groups) if (!g.leaves[0]!.derived && g.columns.length === 0 && g.stars.length === 0) g.columns.push(CONSTANT_COLUMN);
  let layout: LayoutColumn[] = [...groups[0]!.columns];
  let plan: Primitive = groupRoute(groups[0]!, tail);
  for (let i = 1; i < groups.length; i++) {
    const g = groups[i]!;
    const vars: Record<string, number> = {};
    for (const p of g.predicates) for (const name of bindNames(p)) vars[name] = layout.findIndex((c) => bindName(c.table, c.name) === name);
    const cols = [...layout.map((_, k) => -k - 1), ...g.columns.map((_, k) => k + 1)];
    plan = new Join({ opcode: g.outer ? 'left' : 'inner', left: plan, right: groupRoute(g, tail), cols, vars });
    layout = [...layout, ...g.columns];
  }
  for (const s of semiPlans) {
    const vars = Object.fromEntries(s.vars.map((name) => [name, layout.findIndex((c) => bindName(c.table, c.name) === name)]));
    plan = new SemiJoin({ anti: s.anti, left: plan, right: s.primitive, vars });
  }
  let rows: RowLayout = { columns: layout };
  if (above.length > 0) plan = new Filter(plan, new RowExpr(andAll(above), rows));

  const aggregated = groupBy.length > 0 || vtgateExprs.some(containsAggregate);
  if (aggregated && starred.length > 0) throw schemaTrackingRequired();
  if (aggregated) {
    const calls: Expr[] = [];
    for (const e of vtgateExprs) for (const a of aggregatesIn(e)) if (!calls.some((c) => exprKey(c) === exprKey(a))) calls.push(a);
    plan = new OrderedAggregate(plan, rows, groupBy, calls);
    rows = { columns: layout, aggregates: calls.map(exprKey), aggregateKey: exprKey };
    if (having) plan = new Filter(plan, new RowExpr(having, rows));
  }

  const columns: ProjectedColumn[] = items.map((item, i) => {
    const e = item.expr as Expr;
    if (e.type === STAR_OF) return { star: String(e.table), planned: layout.length };
    const text = st && st.items.length === items.length ? sql.slice(st.items[i]!.start, st.items[i]!.end) : formatExpr(e);
    const name = identName(item.as) ?? (e.type === 'column_ref' ? String(identName(e.column)) : text);
    const leaf = e.type === 'column_ref' ? leafOf(e) : undefined;
    const found = leaf ? layout.findIndex((c) => c.table === leaf.alias && c.name.toLowerCase() === String(identName(e.column)).toLowerCase()) : -1;
    const column = found >= 0 ? found : undefined;
    return { name, expr: new RowExpr(e, rows), column };
  });
  const visible = columns.length;
  // With a `*` expanded only at run time, item positions are unknown: ORDER BY terms are hidden columns counted from the end.
  const hiddenOrder = starred.length > 0;
  const orderBy: OrderKey[] = orderTerms.map((o) => {
    if (hiddenOrder) {
      if (o.expr.type === 'number') throw unsupported('ORDER BY position with * in a join across shards');
      columns.push({ name: formatExpr(o.expr), expr: new RowExpr(byAlias(o.expr), rows) });
      return { column: { fromEnd: columns.length }, desc: o.desc };
    }
    if (o.expr.type === 'number') {
      itemAt(items, o.expr, 'order clause');
      return { column: { index: Number(o.expr.value) - 1 }, desc: o.desc };
    }
    const name = o.expr.type === 'column_ref' && identName(o.expr.table) === null ? String(identName(o.expr.column)).toLowerCase() : undefined;
    let index = items.findIndex((i) => exprKey(i.expr as Expr) === exprKey(o.expr));
    if (name !== undefined) {
      const named = (i: Expr) => (identName(i.as) ?? ((i.expr as Expr).type === 'column_ref' ? identName((i.expr as Expr).column) : null))?.toLowerCase() === name;
      index = items.findIndex(named);
    }
    if (index < 0) {
      columns.push({ name: formatExpr(o.expr), expr: new RowExpr(byAlias(o.expr), rows) });
      index = columns.length - 1;
    }
    return { column: { index }, desc: o.desc };
  });
  if (hiddenOrder) for (const k of orderBy) if ('fromEnd' in k.column) k.column = { fromEnd: columns.length - k.column.fromEnd + 1 };
  const distinct = String(ast.distinct ?? '').toUpperCase() === 'DISTINCT';
  plan = new Projection(plan, columns, { distinct, orderBy, limit: limitOf(ast.limit as Expr), hidden: columns.length - visible });
  return { type: 'select', write: false, primitive: plan };
}

/** The route of one group: its columns from its tables under its predicates (and the statement's locking clause), routed by vindex when a predicate allows (a derived table: its plan). */
function groupRoute(g: RouteGroup, locking: string): Primitive {
  if (g.leaves[0]!.derived) return g.leaves[0]!.derived.primitive;
  const cols = [...g.columns.map((c) => (c === CONSTANT_COLUMN ? '1' : `${quoteIdent(c.table)}.${quoteIdent(c.name)}`)), ...g.stars.map((t) => `${quoteIdent(t)}.*`)].join(', ');
  const where = g.predicates.length > 0 ? ` where ${g.predicates.map(formatExpr).join(' and ')}` : '';
  const query = `select ${cols} from ${g.from}${where}${locking ? ` ${locking}` : ''}`;
  const tables = g.leaves.map((l) => l.table!);
  const access = { tables: [...new Set(tables.map((t) => t.name))], write: false };
  const ks = g.keyspace!;
  const sharded = tables.filter((t) => t.type !== 'reference' && t.columnVindexes.length > 0);
  let opcode: RouteOpcode = !ks.sharded ? 'unsharded' : sharded.length === 0 ? 'reference' : 'scatter';
  if (opcode !== 'scatter') return new Route({ keyspace: ks.name, opcode, query, access });
  const scoped: ScopedTable[] = g.leaves.map((l) => ({ alias: l.alias, table: l.table! }));
  const route = g.predicates.length > 0 ? findVindexRoute(andAll(g.predicates), scoped) : undefined;
  if (route) opcode = route.opcode;
  return new Route({ keyspace: ks.name, opcode, query, vindex: route?.vindex, values: route?.values, access });
}

/** True for a table whose rows are spread over shards (not a reference table, not in an unsharded keyspace). */
function isSharded(table: TableModel | undefined): boolean {
  return !!table && table.keyspace.sharded && table.type !== 'reference' && table.columnVindexes.length > 0;
}

/**
 * True if the FROM list outer-joins a sharded table to reference tables only (`ref r left join t`):
 * one route would have every shard add its own NULL-extended rows, so vtgate must join them.
 */
export function outerJoinsShardedToReference(from: Expr[], resolved: ResolvedTable[]): boolean {
  const tableAt = (f: Expr) => resolved.find((r) => !r.ref.nested && r.ref.alias === (identName(f.as) ?? identName(f.table)))?.table;
  return from.some((f, i) => {
    const join = String(f.join ?? '').toUpperCase();
    if (i === 0 || f.expr) return false;
    const before = from.slice(0, i).map(tableAt);
    if (join.startsWith('LEFT')) return isSharded(tableAt(f)) && before.every((t) => !isSharded(t));
    if (join.startsWith('RIGHT')) return !isSharded(tableAt(f)) && before.some((t) => isSharded(t));
    return false;
  });
}

/** True if a table can join a route's query: same keyspace, and unsharded, a reference table, or joined on the primary vindex. */
function canMerge(g: RouteGroup, leaf: Leaf, table: TableModel, preds: Expr[]): boolean {
  if (!g.keyspace || g.keyspace !== table.keyspace) return false;
  if (!g.keyspace.sharded || table.type === 'reference') return true;
  const tables: ScopedTable[] = [...g.leaves.map((l) => ({ alias: l.alias, table: l.table! })), { alias: leaf.alias, table }];
  if (g.leaves.every((l) => l.table!.type === 'reference')) return true;
  return colocated(tables, preds.filter((p) => columnRefs(p).every((c) => identName(c.table) !== null)));
}

/** The FROM list as leaves: RIGHT JOIN of two tables becomes the LEFT JOIN it means, USING becomes ON equalities. */
function fromLeaves(from: Expr[], resolved: ResolvedTable[], derive: (index: number) => DerivedSource): Leaf[] {
  const leaves: Leaf[] = from.map((f, i) => {
    const join = String(f.join ?? '').toUpperCase();
    if (join.startsWith('NATURAL')) throw unsupported('natural join across shards');
    const alias = identName(f.as) ?? String(identName(f.table));
    if (f.expr && !identName(f.as)) throw sqlError([1248, '42000'], 'Every derived table must have its own alias');
    const source = f.expr ? { derived: derive(i) } : { table: resolved.find((x) => !x.ref.nested && x.ref.alias === alias)!.table };
    const on = Array.isArray(f.using) && i > 0 ? usingPredicates(from, i) : conjuncts(f.on as Expr);
    return { alias, ...source, join: join.startsWith('LEFT') || join.startsWith('RIGHT') ? 'left' : 'inner', on };
  });
  if (String(from[1]?.join ?? '').toUpperCase().startsWith('RIGHT')) {
    if (leaves.length !== 2) throw unsupported('RIGHT JOIN of more than two tables across shards');
    const [a, b] = leaves as [Leaf, Leaf];
    return [{ ...b, join: 'inner', on: [] }, { ...a, join: 'left', on: b.on }];
  }
  return leaves;
}

/** The equalities a FROM item's `USING (c, …)` stands for: `prev.c = item.c` with the item before it. */
export function usingPredicates(from: Expr[], i: number): Expr[] {
  const f = from[i]!;
  if (!Array.isArray(f.using) || i === 0) return [];
  const alias = identName(f.as) ?? String(identName(f.table));
  const prev = identName(from[i - 1]!.as) ?? String(identName(from[i - 1]!.table));
  return (f.using as Expr[]).map((u) => {
    const column = String(identName(u.value) ?? identName(u));
    return { type: 'binary_expr', operator: '=', left: { type: 'column_ref', table: prev, column }, right: { type: 'column_ref', table: alias, column } } as Expr;
  });
}

/** The texts of the FROM list's derived tables (`(select …) as t`), in order, inside their parentheses. */
function derivedTableTexts(sql: string): string[] {
  const st = selectText(sql);
  const from = st?.clauses.from;
  if (!from) return [];
  const lx = new SqlLexer(sql.slice(0, from.end));
  const out: string[] = [];
  let depth = 0;
  let open = -1;
  let prevWasOpen = false;
  for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) {
    if (lx.start < from.start) continue;
    const isOpen = k === Tok.PUNCT && lx.isPunct('(');
    if (isOpen) {
      if (depth === 0) open = lx.end;
      depth++;
    } else if (k === Tok.PUNCT && lx.isPunct(')')) {
      depth--;
      if (depth === 0 && open >= 0) {
        out.push(sql.slice(open, lx.start).trim());
        open = -1;
      }
    } else if (prevWasOpen && depth === 1 && !(k === Tok.WORD && (lx.isWord('SELECT') || lx.isWord('WITH')))) open = -1;
    prevWasOpen = isOpen;
  }
  return out;
}

/** The column names of a derived table's SELECT: aliases, column names, else the items' text; `*` over a derived table expands to its columns. */
function derivedColumns(ast: Statement, text: string): string[] {
  const items = (ast.columns ?? []) as Expr[];
  const st = selectText(text);
  return items.flatMap((item, i) => {
    const e = item.expr as Expr;
    const alias = identName(item.as);
    if (alias) return [alias];
    if (e.type === 'column_ref' && e.column === '*') {
      const from = (ast.from ?? []) as Expr[];
      const inner = derivedTableTexts(text);
      if (from.length === 1 && from[0]!.expr && inner.length === 1) return derivedColumns(parseStatement(inner[0]!), inner[0]!);
      throw schemaTrackingRequired();
    }
    if (e.type === 'column_ref') return [String(identName(e.column))];
    return [st && st.items.length === items.length ? text.slice(st.items[i]!.start, st.items[i]!.end) : formatExpr(e)];
  });
}

/** The column a route with nothing else to select selects (`1`). */
const CONSTANT_COLUMN: LayoutColumn = { table: '', name: '' };

/**
 * The select list with `*` and `t.*` expanded in FROM order: to the columns of a derived table,
 * and for a table (whose columns vtgate does not know) to a {@link STAR_OF} item expanded from the
 * rows' fields.
 */
function expandStars(items: Expr[], leaves: Leaf[]): Expr[] {
  return items.flatMap((item) => {
    const e = item.expr as Expr;
    if (e?.type !== 'column_ref' || e.column !== '*') return [item];
    const table = identName(e.table);
    const over = table === null ? leaves : leaves.filter((l) => l.alias === table);
    if (over.length === 0) throw sqlError(ER.BAD_TABLE_ERROR, `Unknown table '${table}'`);
    return over.flatMap((l) => {
      if (!l.derived) return [{ expr: { type: STAR_OF, table: l.alias }, as: null } as unknown as Expr];
      return l.derived.columns.map((column) => ({ expr: { type: 'column_ref', table: l.alias, column }, as: null }) as unknown as Expr);
    });
  });
}

/** The subquery of an `EXISTS (…)` or `NOT EXISTS (…)` conjunct. */
function existsSubquery(c: Expr): { anti: boolean; sub: Statement } | undefined {
  if (c.type === 'unary_expr' && String(c.operator).toUpperCase() === 'NOT EXISTS' && c.expr?.ast) return { anti: true, sub: c.expr.ast as Statement };
  if (c.type === 'function' && String(c.name?.name?.[0]?.value ?? '').toUpperCase() === 'EXISTS') {
    const sub = (c.args?.value as Expr[] | undefined)?.[0]?.ast;
    if (sub) return { anti: false, sub: sub as Statement };
  }
  return undefined;
}

/** A subquery's text with every `outer.column` reference (`outer(table)` true) replaced by its bind variable; `seen` hears each one. */
function bindOuterText(text: string, outer: (table: string) => boolean, seen: (table: string, column: string) => void): string {
  const lx = new SqlLexer(text);
  const toks: { kind: Tok; start: number; end: number; text: string }[] = [];
  for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) toks.push({ kind: k, start: lx.start, end: lx.end, text: lx.text() });
  const name = (t: { kind: Tok; text: string }) => (t.kind === Tok.QUOTED_IDENT ? t.text.slice(1, -1).replace(/``/g, '`') : t.kind === Tok.WORD ? t.text : undefined);
  let out = '';
  let copied = 0;
  for (let i = 0; i + 2 < toks.length; i++) {
    const [t, dot, c] = [toks[i]!, toks[i + 1]!, toks[i + 2]!];
    const table = name(t);
    const column = name(c);
    if (table === undefined || column === undefined || dot.text !== '.' || toks[i - 1]?.text === '.' || !outer(table)) continue;
    seen(table, column);
    out += text.slice(copied, t.start) + `:${bindName(table, column)}`;
    copied = c.end;
    i += 2;
  }
  return out + text.slice(copied);
}

/** Every column reference of an expression outside subqueries. */
function columnRefs(e: unknown, out: Expr[] = []): Expr[] {
  if (!e || typeof e !== 'object') return out;
  if (Array.isArray(e)) {
    for (const x of e) columnRefs(x, out);
    return out;
  }
  const node = e as Expr;
  if (node.type === 'column_ref') {
    out.push(node);
    return out;
  }
  if (node.type === 'select' || 'ast' in node) throw unsupported('subquery in a join across shards');
  for (const k in node) if (k !== 'type') columnRefs(node[k], out);
  return out;
}

/** A copy of the expression with `replace` applied to every node it returns a value for. */
function rewrite(e: Expr, replace: (node: Expr) => Expr | undefined): Expr {
  const visit = (v: unknown): unknown => {
    if (!v || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(visit);
    const r = replace(v as Expr);
    if (r) return r;
    const out: Record<string, unknown> = {};
    for (const k in v as object) out[k] = visit((v as Record<string, unknown>)[k]);
    return out;
  };
  return visit(e) as Expr;
}

/** The name of the bind variable carrying a column to a later route (`<table>_<column>`, as Vitess names them). */
function bindName(table: string, column: string): string {
  return `${table}_${column}`.toLowerCase();
}

/** The predicate with the columns of earlier routes replaced by their bind variables. */
function bindOuterColumns(pred: Expr, isOuter: (col: Expr) => boolean): Expr {
  return rewrite(pred, (n) => (n.type === 'column_ref' && isOuter(n) ? { type: 'param', value: bindName(String(identName(n.table)), String(identName(n.column))) } : undefined));
}

/** The join bind variables a pushed predicate names. */
function bindNames(pred: Expr): string[] {
  const out: string[] = [];
  rewrite(pred, (n) => {
    if (n.type === 'param' && !/^vtg\d+$/.test(String(n.value))) out.push(String(n.value));
    return undefined;
  });
  return out;
}

/** Unqualified names of select aliases replaced by the aliased expressions (HAVING, ORDER BY and GROUP BY may name them). */
function substituteAliases(e: Expr, aliases: Map<string, Expr>): Expr {
  if (aliases.size === 0) return e;
  return rewrite(e, (n) => (n.type === 'column_ref' && identName(n.table) === null ? aliases.get(String(identName(n.column)).toLowerCase()) : undefined));
}

/** The select item a position (`order by 2`) names; SqlError 1054 when out of range. */
function itemAt(items: Expr[], pos: Expr, clause: string): Expr {
  const n = Number(pos.value);
  if (!Number.isInteger(n) || n < 1 || n > items.length) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${n}' in '${clause}'`);
  return items[n - 1]!.expr as Expr;
}

function andAll(preds: Expr[]): Expr {
  return preds.reduce((a, b) => ({ type: 'binary_expr', operator: 'AND', left: a, right: b }) as Expr);
}

/**
 * `select * from a [left|right] join b using (c, …)` with `*` written out from the tracked columns
 * in MySQL's order: the USING columns once (from the table whose rows the join keeps: b for a
 * RIGHT JOIN, else a), then the other columns of that table, then the other table's. Undefined for
 * other shapes (more tables, a derived table, a qualified or second `*`); SchemaTrackingNeeded
 * while a table's keyspace is not tracked yet.
 */
function starOverUsing(sql: string, from: Expr[], resolved: ResolvedTable[], schema: SchemaTracker): string | undefined {
  const st = selectText(sql);
  if (!st || from.length !== 2 || from.some((f) => f.expr) || !Array.isArray(from[1]!.using)) return undefined;
  const stars = st.items.filter((r) => sql.slice(r.start, r.end).trim() === '*');
  if (stars.length !== 1) return undefined;
  const sides = from.map((f) => {
    const alias = identName(f.as) ?? String(identName(f.table));
    const table = resolved.find((r) => !r.ref.nested && r.ref.alias === alias)?.table;
    if (!table) return undefined;
    const ks = table.keyspace.name;
    if (!schema.loaded(ks)) throw new SchemaTrackingNeeded(ks, schemaTrackingRequired());
    const columns = schema.columns(ks, table.name);
    return columns ? { alias, columns } : undefined;
  });
  if (!sides[0] || !sides[1]) return undefined;
  const using = (from[1]!.using as Expr[]).map((u) => String(identName(u.value) ?? identName(u)).toLowerCase());
  const [kept, other] = String(from[1]!.join ?? '').toUpperCase().startsWith('RIGHT') ? [sides[1], sides[0]] : [sides[0], sides[1]];
  const name = (c: string) => c.toLowerCase();
  const find = (side: { columns: readonly string[] }, c: string) => side.columns.find((x) => name(x) === c);
  if (using.some((c) => !find(kept, c) || !find(other, c))) return undefined;
  const ref = (alias: string, c: string) => `${quoteIdent(alias)}.${quoteIdent(c)}`;
  const list = [
    ...using.map((c) => ref(kept.alias, find(kept, c)!)),
    ...kept.columns.filter((c) => !using.includes(name(c))).map((c) => ref(kept.alias, c)),
    ...other.columns.filter((c) => !using.includes(name(c))).map((c) => ref(other.alias, c)),
  ];
  const star = stars[0]!;
  return `${sql.slice(0, star.start)}${list.join(', ')}${sql.slice(star.end)}`;
}

/** VT09015: a column vtgate cannot place without the tables' schemas (`*`, unqualified names in a join across routes). */
function schemaTrackingRequired() {
  return sqlError(ER.UNKNOWN_ERROR, 'VT09015: schema tracking required', Code.FAILED_PRECONDITION);
}
