/**
 * Planning SELECT: tableless selects run in vtgate; selects on an unsharded keyspace go to its
 * shard; sharded selects go to the shard of a vindex value, the shards of an IN list, any shard
 * (reference tables) or every shard with a merge (ORDER BY, LIMIT, aggregates, DISTINCT); a UNION
 * reaching a sharded keyspace (or several keyspaces) runs its branches apart and concatenates them.
 */
import { Code, ER, sqlError } from '@vtsim/proto';
import { aggregateCall, compileExpr, isAggregateNode, literalItemName, parseStatement, type AggregateName, type CompiledExpr, type Expr, type Statement } from '@vtsim/sql';
import { Concatenate } from '../engine/concatenate.js';
import { LocalSelect } from '../engine/local-select.js';
import { MergedProjection } from '../engine/merged-projection.js';
import type { QueryAccess } from '../engine/primitive.js';
import { Route } from '../engine/route.js';
import type { ColumnPos, MergeSpec, OrderKey, OutputColumnRole } from '../engine/scatter-merge.js';
import type { ValueSource } from '../engine/value-source.js';
import { NO_COLUMNS, aggregatesIn, conjuncts, containsAggregate, exprKey, formatExpr, identName, unsupported, windowPartitions } from './ast.js';
import { planWith } from './cte-planner.js';
import { outerJoinsShardedToReference, planJoin, usingPredicates } from './join-planner.js';
import { planSubqueries } from './subquery-planner.js';
import type { Plan, PlanContext } from './plan.js';
import { selectText, stripQualifiers, unionText, type SelectClause, type SelectText } from './query-text.js';
import { planInformationSchema } from './info-schema-planning.js';
import { collectTables, type ResolvedTable, resolveTables, SYSTEM_SCHEMAS, type TableRef } from './table-refs.js';
import { colocated, findVindexRoute, valueSource, type ScopedTable } from './vindex-predicates.js';

