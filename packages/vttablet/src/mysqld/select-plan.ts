/**
 * SELECT compiled once into a reusable plan: FROM sources and joins with their access paths, WHERE,
 * GROUP BY with aggregates, HAVING, the select list, DISTINCT, ORDER BY, LIMIT, UNION, derived tables
 * and (correlated) subqueries. Plans hold no session state; they read tables through the ExecSession.
 */
import { ER, Type, sqlError, type BindVars, type Field, type SqlValue } from '@vtsim/proto';
import {
  compareValues,
  aggregateCall,
  columnTypeOf,
  compileExpr,
  createAggregate,
  decimal,
  isDynamicType,
  isTrue,
  resultField,
  literalItemName,
  toBigInt,
  valueComparator,
  toDecimal,
  toDouble,
  toText,
  unifyTypes,
  type Aggregate,
  type AggregateName,
  type ColumnType,
  type CompiledExpr,
  type EvalEnv,
  type Expr,
  type ExprScope,
  type Statement,
  type SubqueryRunner,
} from '@vtsim/sql';
import { accessRows, chooseAccessPath, type AccessPath } from './access-path.js';
import { identName, isSubqueryNode, tableNameOf } from './ast-names.js';
import { containsSubquery, conjuncts, exprText, rewriteExpr, walkExpr } from './ast-walk.js';
import { BTree } from './btree.js';
import type { Catalog, ViewDefinition } from './catalog.js';
import { resolveTable, type TemporaryTables } from './temporary-tables.js';
import type { ExecSession } from './exec-session.js';
import { compileWith } from './cte.js';
import { fullGroupByError } from './full-group-by.js';
import { compileView } from './views.js';
import { INFORMATION_SCHEMA, informationSchemaTable, isInformationSchema } from './information-schema.js';
import { compileWindowFunction, evaluateWindows, isWindowNode, namedWindows, windowFunctionName } from './window-functions.js';
import { SourceLayout, type ResolvedColumn, type Source } from './source-scope.js';
import type { Key, Row } from './table-schema.js';

/** What planning reads: the catalog and the session's current database at planning time. */
export interface PlanContext {
  readonly catalog: Catalog;
  readonly database: string;
  /** The planning session's temporary tables, which shadow the catalog's tables and views. */
  readonly temporaryTables?: TemporaryTables;
  /** Common table expressions in scope (of this query's and enclosing queries' WITH clauses), by name. */
  readonly ctes?: ReadonlyMap<string, SelectPlan>;
}

/** A compiled SELECT (or UNION): its result fields and a function producing its rows. */
export interface SelectPlan {
  /** Result metadata; the Field objects are frozen and shared by every execution (and with table maps). */
  readonly fields: Field[];
  /** Column types of the result (null where unknown), for derived tables. */
  readonly columnTypes: readonly (ColumnType | null)[];
  /** Runs the query in a session. */
  execute(session: ExecSession, bindVars: BindVars): SqlValue[][];
  /**
   * The result metadata as a session sees it, where a column's type is the session's (`select @x`:
   * the type of what `@x` holds); absent when {@link fields} serve every session.
   */
  resultFields?(session: ExecSession): Field[];
}

/** Options of {@link compileSelect}. */
export interface SelectOptions {
  /** Raw text of the top-level select-list items (for result column names). */
  readonly texts?: readonly string[];
  /** Resolves names from an enclosing query (correlated subqueries). */
  readonly outer?: (table: string | null, name: string) => { index: number; type: ColumnType | null } | null;
}

type Outer = SelectOptions['outer'];

const EMPTY_ROW: readonly SqlValue[] = [];
/** Prefix of the synthetic column names through which expressions read window and ROLLUP slots. */
const SLOT = '\u0000slot_';
/** GROUPING()'s result type: a signed BIGINT (MySQL's Item_int_func). */
const GROUPING_TYPE = columnTypeOf(Type.INT64);

/**
 * Compiles a SELECT statement (a `select` AST, possibly a UNION chain through `_next`).
 * Throws SqlError at compile time for unknown tables (1146), columns (1054), ambiguity (1052) and
 * misuse of aggregates (1111).
 */
export function compileSelect(ast: Statement, ctx: PlanContext, options: SelectOptions = {}): SelectPlan {
  if (ast.with) {
    const outer = ctx;
    ctx = { ...ctx, ctes: compileWith(ast.with, ctx.ctes ?? new Map(), (cte, ctes) => compileSelect(cte, { ...outer, ctes }), dedupe) };
  }
  const union = unionParts(ast);
  const parts = union.parts;
  if (parts.length === 1) return compileSimpleSelect(ast, ctx, options, false);
  // MySQL: a DISTINCT union removes duplicates from everything to its left, overriding ALL unions there.
  let lastDistinct = -1;
  parts.forEach((p, i) => {
    if (i > 0 && p.op !== 'union all') lastDistinct = i;
  });
  const plans = parts.map((p, i) =>
    compileSimpleSelect(p.select, ctx, i === 0 ? options : { ...(options.outer ? { outer: options.outer } : {}) }, i === parts.length - 1 && union.lastOrderIsUnions),
  );
  const first = plans[0]!;
  for (const p of plans) {
    if (p.fields.length !== first.fields.length) {
      throw sqlError([1222, '21000'], 'The used SELECT statements have a different number of columns');
    }
  }
  const outScope: ExprScope = {
    column(table, name) {
      const i = first.fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
      if (table || i < 0) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${table ? `${table}.` : ''}${name}' in 'order clause'`);
      return { index: i, type: first.columnTypes[i] ?? null };
    },
  };
  const order = compileOrderBy(union.orderby, first, outScope, () => -1);
  const limit = compileLimit(union.limit);
  const merged = unionColumns(plans);
  return {
    fields: merged.fields,
    // A column whose branches differ in type is typed per value.
    columnTypes: first.columnTypes.map((t, i) => (plans.every((p) => p.columnTypes[i]?.type === t?.type) ? t : null)),
    execute(session, bindVars) {
      const results = plans.map((p) => p.execute(session, bindVars));
      const convert = merged.converter?.(results);
      let rows: SqlValue[][] = [];
      results.forEach((rs, i) => {
        for (const r of rs) rows.push(convert ? convert(r) : r);
        if (i === lastDistinct) rows = dedupe(rows);
      });
      const env: EvalEnv = { row: EMPTY_ROW, bindVars, session };
      if (order.length > 0) rows = sortRows(rows.map((r) => ({ out: r, ext: r })), order, env);
      return applyLimit(rows, limit, env);
    },
  };
}

/**
 * A UNION's result columns as MySQL types them: each column's type merges its branches' types
 * (`select 1 union select 'a'` is VARCHAR, `select 1 union select 2.5` DECIMAL, `select null union
 * select 1` BIGINT), named after the first branch. `converter` gives, for one execution's branch
 * results, the function that brings a row's values to those types (a DECIMAL column to its widest
 * scale: a branch's declared one, or for a computed DECIMAL the widest its values show); it is
 * absent when every column keeps the first branch's type.
 */
function unionColumns(plans: readonly SelectPlan[]): { fields: Field[]; converter?: (results: readonly SqlValue[][][]) => (row: SqlValue[]) => SqlValue[] } {
  const first = plans[0]!;
  type Convert = (results: readonly SqlValue[][][]) => (v: SqlValue) => SqlValue;
  const converters: (Convert | undefined)[] = [];
  const fields = first.fields.map((f, i) => {
    const types = plans.map((p) => p.fields[i]!.type);
    if (types.some(isDynamicType)) return f;
    const type = unifyTypes(types.map((t) => (t === Type.BINARY ? Type.VARBINARY : t === Type.CHAR ? Type.VARCHAR : t)));
    if (type === Type.DECIMAL) {
      converters[i] = (results) => {
        const scale = Math.max(0, ...plans.map((p, b) => decimalScale(p.fields[i]!, results[b]!, i)));
        return (v) => (v === null ? null : decimal.formatDecimal(decimal.roundDecimal(toDecimal(v)!, scale)));
      };
      return f.type === Type.DECIMAL ? f : Object.freeze(resultField(f.name, Type.DECIMAL));
    }
    if (type === f.type || type === Type.NULL_TYPE || (type === Type.VARCHAR && f.type === Type.CHAR) || (type === Type.VARBINARY && f.type === Type.BINARY)) return f;
    if (type === Type.VARCHAR) converters[i] = () => (v) => (v === null || typeof v === 'string' || v instanceof Uint8Array ? v : toText(v));
    else if (type === Type.FLOAT64) converters[i] = () => (v) => (v === null ? null : toDouble(v));
    return Object.freeze(resultField(f.name, type));
  });
  if (converters.length === 0) return { fields };
  return {
    fields,
    converter: (results) => {
      const conv = converters.map((c) => c?.(results));
      return (row) => row.map((v, i) => (conv[i] ? conv[i]!(v) : v));
    },
  };
}

/** The scale a branch's column brings to a DECIMAL union column: 0 for integers, else the declared scale, else the widest its values show. */
function decimalScale(field: Field, rows: readonly SqlValue[][], column: number): number {
  if (field.type !== Type.DECIMAL) return 0;
  if (field.decimals < 30) return field.decimals;
  let scale = 0;
  for (const r of rows) {
    const v = r[column];
    if (typeof v === 'string') scale = Math.max(scale, v.includes('.') ? v.length - v.indexOf('.') - 1 : 0);
  }
  return scale;
}

/** A UNION chain taken apart: its branches and the ORDER BY / LIMIT that apply to the whole union. */
interface UnionParts {
  /** Each branch with the operator joining it to the branches before it (`union`, `union all`; '' for the first). */
  readonly parts: { select: Statement; op: string }[];
  readonly orderby: unknown;
  readonly limit: unknown;
  /** True when the last branch's ORDER BY / LIMIT are the union's (the branch is not parenthesized). */
  readonly lastOrderIsUnions: boolean;
}

/**
 * Takes a UNION chain apart. A parenthesized branch keeps its own ORDER BY and LIMIT; the union's come
 * after the last parenthesized branch (`_orderby`) or are the last branch's when it is bare.
 * node-sql-parser reads `select … from t union all (select …)` as a FROM item joined with `union all`:
 * such items are branches too. INTERSECT and EXCEPT are syntax errors (1064), as in MySQL 8.0.30.
 */
function unionParts(ast: Statement): UnionParts {
  const parts: { select: Statement; op: string }[] = [];
  let op = '';
  let orderby: unknown = ast.window ? null : (ast._orderby ?? null);
  let limit: unknown = ast.window ? null : (ast._limit ?? null);
  let lastOrderIsUnions = false;
  for (let p: Statement | undefined = ast; p; p = p._next) {
    const from = Array.isArray(p.from) ? (p.from as Record<string, any>[]) : [];
    const cut = from.findIndex((f) => /^union/i.test(String(f.join ?? '')));
    const isLast = !p._next;
    if (cut < 0) {
      parts.push({ select: p, op });
      if (isLast && !p.parentheses_symbol && parts.length > 1 && orderby === null && limit === null) {
        orderby = p.orderby;
        limit = p.limit;
        lastOrderIsUnions = true;
      }
    } else {
      // The clauses after the FROM list belong to the last parenthesized branch's union.
      parts.push({ select: { ...p, from: from.slice(0, cut), orderby: null, limit: null, _next: undefined }, op });
      for (const f of from.slice(cut)) {
        if (!/^union/i.test(String(f.join ?? '')) || !isSubqueryNode(f.expr)) throw sqlError(ER.PARSE_ERROR, `syntax error near '${String(f.join ?? '')}'`);
        parts.push({ select: { ...f.expr.ast, parentheses_symbol: true }, op: String(f.join).toLowerCase().replace(/\s+/g, ' ') });
      }
      if (isLast && (p.orderby || p.limit)) {
        orderby = p.orderby;
        limit = p.limit;
      }
    }
    op = String(p.set_op ?? 'union').toLowerCase().replace(/\s+/g, ' ');
    if (p._next && op !== 'union' && op !== 'union all' && op !== 'union distinct') {
      // MySQL 8.0.30 (the version vtsim reports) and Vitess's parser have no INTERSECT / EXCEPT.
      throw sqlError(ER.PARSE_ERROR, `syntax error near '${op}'`);
    }
  }
  return { parts, orderby, limit, lastOrderIsUnions };
}

interface Step {
  readonly join: 'first' | 'inner' | 'left' | 'right';
  readonly source: Source;
  readonly derived?: SelectPlan;
  on?: CompiledExpr;
  access: AccessPath;
}

interface AggSpec {
  readonly node: Expr;
  readonly name: AggregateName;
  /** The argument expressions (none for COUNT(*)). */
  readonly args: readonly CompiledExpr[];
  readonly distinct: boolean;
  readonly separator: string | undefined;
  /** GROUP_CONCAT's ORDER BY keys (compiled against the source row). */
  readonly order: readonly OrderKey[];
}

interface OrderKey {
  /** Output column index, or -1 when `expr` computes the key from the extended row. */
  readonly output: number;
  readonly expr: CompiledExpr | null;
  readonly desc: boolean;
  /** Compares two key values by the key's type (decimal text numerically, enums by position, …). */
  readonly compare: (a: SqlValue, b: SqlValue) => number;
}

interface Projection {
  /** Row index copied as is, or -1 when `expr` computes the value. */
  readonly index: number;
  readonly expr: CompiledExpr | null;
}