/** Plans a SELECT (or UNION). `sql` is the normalized text the AST was parsed from. */
export function planSelect(ast: Statement, sql: string, ctx: PlanContext): Plan {
  const planText = (s: string): Plan => planSelect(parseStatement(s), s, ctx);
  const refs = collectTables(ast);
  if (refs.some((r) => r.db !== null && SYSTEM_SCHEMAS.has(r.db.toLowerCase()))) return planInformationSchema(ast, sql, ctx);
  if (ast.with) return planWith(ast, sql, ctx, planText, (s) => anyShardPlan(s, ctx));
  if (refs.length === 0) return planTableless(ast, sql, ctx);
  const text = stripQualifiers(sql, qualifiers(refs, ctx));
  const resolved = resolveTables(refs, ctx.vschema, ctx.keyspace, ctx.tabletType);
  const ks = resolved[0]!.table.keyspace;
  let subqueriesMerged = false;
  if (resolved.some((r) => r.ref.nested) && resolved.some((r) => r.table.keyspace !== ks || ks.sharded)) {
    const top = resolved.filter((r) => !r.ref.nested);
    const sq = planSubqueries(ast, text, ctx, top, planText);
    if (sq.kind === 'pulled') return sq.plan;
    if (sq.kind === 'semi') return planJoin(ast, text, resolved, planText, ctx.schema) ?? throwError(unsupported('unmergable subquery can not be inside complex expression'));
    subqueriesMerged = sq.kind === 'merged';
  }
  if (ast._next && (ks.sharded || resolved.some((r) => r.table.keyspace !== ks))) {
    const union = planUnion(sql, ctx);
    if (union) return union;
  }
  if (resolved.some((r) => r.table.keyspace !== ks)) return planJoin(ast, text, resolved, planText, ctx.schema) ?? throwError(unsupported('cross-keyspace query'));
  const access: QueryAccess = { tables: [...new Set(resolved.map((r) => r.table.name))], write: false };
  const plan = (route: Route): Plan => ({ type: 'select', primitive: route, write: false });
  if (!ks.sharded) return plan(new Route({ keyspace: ks.name, opcode: 'unsharded', query: text, access }));

  const top = resolved.filter((r) => !r.ref.nested);
  const nested = resolved.filter((r) => r.ref.nested);
  const scoped: ScopedTable[] = top.map((r) => ({ alias: r.ref.alias, table: r.table }));
  const shardedTop = scoped.filter((t) => t.table.type !== 'reference' && t.table.columnVindexes.length > 0);
  const nestedSharded = nested.some((r) => r.table.type !== 'reference');
  if (shardedTop.length === 0 && !nestedSharded) {
    return plan(new Route({ keyspace: ks.name, opcode: 'reference', query: text, access }));
  }
  let multiShardError: string | Error | undefined;
  if (nestedSharded && !subqueriesMerged && !rowwiseDerived(ast, nested, ks)) {
    const derived = ((ast.from ?? []) as Expr[]).some((f) => f.expr) ? planJoin(ast, text, resolved, planText, ctx.schema) : undefined;
    if (derived) return derived;
    multiShardError = 'cross-shard subquery';
  }
  if (ast._next) multiShardError ??= 'cross-shard union';
  const joinPredicates = conjuncts(ast.where as Expr);
  ((ast.from ?? []) as Expr[]).forEach((f, i, from) => (f.on ? conjuncts(f.on as Expr, joinPredicates) : joinPredicates.push(...usingPredicates(from, i))));
  if (!colocated(scoped, joinPredicates) || outerJoinsShardedToReference((ast.from ?? []) as Expr[], resolved)) {
    const join = multiShardError ? undefined : planJoin(ast, text, resolved, planText, ctx.schema);
    if (join) return join;
    multiShardError ??= 'cross-shard join';
  }

  const route = multiShardError ? undefined : findVindexRoute(ast.where as Expr, scoped);
  if (route?.opcode === 'equal') {
    return plan(new Route({ keyspace: ks.name, opcode: 'equal', query: text, vindex: route.vindex, values: route.values, access }));
  }
  // A window runs on each shard: right only when its partitions never span shards (Vitess v24's rule).
  if (windowPartitions(ast as Expr).some((parts) => !parts.some((e) => onVindexColumn(e, shardedTop)))) {
    multiShardError ??= 'window functions are only supported for single-shard queries';
  }
  let scatter: { sql: string; merge: MergeSpec } | undefined;
  if (!multiShardError) {
    try {
      const st = selectText(text);
      if (!st) throw unsupported('query shape in a scatter query');
      scatter = buildScatter(ast, text, st, scoped);
    } catch (err) {
      multiShardError = err as Error;
    }
  }
  return plan(
    new Route({
      keyspace: ks.name,
      opcode: route ? 'in' : 'scatter',
      query: text,
      scatterQuery: scatter?.sql,
      merge: scatter?.merge,
      vindex: route?.vindex,
      values: route?.values,
      access,
      multiShardError,
    }),
  );
}

/**
 * Plans a UNION whose branches do not all go to one unsharded keyspace: each branch is planned on
 * its own and the results are concatenated in vtgate (deduplicated for UNION DISTINCT), then
 * sorted and limited by the union's ORDER BY / LIMIT, which name the first branch's columns or
 * positions. Undefined when the text cannot be split into branches.
 */
function planUnion(sql: string, ctx: PlanContext): Plan | undefined {
  const u = unionText(sql);
  if (!u) return undefined;
  const branches = u.branches.map((text) => planSelect(parseStatement(text), text, ctx).primitive);
  let merge: MergeSpec | undefined;
  if (u.tail) {
    const tail = parseStatement(`select 1 from dual ${u.tail}`);
    const orderBy: OrderKey[] = ((tail.orderby ?? []) as Expr[]).map((o) => {
      const e = o.expr as Expr;
      const desc = String(o.type ?? '').toUpperCase() === 'DESC';
      if (e.type === 'number') return { column: { index: Number(e.value) - 1 }, desc };
      if (e.type === 'column_ref') return { column: { name: String(identName(e.column)), table: null }, desc };
      throw unsupported('expression in ORDER BY of a union across shards');
    });
    merge = { distinct: false, orderBy, limit: limitOf(tail.limit as Expr), hidden: 0 };
  }
  return { type: 'select', write: false, primitive: new Concatenate(branches, u.distinct, merge) };
}

/**
 * True when the FROM list is one derived table that each shard can compute for its own rows (no
 * grouping, aggregate, DISTINCT, LIMIT, window or union, no subquery, tables of this keyspace
 * only): the statement then runs on the shards as written, as Vitess merges such a derived table
 * into the outer route, and the shards' results merge like any scatter's.
 */
function rowwiseDerived(ast: Statement, nested: ResolvedTable[], ks: ResolvedTable['table']['keyspace']): boolean {
  const from = (ast.from ?? []) as Expr[];
  const inner = from.length === 1 ? (from[0]!.expr?.ast as Statement | undefined) : undefined;
  if (!inner || inner.type !== 'select' || inner._next || inner.with || inner.groupby || inner.having || inner.limit || inner.distinct) return false;
  if (((inner.columns ?? []) as Expr[]).some((c) => containsAggregate(c.expr)) || windowPartitions(inner as Expr).length > 0) return false;
  if (collectTables(inner).some((r) => r.nested)) return false;
  const outside = collectTables({ ...ast, from: [] } as Statement);
  return outside.length === 0 && nested.every((r) => r.table.keyspace === ks);
}

function throwError(err: Error): never {
  throw err;
}

/** The keyspace qualifiers to strip: every qualifier that names a keyspace. */
function qualifiers(refs: TableRef[], ctx: PlanContext): Set<string> {
  const out = new Set<string>();
  for (const r of refs) if (r.db !== null && ctx.keyspaceNames.has(r.db)) out.add(r.db);
  return out;
}

/** A plan that sends the query unchanged to one shard of the session's keyspace (or the first keyspace). */
export function anyShardPlan(sql: string, ctx: PlanContext): Plan {
  const keyspace = ctx.keyspace || ctx.vschema.keyspaceNames()[0] || [...ctx.keyspaceNames][0];
  if (!keyspace) throw noDatabase();
  const text = stripQualifiers(sql, ctx.keyspaceNames);
  return { type: 'select', write: false, primitive: new Route({ keyspace, opcode: 'reference', query: text, access: { tables: [], write: false } }) };
}

/** SqlError 1046 as Vitess words it when no keyspace is selected. */
export function noDatabase() {
  return sqlError(ER.NO_DB_ERROR, 'No database selected: use keyspace<:shard><@type> or keyspace<[range]><@type> (<> are optional)');
}

function planTableless(ast: Statement, sql: string, ctx: PlanContext): Plan {
  const items = (ast.columns ?? []) as Expr[];
  const st = selectText(sql);
  if (ast._next || ast.where || ast.groupby || ast.having || !st || st.items.length !== items.length || items.some(isStar)) {
    return anyShardPlan(sql, ctx);
  }
  try {
    const columns = items.map((item, i) => {
      const expr = compileExpr(item.expr as Expr, NO_COLUMNS);
      const text = sql.slice(st.items[i]!.start, st.items[i]!.end);
      return { name: columnName(item, text), expr };
    });
    return { type: 'select', write: false, primitive: new LocalSelect(columns, limitOf(ast.limit)?.count) };
  } catch (err) {
    if (ctx.keyspace || ctx.vschema.keyspaceNames().length > 0) return anyShardPlan(sql, ctx);
    throw err;
  }
}

/** The name MySQL gives a select item: its alias, a literal's name (see literalItemName), else its text as written. */
function columnName(item: Expr, text: string): string {
  const alias = identName(item.as);
  if (alias) return alias;
  return literalItemName(item.expr as Expr, text) ?? text;
}

function isStar(item: Expr): boolean {
  const e = item.expr as Expr | undefined;
  return !!e && e.type === 'column_ref' && e.column === '*';
}