function compileSimpleSelect(ast: Statement, ctx: PlanContext, options: SelectOptions, unionLast: boolean): SelectPlan {
  const outer = options.outer;
  const { steps, layout } = compileFrom(ast.from, ctx, outer);
  const W = layout.width;
  const subqueryHook = (scopeFor: () => ExprScope) => (sub: Statement) => compileSubquery(sub, ctx, scopeFor);

  // Select list (expanding stars).
  interface Item {
    readonly name: string;
    readonly ast: Expr | null;
    readonly direct: ResolvedColumn | null;
    /** The expression as written, window functions included (for ONLY_FULL_GROUP_BY). */
    readonly written?: Expr;
  }
  const items: Item[] = [];
  // Window function calls become references to slots computed after grouping (see window-functions.ts).
  const windowNodes: Expr[] = [];
  const windowKeys = new Map<string, number>();
  const extractWindows = <T>(root: T): T => {
    let has = false;
    walkExpr(root, (n) => {
      if (isWindowNode(n)) has = true;
    });
    if (!has) return root;
    return rewriteExpr(root, (node) => {
      if (!isWindowNode(node)) return undefined;
      const key = JSON.stringify(node);
      let k = windowKeys.get(key);
      if (k === undefined) {
        windowKeys.set(key, (k = windowNodes.length));
        windowNodes.push(node);
      }
      return { type: 'column_ref', table: null, column: `${SLOT}w${k}` };
    });
  };
  // node-sql-parser keeps an ORDER BY / LIMIT written after a WINDOW clause in `_orderby` / `_limit`.
  const ownOrder = ast.orderby ?? (ast.window ? ast._orderby : null);
  const ownLimit = ast.limit ?? (ast.window ? ast._limit : null);
  const orderAsts = unionLast ? null : extractWindows(ownOrder as { expr: Expr; type?: string }[] | null | undefined);
  // MySQL evaluates windows after WHERE, GROUP BY and HAVING: a window function there is 3593.
  walkExpr([ast.where, ast.having, groupByItems(ast.groupby)], (n) => {
    if (isWindowNode(n)) throw sqlError([3593, 'HY000'], `You cannot use the window function '${windowFunctionName(n)}' in this context.'`);
  });
  const astColumns = (ast.columns === '*' ? [{ expr: { type: 'column_ref', column: '*' } }] : ast.columns) as { expr: Expr; as?: string | null }[];
  const texts = options.texts && options.texts.length === astColumns.length ? options.texts : undefined;
  astColumns.forEach((col, i) => {
    const e = col.expr;
    if (e.type === 'column_ref' && identName(e.column) === '*') {
      const t = identName(e.table);
      const sources = t ? [layout.sourceIndex(t)] : layout.sources.map((_, si) => si);
      if (t && sources[0]! < 0) throw sqlError(ER.BAD_TABLE_ERROR, `Unknown table '${t}'`);
      if (layout.sources.length === 0) throw sqlError([1096, 'HY000'], 'No tables used');
      const push = (si: number, ci: number) => {
        const s = layout.sources[si]!;
        const c = s.columns[ci]!;
        items.push({ name: c.name, ast: null, direct: { source: si, column: ci, index: s.offset + ci, type: c.columnType } });
      };
      // Unqualified, the columns USING joins come first, once each (MySQL's coalesced columns).
      const pairs = t ? [] : layout.coalesced;
      const skip = new Set(pairs.flatMap((p) => [p.kept.join(), p.hidden.join()]));
      const kept = [...new Map(pairs.map((p) => [p.kept.join(), p.kept])).values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      for (const [si, ci] of kept) push(si, ci);
      for (const si of sources) layout.sources[si]!.columns.forEach((_, ci) => (skip.has(`${si},${ci}`) ? undefined : push(si, ci)));
      return;
    }
    const alias = col.as ? identName(col.as) : '';
    // MySQL names a column by its alias, a column's name, a text literal's value, else the expression as written.
    let name = alias || (e.type === 'column_ref' ? identName(e.column) : literalItemName(e, texts?.[i]) ?? texts?.[i] ?? exprText(e));
    let direct: ResolvedColumn | null = null;
    if (e.type === 'column_ref') direct = layout.resolve(identName(e.table) || null, identName(e.column), 'field list');
    if (!alias && direct && layout.sources[direct.source]!.declaredNames) name = layout.sources[direct.source]!.columns[direct.column]!.name;
    items.push({ name, ast: extractWindows(e), direct, written: e });
  });

  // Aggregates, registered up front so row layouts are fixed before compiling.
  const aggSpecs: AggSpec[] = [];
  const aggIndex = new Map<Expr, number>();
  const baseScope = (clause: string): ExprScope => {
    const s: ExprScope = layout.scope({ clause, ...(outer ? { outer } : {}), subquery: subqueryHook(() => s) });
    return s;
  };
  const argScope = baseScope('field list');
  const registerAggregates = (root: unknown) =>
    walkExpr(root, (node) => {
      if (isWindowNode(node) || !aggregateCall(node)) return;
      if (aggIndex.has(node)) return false;
      aggIndex.set(node, aggSpecs.length);
      aggSpecs.push(aggregateSpec(node, argScope));
      return false;
    });
  for (const it of items) registerAggregates(it.ast);
  registerAggregates(ast.having);
  for (const o of orderAsts ?? []) registerAggregates(o.expr);
  registerAggregates(windowNodes);
  const groupAsts = groupByItems(ast.groupby);
  const aggregated = aggSpecs.length > 0 || groupAsts.length > 0;
  const A = aggSpecs.length;
  const K = windowNodes.length;
  // Slots after the source columns and aggregates: window values, then (WITH ROLLUP) the group values
  // and GROUPING() results of each row.
  const windowSlot = aggregated ? W + A : W;
  const rollupSlot = windowSlot + K;
  const rollup = hasRollup(ast.groupby);
  const slots = new Map<string, { index: number; type: ColumnType | null }>();
  const aggregateHook = (node: Expr): number => {
    const i = aggIndex.get(node);
    if (i === undefined) throw sqlError(ER.INVALID_GROUP_FUNC_USE, 'Invalid use of group function');
    return W + i;
  };
  const rowScope = (clause: string, aliases?: Map<string, { index: number; type: ColumnType | null }>): ExprScope => {
    const s: ExprScope = layout.scope({
      clause,
      ...(outer ? { outer } : {}),
      ...(aggregated ? { aggregate: aggregateHook } : {}),
      aliases: aliases ? new Map([...slots, ...aliases]) : slots,
      subquery: subqueryHook(() => s),
    });
    return s;
  };

  // WHERE and access paths.
  const whereAst = ast.where as Expr | null | undefined;
  const where = whereAst ? compileExpr(whereAst, baseScope('where clause')) : null;
  const whereConjuncts = conjuncts(whereAst);
  planAccessPaths(steps, layout, whereConjuncts, baseScope('where clause'));

  // GROUP BY.
  const selectAliasAst = (name: string): Expr | null => {
    const it = items.find((x) => x.ast && x.name.toLowerCase() === name.toLowerCase());
    return it?.ast ?? null;
  };
  const groupScope = baseScope('group statement');
  // GROUP BY as expressions (positions and select aliases replaced by what they name), for ONLY_FULL_GROUP_BY.
  const itemAst = (it: (typeof items)[number]): Expr =>
    it.ast ?? { type: 'column_ref', table: layout.sources[it.direct!.source]!.alias, column: it.name };
  const groupCheckAsts = groupAsts.map((g) => {
    if (g.type === 'number') {
      const it = items[Number(g.value) - 1];
      return it ? itemAst(it) : g;
    }
    if (g.type === 'column_ref' && !identName(g.table) && !layout.resolve(null, identName(g.column), 'group statement')) return selectAliasAst(identName(g.column)) ?? g;
    return g;
  });
  const groupExprs = groupAsts.map((g) => {
    if (g.type === 'number') {
      const it = items[Number(g.value) - 1];
      if (!it) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${String(g.value)}' in 'group statement'`);
      return it.ast ? compileExpr(it.ast, groupScope) : directExpr(it.direct!.index, it.direct!.type);
    }
    if (g.type === 'column_ref' && !identName(g.table) && !layout.resolve(null, identName(g.column), 'group statement')) {
      const a = selectAliasAst(identName(g.column));
      if (a) return compileExpr(a, groupScope);
    }
    return compileExpr(g, groupScope);
  });

  // WITH ROLLUP: GROUPING(…) calls and non-column GROUP BY expressions read slots that super-aggregate rows set.
  const groupKeys = groupCheckAsts.map((g) => JSON.stringify(g));
  const groupingCalls: number[][] = [];
  const rollupColumns = groupCheckAsts.map((g) => (g.type === 'column_ref' ? (safeResolve(layout, g)?.index ?? -1) : -1));
  const rewriteGrouping = <T>(root: T): T => {
    let has = false;
    walkExpr(root, (n) => {
      if (isGroupingCall(n) || (rollup && groupKeys.includes(JSON.stringify(n)))) has = true;
    });
    if (!has) return root;
    return rewriteExpr(root, (node) => {
      if (isGroupingCall(node)) {
        if (!rollup) throw sqlError([3601, 'HY000'], 'Invalid use of GROUPING function');
        const args = ((node.args?.value ?? []) as Expr[]).map((a, j) => {
          const i = groupKeys.indexOf(JSON.stringify(a));
          if (i < 0) throw sqlError([3580, 'HY000'], `Argument #${j + 1} of GROUPING function is not in GROUP BY`);
          return i;
        });
        groupingCalls.push(args);
        return { type: 'column_ref', table: null, column: `${SLOT}g${groupingCalls.length - 1}` };
      }
      const i = groupKeys.indexOf(JSON.stringify(node));
      return i >= 0 && rollupColumns[i]! < 0 ? { type: 'column_ref', table: null, column: `${SLOT}k${i}` } : undefined;
    });
  };
  const projectionAsts = items.map((it) => (it.ast ? rewriteGrouping(it.ast) : null));
  const havingAst = rewriteGrouping(ast.having as Expr | null | undefined);
  const orderbyAsts = rewriteGrouping(orderAsts);
  groupKeys.forEach((_, i) => slots.set(`${SLOT}k${i}`.toLowerCase(), { index: rollupSlot + i, type: groupExprs[i]!.columnType ?? null }));
  groupingCalls.forEach((_, j) => slots.set(`${SLOT}g${j}`.toLowerCase(), { index: rollupSlot + groupKeys.length + j, type: GROUPING_TYPE }));
  const rowWidth = rollupSlot + (rollup ? groupKeys.length + groupingCalls.length : 0);
  const rollupSpec: RollupSpec | null = rollup ? { slot: rollupSlot, columns: rollupColumns, groupingCalls, width: rowWidth } : null;

  // Window functions.
  const named = namedWindows(ast.window);
  const windows = windowNodes.map((node) => compileWindowFunction(node, named, rowScope('field list')));
  windows.forEach((w, k) => slots.set(`${SLOT}w${k}`.toLowerCase(), { index: windowSlot + k, type: typeof w.type === 'number' ? columnTypeOf(w.type) : w.type }));

  // Projections.
  const selectScope = rowScope('field list');
  const projections: Projection[] = [];
  const fields: Field[] = [];
  const columnTypes: (ColumnType | null)[] = [];
  items.forEach((it, itemIndex) => {
    const projectionAst = projectionAsts[itemIndex];
    if (!it.ast || !projectionAst) {
      const c = layout.sources[it.direct!.source]!.columns[it.direct!.column]!;
      projections.push({ index: it.direct!.index, expr: null });
      fields.push(c.field);
      columnTypes.push(c.columnType);
      return;
    }
    const expr = compileExpr(projectionAst, selectScope);
    projections.push({ index: -1, expr });
    if (it.direct) {
      const c = layout.sources[it.direct.source]!.columns[it.direct.column]!;
      fields.push(it.name === c.field.name ? c.field : Object.freeze({ ...c.field, name: it.name }));
      columnTypes.push(c.columnType);
    } else {
      const agg = it.ast.type === 'aggr_func' ? aggIndex.get(it.ast) : undefined;
      const slotName = projectionAst.type === 'column_ref' ? String(projectionAst.column) : '';
      const window = slotName.startsWith(`${SLOT}w`) ? Number(slotName.slice(SLOT.length + 1)) : undefined;
      const type = agg !== undefined
        ? createAggregate(aggSpecs[agg]!.name, aggOptions(aggSpecs[agg]!)).type
        : window !== undefined ? windows[window]!.type : expr.columnType ?? expr.type;
      fields.push(Object.freeze(resultField(it.name, type, { notNull: expr.nullable === false })));
      // A computed column's type is its expression's (null where only its values tell).
      columnTypes.push(expr.columnType ?? (typeof type !== 'number' ? type : isDynamicType(type) ? null : columnTypeOf(type)));
    }
  });
  const P = projections.length;

  // HAVING and ORDER BY see select aliases, placed after the row in an extended row.
  const aliases = new Map<string, { index: number; type: ColumnType | null }>();
  items.forEach((it, i) => {
    const k = it.name.toLowerCase();
    if (it.ast && !aliases.has(k)) aliases.set(k, { index: rowWidth + i, type: columnTypes[i] ?? null });
  });
  const having = havingAst ? compileExpr(havingAst, rowScope('having clause', aliases)) : null;
  const orderScope = rowScope('order clause', aliases);
  const order = unionLast
    ? []
    : compileOrderBy(orderbyAsts, { fields, columnTypes }, orderScope, (e) => {
        if (e.type === 'column_ref' && !identName(e.table)) {
          const name = identName(e.column).toLowerCase();
          const i = items.findIndex((it) => it.name.toLowerCase() === name && (it.ast !== null || !aliases.has(name)));
          if (i >= 0 && (items[i]!.ast || layout.resolve(null, name, 'order clause'))) return i;
        }
        const key = JSON.stringify(e);
        return items.findIndex((it) => it.ast !== null && JSON.stringify(it.ast) === key);
      });
  const groupByError = aggregated
    ? fullGroupByError({
        layout,
        items: items.map((it) => ({ ast: it.written ?? it.ast, direct: it.direct })),
        groupBy: groupCheckAsts,
        orderBy: (orderAsts ?? []).map(({ expr: e }) => {
          if (e.type === 'number') return null;
          if (e.type === 'column_ref' && !identName(e.table) && aliases.has(identName(e.column).toLowerCase())) return null;
          return e;
        }),
      })
    : undefined;
  const limit = unionLast ? null : compileLimit(ownLimit);
  const distinct = String(ast.distinct?.type ?? ast.distinct ?? '').toUpperCase() === 'DISTINCT';
  const needsExt = having !== null || order.some((o) => o.output < 0);
  const scanOrder = !aggregated && !distinct && K === 0 && steps.length === 1 ? orderFromScan(order, steps[0]!, items) : null;
  const sortNeeded = order.length > 0 && scanOrder === null;
  const streaming = !aggregated && !distinct && !sortNeeded && K === 0;

  const sessionTyped = projections.flatMap((p, i) => (p.expr?.valueType && !p.expr.columnType ? [{ i, valueType: p.expr.valueType }] : []));
  return {
    fields,
    columnTypes,
    ...(sessionTyped.length > 0
      ? {
          resultFields(session: ExecSession): Field[] {
            const env: EvalEnv = { row: EMPTY_ROW, bindVars: {}, session };
            const out = fields.slice();
            for (const { i, valueType } of sessionTyped) {
              const type = valueType(env);
              if (!isDynamicType(type)) out[i] = Object.freeze(resultField(fields[i]!.name, type));
            }
            return out;
          },
        }
      : {}),
    execute(session, bindVars) {
      if (groupByError && session.mode.onlyFullGroupBy) throw groupByError;
      const env: EvalEnv = { row: EMPTY_ROW, bindVars, session };
      const lim = limit ? evalLimit(limit, env) : null;
      const stopAt = streaming && lim ? lim.offset + lim.count : Infinity;
      const produced: { out: SqlValue[]; ext: readonly SqlValue[] }[] = [];
      // Projects a row; false when HAVING rejects it (windows: HAVING runs before they are computed).
      const project = (row: readonly SqlValue[], checkHaving: boolean): { out: SqlValue[]; ext: readonly SqlValue[] } | null => {
        env.row = row;
        const out = new Array<SqlValue>(P);
        for (let i = 0; i < P; i++) {
          const p = projections[i]!;
          out[i] = p.index >= 0 ? row[p.index]! : p.expr!(env);
        }
        let ext: readonly SqlValue[] = out;
        if (needsExt) {
          ext = row.length === rowWidth ? row.concat(out) : [...row, ...new Array<SqlValue>(rowWidth - row.length).fill(null), ...out];
          env.row = ext;
          if (checkHaving && having && isTrue(having(env)) !== true) return null;
        }
        return { out, ext };
      };
      const emit = (row: readonly SqlValue[]): boolean => {
        const p = project(row, true);
        if (p) produced.push(p);
        return produced.length < stopAt;
      };
      const windowed: SqlValue[][] = [];
      const collect = K === 0 ? emit : (row: readonly SqlValue[]): boolean => {
        const wide = row.length >= rowWidth ? row.slice() : [...row, ...new Array<SqlValue>(rowWidth - row.length).fill(null)];
        if (!having || project(wide, true)) windowed.push(wide);
        return true;
      };
      if (!aggregated) {
        sourceRows(steps, layout, where, env, session, scanOrder === 'desc', collect);
      } else {
        for (const post of groupRows(steps, layout, where, env, session, groupExprs, aggSpecs, W, rollupSpec)) {
          if (!collect(post)) break;
        }
      }
      if (K > 0) for (const row of evaluateWindows(windowed, windows, windowSlot, env)) produced.push(project(row, false)!);
      let rows: SqlValue[][];
      if (sortNeeded) rows = sortRows(produced, order, env);
      else rows = produced.map((p) => p.out);
      if (distinct) rows = dedupe(rows);
      return lim ? rows.slice(lim.offset, lim.offset + lim.count) : rows;
    },
  };
}

function directExpr(index: number, type: ColumnType | null): CompiledExpr {
  const f = ((env: EvalEnv) => env.row[index]!) as CompiledExpr & { type: number; columnType?: ColumnType };
  Object.defineProperty(f, 'type', { value: type?.type ?? 0 });
  if (type) Object.defineProperty(f, 'columnType', { value: type });
  return f;
}

function aggregateSpec(node: Expr, scope: ExprScope): AggSpec {
  const call = aggregateCall(node)!;
  const { name, distinct } = call;
  const fn = name.toLowerCase();
  if (name === 'JSON_OBJECTAGG' ? call.args.length !== 2 : call.args.length > 1 && name !== 'COUNT_DISTINCT' && name !== 'GROUP_CONCAT') {
    throw sqlError([1582, '42000'], `Incorrect parameter count in the call to native function '${fn}'`);
  }
  const sep = node.args?.separator;
  const separator = sep === undefined || sep === null ? undefined : String(typeof sep === 'object' ? (sep.value?.value ?? sep.value) : sep);
  const args = call.args.map((a) => compileExpr(a, scope));
  const order = call.orderBy.map((o: Expr): OrderKey => {
    const position = o.expr.type === 'number' ? args[Number(o.expr.value) - 1] : undefined;
    const expr = position ?? compileExpr(o.expr, scope);
    return { output: -1, expr, desc: String(o.type ?? '').toUpperCase() === 'DESC', compare: valueComparator(expr.columnType ?? expr.type) };
  });
  return { node, name, args, distinct, separator, order };
}

/** Feeds one row's argument values to an aggregate (GROUP_CONCAT of several arguments concatenates them; a NULL skips the row). */
function feedAggregate(spec: AggSpec, agg: Aggregate, env: EvalEnv): void {
  const args = spec.args;
  if (args.length === 0) agg.add(1n);
  else if (args.length === 1) agg.add(args[0]!(env));
  else if (spec.name === 'GROUP_CONCAT') agg.add(concatArgs(args, env));
  else agg.addValues(args.map((a) => a(env)));
}

function concatArgs(args: readonly CompiledExpr[], env: EvalEnv): SqlValue {
  let out = '';
  for (const a of args) {
    const v = a(env);
    if (v === null) return null;
    out += toText(v);
  }
  return out;
}

function aggOptions(spec: AggSpec): Parameters<typeof createAggregate>[1] {
  const first = spec.args[0];
  return {
    distinct: spec.distinct,
    star: first === undefined,
    ...(first ? { argType: spec.args.length > 1 && spec.name === 'GROUP_CONCAT' ? Type.VARCHAR : first.type } : {}),
    ...(spec.args[1] ? { valueType: spec.args[1].type } : {}),
    ...(spec.separator !== undefined ? { separator: spec.separator } : {}),
  };
}

function groupByItems(groupby: unknown): Expr[] {
  if (!groupby) return [];
  if (Array.isArray(groupby)) return groupby as Expr[];
  return ((groupby as { columns?: Expr[] }).columns ?? []) as Expr[];
}

function compileFrom(from: unknown, ctx: PlanContext, outer: Outer): { steps: Step[]; layout: SourceLayout } {
  const items = (Array.isArray(from) ? from : []) as Record<string, any>[];
  const steps: Step[] = [];
  const sources: Source[] = [];
  const using = new Set<string>();
  let offset = 0;
  const pendingOn: { step: Step; ast: Expr | null; using: string[] }[] = [];
  for (const item of items) {
    if (item.type === 'dual') continue;
    const joinText = String(item.join ?? '').toUpperCase();
    const join: Step['join'] = steps.length === 0 ? 'first' : joinText.includes('LEFT') ? 'left' : joinText.includes('RIGHT') ? 'right' : 'inner';
    let source: Source;
    let derived: SelectPlan | undefined;
    let view: ViewDefinition | undefined;
    const cte = !item.db && typeof item.table === 'string' ? ctx.ctes?.get(item.table) : undefined;
    if (isSubqueryNode(item.expr) || cte) {
      const alias = cte ? identName(item.as) || String(item.table) : identName(item.as);
      if (!alias) throw sqlError([1248, '42000'], 'Every derived table must have its own alias');
      derived = cte ?? compileSelect(item.expr.ast, ctx);
      const plan = derived;
      source = {
        alias,
        offset,
        columns: plan.fields.map((f, i) => ({ name: f.name, field: Object.freeze({ ...f, table: alias }), columnType: plan.columnTypes[i] ?? null })),
      };
    } else if ((derived = systemView(item, ctx))) {
      const plan = derived;
      const alias = identName(item.as) || identName(item.table);
      source = {
        alias,
        offset,
        columns: plan.fields.map((f, i) => ({ name: f.name, field: Object.freeze({ ...f, table: alias }), columnType: plan.columnTypes[i] ?? null })),
        declaredNames: true,
      };
    } else if ((view = viewOf(item, ctx))) {
      const alias = identName(item.as) || view.name;
      derived = compileView(view, ctx);
      const plan = derived;
      source = {
        alias,
        offset,
        columns: plan.fields.map((f, i) => ({ name: f.name, field: Object.freeze({ ...f, table: alias, org_table: view!.name }), columnType: plan.columnTypes[i] ?? null })),
      };
    } else {
      const name = tableNameOf(item, ctx.database);
      const entry = resolveTable(ctx.catalog, ctx.temporaryTables, name.database, name.table);
      const alias = identName(item.as) || name.table;
      const schema = entry.schema;
      source = {
        alias,
        offset,
        entry,
        columns: schema.columns.map((c, i) => {
          const f = schema.field(i);
          return { name: c.name, field: alias === f.table ? f : Object.freeze({ ...f, table: alias }), columnType: c.columnType };
        }),
      };
    }
    if (sources.some((s) => s.alias === source.alias)) throw sqlError(ER.NONUNIQ_TABLE, `Not unique table/alias: '${source.alias}'`);
    sources.push(source);
    offset += source.columns.length;
    const step: Step = { join, source, ...(derived ? { derived } : {}), access: { kind: 'full' } };
    steps.push(step);
    const usingCols = Array.isArray(item.using) ? (item.using as unknown[]).map((u) => identName(u)) : [];
    for (const u of usingCols) using.add(u.toLowerCase());
    pendingOn.push({ step, ast: (item.on as Expr | undefined) ?? null, using: usingCols });
  }
  // USING pairs a column of an earlier source with the joined one's; SELECT * shows the pair once (the
  // right one for a RIGHT JOIN, whose value that is).
  const coalesced: { kept: [number, number]; hidden: [number, number] }[] = [];
  const columnIndex = (si: number, col: string) => sources[si]!.columns.findIndex((c) => c.name.toLowerCase() === col.toLowerCase());
  pendingOn.forEach(({ step, using: usingCols }, si) => {
    for (const col of usingCols) {
      const li = sources.findIndex((_, i) => i < si && columnIndex(i, col) >= 0);
      const ri = columnIndex(si, col);
      if (li < 0 || ri < 0) continue;
      const left: [number, number] = [li, columnIndex(li, col)];
      const right: [number, number] = [si, ri];
      coalesced.push(step.join === 'right' ? { kept: right, hidden: left } : { kept: left, hidden: right });
    }
  });
  const layout = new SourceLayout(sources, using, coalesced);
  pendingOn.forEach(({ step, ast, using: usingCols }, si) => {
    let onAst = ast;
    for (const col of usingCols) {
      const left = sources.slice(0, si).find((s) => s.columns.some((c) => c.name.toLowerCase() === col.toLowerCase()));
      if (!left) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${col}' in 'from clause'`);
      const eq: Expr = {
        type: 'binary_expr',
        operator: '=',
        left: { type: 'column_ref', table: left.alias, column: col },
        right: { type: 'column_ref', table: step.source.alias, column: col },
      };
      onAst = onAst ? { type: 'binary_expr', operator: 'AND', left: onAst, right: eq } : eq;
    }
    if (onAst) {
      const scope: ExprScope = layout.scope({ clause: 'on clause', ...(outer ? { outer } : {}) });
      step.on = compileExpr(onAst, scope);
      (step as { onAst?: Expr }).onAst = onAst;
    }
  });
  return { steps, layout };
}

/** The information_schema table a FROM item names, or undefined; 1146 for one vtsim does not provide. */
function systemView(item: Record<string, any>, ctx: PlanContext): SelectPlan | undefined {
  if (typeof item.table !== 'string' || !isInformationSchema(tableNameOf(item, ctx.database).database)) return undefined;
  const plan = informationSchemaTable(item.table, ctx.catalog);
  if (!plan) throw sqlError(ER.NO_SUCH_TABLE, `Table '${INFORMATION_SCHEMA}.${item.table}' doesn't exist`);
  return plan;
}

/** A text literal (`'x'`, `"x"`, `N'x'`, `_binary'x'`), which MySQL names a result column after by its value. */
/** The view a FROM item names (when no table has the name), or undefined. */
function viewOf(item: Record<string, any>, ctx: PlanContext): ViewDefinition | undefined {
  if (typeof item.table !== 'string') return undefined;
  const name = tableNameOf(item, ctx.database);
  if (ctx.temporaryTables?.find(name.database, name.table) || ctx.catalog.findTable(name.database, name.table)) return undefined;
  return ctx.catalog.findView(name.database, name.table);
}

function planAccessPaths(steps: Step[], layout: SourceLayout, whereConjuncts: Expr[], scope: ExprScope): void {
  const firstRight = steps.findIndex((s) => s.join === 'right');
  steps.forEach((step, j) => {
    const entry = step.source.entry;
    if (!entry || step.join === 'right' || (firstRight >= 0 && j < firstRight)) return;
    const onConjuncts = conjuncts((step as { onAst?: Expr }).onAst);
    const usable = step.join === 'left' ? onConjuncts : [...whereConjuncts, ...onConjuncts];
    if (usable.length === 0) return;
    step.access = chooseAccessPath(entry.schema, usable, {
      columnOf(node) {
        if (node?.type !== 'column_ref') return -1;
        const r = safeResolve(layout, node);
        return r && r.source === j ? r.column : -1;
      },
      isAvailable(node) {
        if (!node || typeof node.type !== 'string' || containsSubquery(node)) return false;
        let ok = true;
        walkExpr(node, (n) => {
          if (n.type === 'aggr_func') ok = false;
          if (n.type === 'column_ref') {
            const r = safeResolve(layout, n);
            if (!r || r.source >= j) ok = false;
          }
        });
        return ok;
      },
      compile: (node) => compileExpr(node, scope),
    });
  });
}

function safeResolve(layout: SourceLayout, node: Expr): ResolvedColumn | null {
  try {
    return layout.resolve(identName(node.table) || null, identName(node.column), 'where clause');
  } catch {
    return null;
  }
}

/** Feeds the WHERE-filtered combined rows to `emit` until it returns false. */
function sourceRows(
  steps: readonly Step[],
  layout: SourceLayout,
  where: CompiledExpr | null,
  env: EvalEnv,
  session: ExecSession,
  descending: boolean,
  emit: (row: readonly SqlValue[]) => boolean,
): void {
  if (steps.length === 0) {
    env.row = EMPTY_ROW;
    if (where && isTrue(where(env)) !== true) return;
    emit(EMPTY_ROW);
    return;
  }
  if (steps.length === 1) {
    const step = steps[0]!;
    for (const [, row] of stepRows(step, env, session, descending)) {
      if (where) {
        env.row = row;
        if (isTrue(where(env)) !== true) continue;
      }
      if (!emit(row)) return;
    }
    return;
  }
  const W = layout.width;
  let partial: SqlValue[][] = [];
  for (const step of steps) {
    const { offset, columns } = step.source;
    const width = columns.length;
    const next: SqlValue[][] = [];
    if (step.join === 'first') {
      for (const [, row] of stepRows(step, env, session, false)) {
        const c = new Array<SqlValue>(W).fill(null);
        for (let i = 0; i < width; i++) c[offset + i] = row[i]!;
        next.push(c);
      }
    } else if (step.join === 'right') {
      const rights = [...stepRows(step, env, session, false)].map(([, r]) => r);
      for (const r of rights) {
        let matched = false;
        for (const p of partial) {
          const c = p.slice();
          for (let i = 0; i < width; i++) c[offset + i] = r[i]!;
          env.row = c;
          if (step.on && isTrue(step.on(env)) !== true) continue;
          matched = true;
          next.push(c);
        }
        if (!matched) {
          const c = new Array<SqlValue>(W).fill(null);
          for (let i = 0; i < width; i++) c[offset + i] = r[i]!;
          next.push(c);
        }
      }
    } else {
      const materialized = step.access.kind === 'full' ? [...stepRows(step, env, session, false)] : null;
      for (const p of partial) {
        env.row = p;
        let matched = false;
        for (const [, r] of materialized ?? stepRows(step, env, session, false)) {
          const c = p.slice();
          for (let i = 0; i < width; i++) c[offset + i] = r[i]!;
          env.row = c;
          if (step.on && isTrue(step.on(env)) !== true) continue;
          matched = true;
          next.push(c);
        }
        if (!matched && step.join === 'left') next.push(p.slice());
      }
    }
    partial = next;
  }
  for (const row of partial) {
    if (where) {
      env.row = row;
      if (isTrue(where(env)) !== true) continue;
    }
    if (!emit(row)) return;
  }
}

function stepRows(step: Step, env: EvalEnv, session: ExecSession, descending: boolean): Iterable<[Key, Row]> {
  if (step.derived) return step.derived.execute(session, env.bindVars).map((r) => [EMPTY_ROW, r] as [Key, Row]);
  const entry = step.source.entry!;
  return accessRows(step.access, entry.schema, session.readTable(entry), env, descending);
}

interface GroupState {
  readonly first: readonly SqlValue[];
  readonly aggs: ReturnType<typeof createAggregate>[];
  /** Per aggregate with ORDER BY (GROUP_CONCAT): its values and sort keys, fed in order at the end. */
  readonly ordered: ({ value: SqlValue; keys: SqlValue[] }[] | null)[];
}

/** WITH ROLLUP: where super-aggregate rows keep their group values and GROUPING() results. */
interface RollupSpec {
  /** Row index of the first group-value slot; the GROUPING() slots follow the group values. */
  readonly slot: number;
  /** Per GROUP BY expression, the row index of the column it names (nulled in rows that roll it up), or -1. */
  readonly columns: readonly number[];
  /** Per GROUPING() call, the GROUP BY expressions its arguments name. */
  readonly groupingCalls: readonly (readonly number[])[];
  /** Width of an output row. */
  readonly width: number;
}

function* groupRows(
  steps: readonly Step[],
  layout: SourceLayout,
  where: CompiledExpr | null,
  env: EvalEnv,
  session: ExecSession,
  groupExprs: readonly CompiledExpr[],
  specs: readonly AggSpec[],
  W: number,
  rollup: RollupSpec | null,
): Generator<readonly SqlValue[]> {
  const G = groupExprs.length;
  const types = groupExprs.map((e) => e.columnType ?? e.type);
  const cmp = tupleComparator(types);
  const columnCmps = types.map((t) => valueComparator(t));
  // levels[l] holds the groups of the first l GROUP BY values (l = G: the groups; l < G: ROLLUP's subtotals).
  const levels = Array.from({ length: rollup ? G + 1 : 1 }, () => new BTree<SqlValue[], GroupState>(undefined, cmp));
  const full = levels[levels.length - 1]!;
  const newState = (row: readonly SqlValue[]): GroupState => ({
    first: row,
    aggs: specs.map((s) => createAggregate(s.name, aggOptions(s))),
    ordered: specs.map((s) => (s.order.length > 0 ? [] : null)),
  });
  const feed = (state: GroupState) => {
    for (let i = 0; i < specs.length; i++) {
      const s = specs[i]!;
      const pending = state.ordered[i];
      if (!pending) feedAggregate(s, state.aggs[i]!, env);
      else pending.push({ value: s.args.length === 1 ? s.args[0]!(env) : concatArgs(s.args, env), keys: s.order.map((o) => o.expr!(env)) });
    }
  };
  let single: GroupState | undefined;
  sourceRows(steps, layout, where, env, session, false, (row) => {
    env.row = row;
    if (G === 0) {
      feed((single ??= newState(row)));
      return true;
    }
    const key = new Array<SqlValue>(G);
    for (let i = 0; i < G; i++) key[i] = groupExprs[i]!(env);
    for (let l = 0; l < levels.length; l++) {
      const k = l === levels.length - 1 ? key : key.slice(0, l);
      let state = levels[l]!.get(k);
      if (!state) levels[l]!.set(k, (state = newState(row)));
      feed(state);
    }
    return true;
  });
  const post = (st: GroupState, key: readonly SqlValue[], level: number): SqlValue[] => {
    const out = new Array<SqlValue>(rollup ? rollup.width : W + specs.length).fill(null);
    for (let i = 0; i < st.first.length && i < W; i++) out[i] = st.first[i]!;
    for (let i = 0; i < specs.length; i++) {
      const pending = st.ordered[i];
      if (pending) {
        const order = specs[i]!.order;
        pending.sort((a, b) => {
          for (let j = 0; j < order.length; j++) {
            const c = order[j]!.compare(a.keys[j]!, b.keys[j]!);
            if (c !== 0) return order[j]!.desc ? -c : c;
          }
          return 0;
        });
        for (const p of pending) st.aggs[i]!.add(p.value);
        st.ordered[i] = null;
      }
      out[W + i] = st.aggs[i]!.result();
    }
    if (rollup) {
      for (let g = 0; g < G; g++) {
        if (g >= level && rollup.columns[g]! >= 0) out[rollup.columns[g]!] = null;
        out[rollup.slot + g] = g < level ? key[g]! : null;
      }
      rollup.groupingCalls.forEach((args, j) => {
        let bits = 0n;
        for (const g of args) bits = (bits << 1n) | (g >= level ? 1n : 0n);
        out[rollup.slot + G + j] = bits;
      });
    }
    return out;
  };
  if (G === 0) {
    yield post(single ?? newState(new Array<SqlValue>(W).fill(null)), [], 0);
    return;
  }
  let prev: SqlValue[] | null = null;
  for (const [key, st] of full.entries()) {
    if (rollup && prev) {
      let d = 0;
      while (d < G && columnCmps[d]!(prev[d]!, key[d]!) === 0) d++;
      for (let l = G - 1; l > d; l--) yield post(levels[l]!.get(prev.slice(0, l))!, prev, l);
    }
    yield post(st, key, G);
    prev = key;
  }
  if (rollup && prev) for (let l = G - 1; l >= 0; l--) yield post(levels[l]!.get(prev.slice(0, l))!, prev, l);
}

/** True for `GROUP BY … WITH ROLLUP`. */
function hasRollup(groupby: unknown): boolean {
  const mods = (groupby as { modifiers?: { value?: string }[] } | null)?.modifiers ?? [];
  return mods.some((m) => /rollup/i.test(String(m?.value ?? '')));
}

/** True for a `GROUPING(…)` call. */
function isGroupingCall(node: Expr): boolean {
  return node.type === 'function' && identName(node.name).toLowerCase() === 'grouping' && !node.over;
}

function tupleComparator(types: readonly (ColumnType | Type)[]): (a: readonly SqlValue[], b: readonly SqlValue[]) => number {
  const cmps = types.map((t) => valueComparator(t));
  // ROLLUP's subtotal levels key on prefixes of the group tuple.
  return (a, b) => {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = cmps[i]!(a[i]!, b[i]!);
      if (c !== 0) return c;
    }
    return 0;
  };
}

function compareTuples(a: readonly SqlValue[], b: readonly SqlValue[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function dedupe(rows: SqlValue[][]): SqlValue[][] {
  const seen = new BTree<SqlValue[], true>(undefined, compareTuples);
  const out: SqlValue[][] = [];
  for (const r of rows) if (seen.set(r, true, false)) out.push(r);
  return out;
}

function compileOrderBy(
  orderby: unknown,
  output: { readonly fields: readonly Field[]; readonly columnTypes: readonly (ColumnType | null)[] },
  scope: ExprScope,
  outputOf: (e: Expr) => number,
): OrderKey[] {
  if (!Array.isArray(orderby)) return [];
  const P = output.fields.length;
  const byOutput = (i: number) => valueComparator(output.columnTypes[i] ?? output.fields[i]!.type);
  return (orderby as { expr: Expr; type?: string }[]).map((o) => {
    const desc = String(o.type ?? '').toUpperCase() === 'DESC';
    const e = o.expr;
    if (e.type === 'number') {
      const i = Number(e.value) - 1;
      if (i < 0 || i >= P) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${String(e.value)}' in 'order clause'`);
      return { output: i, expr: null, desc, compare: byOutput(i) };
    }
    const out = outputOf(e);
    if (out >= 0) return { output: out, expr: null, desc, compare: byOutput(out) };
    const expr = compileExpr(e, scope);
    return { output: -1, expr, desc, compare: valueComparator(expr.columnType ?? expr.type) };
  });
}

function sortRows(produced: { out: SqlValue[]; ext: readonly SqlValue[] }[], order: readonly OrderKey[], env: EvalEnv): SqlValue[][] {
  const keyed = produced.map((p) => {
    const keys = new Array<SqlValue>(order.length);
    for (let i = 0; i < order.length; i++) {
      const o = order[i]!;
      if (o.output >= 0) keys[i] = p.out[o.output]!;
      else {
        env.row = p.ext;
        keys[i] = o.expr!(env);
      }
    }
    return { out: p.out, keys };
  });
  keyed.sort((a, b) => {
    for (let i = 0; i < order.length; i++) {
      const o = order[i]!;
      const c = o.compare(a.keys[i]!, b.keys[i]!);
      if (c !== 0) return o.desc ? -c : c;
    }
    return 0;
  });
  return keyed.map((k) => k.out);
}

/** 'asc'/'desc' when a single-table scan already yields rows in the requested ORDER BY order. */
function orderFromScan(order: readonly OrderKey[], step: Step, items: readonly { direct: ResolvedColumn | null }[]): 'asc' | 'desc' | null {
  if (order.length === 0) return null;
  const entry = step.source.entry;
  const pk = entry?.schema.primaryKey;
  if (!pk || step.access.kind === 'index' || order.length > pk.columns.length) return null;
  const desc = order[0]!.desc;
  if (desc && step.access.kind === 'range') return null;
  for (let i = 0; i < order.length; i++) {
    const o = order[i]!;
    if (o.output < 0 || o.desc !== desc) return null;
    const d = items[o.output]?.direct;
    if (!d || d.column !== pk.columns[i]) return null;
  }
  return desc ? 'desc' : 'asc';
}

interface LimitSpec {
  readonly count: CompiledExpr;
  readonly offset: CompiledExpr | null;
}

const NO_COLUMNS: ExprScope = {
  column(table, name) {
    throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${table ? `${table}.` : ''}${name}' in 'limit clause'`);
  },
};

function compileLimit(limit: unknown): LimitSpec | null {
  const l = limit as { seperator?: string; value?: Expr[] } | null | undefined;
  const v = l?.value;
  if (!v || v.length === 0) return null;
  // LIMIT takes unsigned integers only (the grammar lets a negative number through).
  const negative = v.find((e) => e.type === 'number' && Number(e.value) < 0);
  if (negative) throw sqlError(ER.PARSE_ERROR, `syntax error at position 0 near '${String(negative.value)}'`);
  if (v.length === 1) return { count: compileExpr(v[0]!, NO_COLUMNS), offset: null };
  if (l!.seperator === ',') return { count: compileExpr(v[1]!, NO_COLUMNS), offset: compileExpr(v[0]!, NO_COLUMNS) };
  return { count: compileExpr(v[0]!, NO_COLUMNS), offset: compileExpr(v[1]!, NO_COLUMNS) };
}

function evalLimit(l: LimitSpec, env: EvalEnv): { count: number; offset: number } {
  env.row = EMPTY_ROW;
  const count = Number(toBigInt(l.count(env)) ?? 0n);
  const offset = l.offset ? Number(toBigInt(l.offset(env)) ?? 0n) : 0;
  return { count: Math.max(0, count), offset: Math.max(0, offset) };
}

function applyLimit(rows: SqlValue[][], limit: LimitSpec | null, env: EvalEnv): SqlValue[][] {
  if (!limit) return rows;
  const l = evalLimit(limit, env);
  return rows.slice(l.offset, l.offset + l.count);
}

/**
 * Compiles a subquery of the query whose clause scope `scopeFor()` returns. Columns of the enclosing
 * query become bind variables of the subquery, bound per evaluation; an uncorrelated subquery runs
 * once per statement.
 */
function compileSubquery(sub: Statement, ctx: PlanContext, scopeFor: () => ExprScope): SubqueryRunner {
  const refs = new Map<string, { param: string; table: string | null; name: string }>();
  const probe = (table: string | null, name: string) => {
    let type: ColumnType | null;
    try {
      type = scopeFor().column(table, name).type;
    } catch {
      return null;
    }
    const key = `${table ?? ''}.${name}`.toLowerCase();
    if (!refs.has(key)) refs.set(key, { param: `vtsim_outer_${refs.size}_${name}`, table, name });
    return { index: 0, type };
  };
  const probePlan = compileSelect(sub, ctx, { outer: probe });
  if (refs.size === 0) {
    let cachedFor: { session: unknown; id: number } | null = null;
    let cached: SqlValue[][] = [];
    const once = (env: EvalEnv) => {
      const s = env.session as ExecSession;
      if (!cachedFor || cachedFor.session !== s || cachedFor.id !== s.statementId) {
        cached = probePlan.execute(s, env.bindVars);
        cachedFor = { session: s, id: s.statementId };
      }
      return cached;
    };
    return Object.assign(once, { columnTypes: probePlan.columnTypes });
  }
  const byKey = new Map<string, string>();
  for (const [k, r] of refs) byKey.set(k, r.param);
  const inner = compileFrom(sub.from, ctx, undefined).layout;
  const rewritten = rewriteExpr(sub, (node) => {
    if (node.type !== 'column_ref') return undefined;
    const table = identName(node.table) || null;
    const param = byKey.get(`${table ?? ''}.${identName(node.column)}`.toLowerCase());
    return param && !safeResolve(inner, node) ? { type: 'param', value: param } : undefined;
  });
  const plan = compileSelect(rewritten, ctx);
  const outerValues = [...refs.values()].map((r) => ({
    param: r.param,
    expr: compileExpr({ type: 'column_ref', table: r.table, column: r.name }, scopeFor()),
  }));
  const correlated = (env: EvalEnv) => {
    const bv: BindVars = { ...env.bindVars };
    for (const o of outerValues) bv[o.param] = o.expr(env);
    return plan.execute(env.session as ExecSession, bv);
  };
  return Object.assign(correlated, { columnTypes: plan.columnTypes });
}

/** A compiled FROM (with joins) and WHERE, for multi-table UPDATE and DELETE. */
export interface JoinScan {
  readonly layout: SourceLayout;
  /** An ExprScope over the combined row for one clause. */
  scope(clause: string): ExprScope;
  /** The WHERE-filtered combined rows (each source's columns at its offset; NULLs for outer-join misses). */
  rows(session: ExecSession, bindVars: BindVars): SqlValue[][];
}

/** Compiles FROM items and a WHERE condition into a {@link JoinScan}. */
export function compileJoinScan(from: unknown, whereAst: Expr | null | undefined, ctx: PlanContext): JoinScan {
  const { steps, layout } = compileFrom(from, ctx, undefined);
  const scope = (clause: string): ExprScope => {
    const s: ExprScope = layout.scope({ clause, subquery: (sub) => compileSubquery(sub, ctx, () => s) });
    return s;
  };
  const where = whereAst ? compileExpr(whereAst, scope('where clause')) : null;
  planAccessPaths(steps, layout, conjuncts(whereAst), scope('where clause'));
  return {
    layout,
    scope,
    rows(session, bindVars) {
      const env: EvalEnv = { row: EMPTY_ROW, bindVars, session };
      const out: SqlValue[][] = [];
      sourceRows(steps, layout, where, env, session, false, (row) => {
        out.push(row.length === layout.width ? (row as SqlValue[]) : row.slice());
        return true;
      });
      return out;
    },
  };
}