/** LIMIT's count and offset as value sources. */
export function limitOf(limit: Expr | null | undefined): { count: ValueSource; offset?: ValueSource } | undefined {
  const values = (limit?.value ?? []) as Expr[];
  if (values.length === 0) return undefined;
  const src = (e: Expr): ValueSource => {
    const s = valueSource(e);
    if (!s) throw unsupported('LIMIT expression');
    return s;
  };
  if (values.length === 1) return { count: src(values[0]!) };
  return limit!.seperator === ',' ? { offset: src(values[0]!), count: src(values[1]!) } : { count: src(values[0]!), offset: src(values[1]!) };
}

const MERGEABLE: Record<string, AggregateName> = {
  COUNT: 'COUNT', SUM: 'SUM', MIN: 'MIN', MAX: 'MAX', BIT_AND: 'BIT_AND', BIT_OR: 'BIT_OR', BIT_XOR: 'BIT_XOR', GROUP_CONCAT: 'GROUP_CONCAT',
};

/**
 * Builds the shard query and the merge of a scatter SELECT. Select items keep their text;
 * columns needed only by the merge (ORDER BY/GROUP BY terms, COUNT for AVG, aggregates of
 * HAVING) are appended as hidden columns and dropped after the merge.
 */
function buildScatter(ast: Statement, text: string, st: SelectText, scoped: ScopedTable[]): { sql: string; merge: MergeSpec } {
  const items = (ast.columns ?? []) as Expr[];
  const itemTexts = st.items.map((r) => text.slice(r.start, r.end));
  if (items.length !== itemTexts.length) throw unsupported('select expression list in a scatter query');
  const hasStar = items.some(isStar);
  const groupBy = ((ast.groupby?.columns ?? []) as Expr[]).filter(Boolean);
  const aggregated = groupBy.length > 0 || items.some((i) => containsAggregate(i.expr)) || containsAggregate(ast.having);
  const limit = limitOf(ast.limit as Expr);
  const distinct = String(ast.distinct ?? '').toUpperCase() === 'DISTINCT';

  const texts = itemTexts.slice();
  const keys = items.map((i) => exprKey(i.expr as Expr));
  const exprs = items.map((i) => i.expr as Expr);
  const aliases = items.map((i) => identName(i.as)?.toLowerCase());
  const roles: OutputColumnRole[] = items.map(() => ({ kind: 'value' }));
  let hidden = 0;
  const addHidden = (e: Expr, role: OutputColumnRole): number => {
    texts.push(formatExpr(e));
    keys.push(exprKey(e));
    exprs.push(e);
    aliases.push(undefined);
    roles.push(role);
    hidden++;
    return texts.length - 1;
  };
  const findItem = (e: Expr): number => {
    if (e.type === 'column_ref' && identName(e.table) === null) {
      const a = aliases.indexOf(String(identName(e.column)).toLowerCase());
      if (a >= 0) return a;
    }
    const k = keys.indexOf(exprKey(e));
    if (k >= 0) return k;
    if (e.type === 'column_ref') {
      const name = String(identName(e.column)).toLowerCase();
      const table = identName(e.table);
      return exprs.findIndex(
        (x) => x.type === 'column_ref' && String(identName(x.column)).toLowerCase() === name && (table === null || identName(x.table) === null || identName(x.table) === table),
      );
    }
    return -1;
  };
  const position = (e: Expr): number | undefined => {
    if (e.type !== 'number') return undefined;
    const n = Number(e.value);
    if (!Number.isInteger(n) || n < 1 || n > items.length) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${n}' in 'order clause'`);
    return n - 1;
  };

  if (!aggregated) {
    const pending: { hiddenIndex: number; desc: boolean }[] = [];
    const orderBy: OrderKey[] = [];
    for (const o of (ast.orderby ?? []) as Expr[]) {
      const e = o.expr as Expr;
      const desc = String(o.type ?? '').toUpperCase() === 'DESC';
      const pos = position(e);
      if (pos !== undefined) {
        if (hasStar) throw unsupported('ORDER BY position with * in a scatter query');
        orderBy.push({ column: { index: pos }, desc });
        continue;
      }
      if (hasStar && e.type === 'column_ref') {
        orderBy.push({ column: { name: String(identName(e.column)), table: identName(e.table) }, desc });
        continue;
      }
      let idx = hasStar ? -1 : findItem(e);
      if (idx < 0) {
        idx = addHidden(e, { kind: 'value' });
        if (hasStar) {
          pending.push({ hiddenIndex: hidden - 1, desc });
          orderBy.push({ column: { fromEnd: 0 }, desc });
          continue;
        }
      }
      orderBy.push({ column: { index: idx }, desc });
    }
    let p = 0;
    for (const key of orderBy) if ('fromEnd' in key.column) (key.column as { fromEnd: number }).fromEnd = hidden - pending[p++]!.hiddenIndex;
    const pushed = limit ? pushedLimit(limit) : undefined;
    const sql = compose(text, st, texts, { limit: pushed });
    return { sql, merge: { distinct, orderBy, limit, hidden } };
  }

  if (hasStar) throw unsupported('aggregation with * in a scatter query');
  // The shards' super-aggregate rows would merge as ordinary NULL groups: refused rather than wrong.
  if (st.clauses.groupBy && WITH_ROLLUP.test(text.slice(st.clauses.groupBy.start, st.clauses.groupBy.end))) throw unsupported('GROUP BY WITH ROLLUP not supported for sharded queries');
  let distinctArg: Expr | undefined;
  let countStar: number | undefined;
  /** Expressions added to the shards' GROUP BY (COUNT(DISTINCT x), GROUP_CONCAT … ORDER BY): finer shard groups merge the same. */
  const pushedGroup: { key: string; text: string; index: number }[] = [];
  const pushGroup = (e: Expr): number => {
    const key = exprKey(e);
    const known = pushedGroup.find((p) => p.key === key);
    if (known) return known.index;
    let index = findItem(e);
    if (index < 0) index = addHidden(e, { kind: 'value' });
    pushedGroup.push({ key, text: formatExpr(e), index });
    return index;
  };
  /**
   * The role of an aggregate call's column. COUNT/SUM/AVG(DISTINCT x) push x into the shards'
   * grouping (one such x per query, as in Vitess; COUNT(DISTINCT) of the primary vindex column
   * needs no help: its values never span shards); GROUP_CONCAT with ORDER BY or DISTINCT pushes
   * its value and ORDER BY terms, with a row count per shard group.
   */
  const roleOf = (node: Expr): OutputColumnRole => {
    const call = aggregateCall(node);
    if (call?.name === 'GROUP_CONCAT' && (call.orderBy.length > 0 || call.distinct)) {
      if (call.args.length !== 1) throw unsupported('group_concat of several expressions across shards');
      const valueIndex = pushGroup(call.args[0]!);
      const orderBy = call.orderBy.map((o) => ({ index: pushGroup(o.expr as Expr), desc: String(o.type ?? '').toUpperCase() === 'DESC' }));
      countStar ??= addHidden(COUNT_STAR, { kind: 'value' });
      return { kind: 'groupConcat', valueIndex, orderBy, countIndex: countStar, separator: call.separator, distinct: call.distinct };
    }
    const name = call?.distinct ? DISTINCT_AGGREGATES[call.name] : undefined;
    if (!name || (name === 'COUNT_DISTINCT' && onVindexColumn(node.args?.expr as Expr, scoped))) return aggregateRole(node);
    if (call!.args.length !== 1) throw sqlError([1149, '42000'], `VT03001: aggregate functions take a single argument '${formatExpr(node)}'`, Code.INVALID_ARGUMENT);
    const arg = call!.args[0]!;
    if (distinctArg && exprKey(distinctArg) !== exprKey(arg)) throw unsupported(`only one DISTINCT aggregation is allowed in a SELECT: ${formatExpr(node)}`);
    distinctArg = arg;
    return { kind: 'distinct', name, valueIndex: pushGroup(arg) };
  };
  const addAggregate = (node: Expr): number => {
    const found = findItem(node);
    if (found >= 0) return found;
    const name = String(node.name).toUpperCase();
    if (name === 'AVG' && !node.args?.distinct) {
      const sumIdx = addHidden({ ...node, name: 'SUM' }, { kind: 'value' });
      const countIdx = addHidden({ ...node, name: 'COUNT' }, { kind: 'agg', name: 'COUNT' });
      roles[sumIdx] = { kind: 'avg', countIndex: countIdx, name: formatExpr(node) };
      keys[sumIdx] = exprKey(node);
      return sumIdx;
    }
    const index = addHidden(node, { kind: 'value' });
    roles[index] = roleOf(node);
    return index;
  };
  const projections: { index: number; expr: Expr }[] = [];
  items.forEach((item, i) => {
    const e = item.expr as Expr;
    if (isAggregateNode(e)) {
      if (String(e.name).toUpperCase() === 'AVG' && !e.args?.distinct) {
        texts[i] = itemTexts[i]!.replace(/^avg\s*\(/i, 'sum(');
        const countIdx = addHidden({ ...e, name: 'COUNT' }, { kind: 'agg', name: 'COUNT' });
        roles[i] = { kind: 'avg', countIndex: countIdx, name: identName(item.as) ?? itemTexts[i]! };
      } else {
        roles[i] = roleOf(e);
      }
    } else if (containsAggregate(e)) {
      projections.push({ index: i, expr: e });
    }
  });
  const groupKeys: number[] = [];
  for (const g of groupBy) {
    let idx = position(g) ?? findItem(g);
    if (idx < 0) idx = addHidden(g, { kind: 'key' });
    roles[idx] = { kind: 'key' };
    groupKeys.push(idx);
  }
  // Expressions over aggregates: each aggregate becomes a (hidden) column merged as usual; the
  // expression is evaluated on the merged row. The shard still computes the item for its field.
  const project = (index: number, expr: Expr): void => {
    const aggregates = aggregatesIn(expr).map((node) => ({ node, index: addAggregate(node) }));
    const byKey = new Map(aggregates.map((a) => [exprKey(a.node), a.index]));
    roles[index] = {
      kind: 'expr',
      projection: new MergedProjection(expr, {
        aggregate: (node) => byKey.get(exprKey(node)),
        column: (table, column) => findItem({ type: 'column_ref', table, column }),
        argument: (table, column) => argumentColumn(aggregates, table, column),
      }),
    };
  };
  for (const p of projections) project(p.index, p.expr);
  let having: CompiledExpr | undefined;
  if (ast.having) {
    for (const a of aggregatesIn(ast.having)) addAggregate(a);
    having = compileExpr(ast.having as Expr, {
      column(table, name) {
        const idx = findItem({ type: 'column_ref', table, column: name });
        if (idx < 0) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${name}' in 'having clause'`);
        return { index: idx, type: null };
      },
      aggregate: (node) => addAggregate(node),
    });
  }
  const orderBy: OrderKey[] = [];
  for (const o of (ast.orderby ?? []) as Expr[]) {
    const e = o.expr as Expr;
    const desc = String(o.type ?? '').toUpperCase() === 'DESC';
    let idx = position(e) ?? findItem(e);
    if (idx < 0) {
      if (e.type === 'aggr_func') idx = addAggregate(e);
      else {
        idx = addHidden(e, { kind: 'value' });
        if (containsAggregate(e)) project(idx, e);
      }
    }
    orderBy.push({ column: { index: idx } as ColumnPos, desc });
  }
  const pushedText = pushedGroup.map((p) => p.text).join(', ');
  const groupByText = pushedGroup.length === 0 ? undefined : st.clauses.groupBy ? `${text.slice(st.clauses.groupBy.start, st.clauses.groupBy.end)}, ${pushedText}` : `group by ${pushedText}`;
  const sql = compose(text, st, texts, { dropHaving: true, dropOrderBy: true, dropLimit: true, groupBy: groupByText });
  return { sql, merge: { aggregation: { roles, groupKeys, having }, distinct: false, orderBy, limit, hidden } };
}

const ARG_TYPE_PREFERENCE = ['MIN', 'MAX', 'SUM', 'AVG'];

const WITH_ROLLUP = /\bwith\s+rollup\b/i;

/** `count(*)`, the row count of each shard group. */
const COUNT_STAR = (parseStatement('select count(*)').columns as Expr[])[0]!.expr as Expr;

/** The merged column of an aggregate whose argument is this column (MIN/MAX first, whose type is the argument's), or -1. */
function argumentColumn(aggregates: { node: Expr; index: number }[], table: string | null, name: string): number {
  let best = -1;
  let rank = Infinity;
  for (const a of aggregates) {
    const arg = a.node.args?.expr as Expr | undefined;
    if (!arg || arg.type !== 'column_ref' || String(identName(arg.column)).toLowerCase() !== name.toLowerCase()) continue;
    if (table !== null && identName(arg.table) !== null && identName(arg.table) !== table) continue;
    const r = ARG_TYPE_PREFERENCE.indexOf(String(a.node.name).toUpperCase());
    const score = r < 0 ? ARG_TYPE_PREFERENCE.length : r;
    if (score < rank) {
      rank = score;
      best = a.index;
    }
  }
  return best;
}

/** The aggregates whose DISTINCT form vtgate computes from the shards' distinct values. */
const DISTINCT_AGGREGATES: Partial<Record<AggregateName, 'COUNT_DISTINCT' | 'SUM' | 'AVG'>> = { COUNT_DISTINCT: 'COUNT_DISTINCT', SUM: 'SUM', AVG: 'AVG' };

/** The role of an aggregate merged from its per-shard partials (DISTINCT forms are handled before). */
function aggregateRole(e: Expr): OutputColumnRole {
  // COUNT(DISTINCT vindex column) merges as COUNT (see roleOf); BIT_AND … parse as function calls.
  const name = e.type === 'aggr_func' ? String(e.name).toUpperCase() : (aggregateCall(e)?.name ?? '');
  const merged = MERGEABLE[name];
  // Vitess's words for an aggregate it has no opcode for (std, variance, json_arrayagg …).
  if (!merged) throw unsupported(`in scatter query: aggregation function '${formatExpr(e).replace(/`/g, '')}'`);
  return { kind: 'agg', name: merged };
}

/** True if the expression is the primary vindex column of a sharded table (its distinct values never span shards). */
function onVindexColumn(e: Expr | undefined, scoped: ScopedTable[]): boolean {
  if (!e || e.type !== 'column_ref') return false;
  const name = String(identName(e.column)).toLowerCase();
  const table = identName(e.table);
  return scoped.some((t) => (table === null || t.alias === table) && t.table.columnVindexes[0]?.column === name);
}

function pushedLimit(limit: { count: ValueSource; offset?: ValueSource }): string | undefined {
  const count = limit.count.kind === 'literal' ? limit.count.value : undefined;
  const offset = limit.offset ? (limit.offset.kind === 'literal' ? limit.offset.value : undefined) : 0n;
  if (typeof count !== 'bigint' || typeof offset !== 'bigint') return undefined;
  return `limit ${count + offset}`;
}

const CLAUSE_ORDER: SelectClause[] = ['from', 'where', 'groupBy', 'having', 'window', 'orderBy', 'limit', 'tail'];

/** Reassembles a SELECT with new select items and some clauses dropped or replaced. */
function compose(
  text: string,
  st: SelectText,
  items: string[],
  opts: { dropHaving?: boolean; dropOrderBy?: boolean; dropLimit?: boolean; limit?: string; groupBy?: string },
): string {
  let out = text.slice(0, st.itemsStart) + items.join(', ');
  for (const c of CLAUSE_ORDER) {
    if (c === 'groupBy' && opts.groupBy) {
      out += ' ' + opts.groupBy;
      continue;
    }
    const r = st.clauses[c];
    if (!r) continue;
    if ((c === 'having' && opts.dropHaving) || (c === 'orderBy' && opts.dropOrderBy) || (c === 'limit' && opts.dropLimit)) continue;
    if (c === 'limit') {
      if (opts.limit) out += ' ' + opts.limit;
      continue;
    }
    out += ' ' + text.slice(r.start, r.end);
  }
  return out;
}

