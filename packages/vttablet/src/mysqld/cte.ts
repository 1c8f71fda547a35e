/**
 * Common table expressions (`WITH [RECURSIVE] name [(columns)] AS (query), …`): each one compiled into a
 * plan that FROM items naming it read as a derived table. A recursive CTE runs its non-recursive
 * branches once, then its recursive branches over the previous round's rows until a round adds none,
 * refusing (3636) past `cte_max_recursion_depth` rounds as MySQL 8 does.
 */
import { sqlError, type SqlValue } from '@vtsim/proto';
import { toBigInt, type Statement } from '@vtsim/sql';
import { identName } from './ast-names.js';
import type { ExecSession } from './exec-session.js';
import type { SelectPlan } from './select-plan.js';

/** What a CTE reference reads: a plan's result metadata and rows. */
export type CtePlan = SelectPlan;

/** Compiles a SELECT (or UNION) with these CTEs in scope; select-plan's compileSelect. */
export type CompileWithCtes = (ast: Statement, ctes: ReadonlyMap<string, CtePlan>) => CtePlan;

/** Removes duplicate rows (UNION DISTINCT); select-plan's dedupe. */
export type Dedupe = (rows: SqlValue[][]) => SqlValue[][];

interface WithItem {
  name: { value: string } | string;
  stmt: { ast: Statement };
  columns: { column: unknown }[] | null;
  recursive?: boolean;
}

const DEFAULT_MAX_RECURSION_DEPTH = 1000n;

/**
 * Compiles a WITH clause on top of the CTEs already in scope (those of enclosing queries). Later CTEs
 * see earlier ones; with RECURSIVE a CTE may also read itself. Throws 1066 for a name used twice,
 * 1353 when a column list does not match the query's width, 3573 for a recursive CTE without UNION.
 */
export function compileWith(withClause: unknown, outer: ReadonlyMap<string, CtePlan>, compile: CompileWithCtes, dedupe: Dedupe): Map<string, CtePlan> {
  const items = (Array.isArray(withClause) ? withClause : []) as WithItem[];
  const recursiveAllowed = items.some((w) => w.recursive);
  const scope = new Map(outer);
  const own = new Set<string>();
  for (const item of items) {
    const name = typeof item.name === 'string' ? item.name : String(item.name.value);
    if (own.has(name)) throw sqlError([1066, '42000'], `Not unique table/alias: '${name}'`);
    own.add(name);
    const columnNames = item.columns ? item.columns.map((c) => identName(c.column)) : null;
    const ast = item.stmt.ast;
    const plan = recursiveAllowed && readsTable(ast, name)
      ? compileRecursive(name, ast, columnNames, scope, compile, dedupe)
      : renameColumns(compile(ast, scope), columnNames);
    scope.set(name, plan);
  }
  return scope;
}

/** The plan with its result columns renamed (a CTE's or a view's column list); 1353 when the counts differ. */
export function renameColumns(plan: CtePlan, columnNames: readonly string[] | null): CtePlan {
  if (!columnNames) return plan;
  if (columnNames.length !== plan.fields.length) {
    throw sqlError([1353, 'HY000'], `In definition of view, derived table or common table expression, SELECT list and column names list have different column counts`);
  }
  const fields = plan.fields.map((f, i) => Object.freeze({ ...f, name: columnNames[i]! }));
  return { fields, columnTypes: plan.columnTypes, execute: (s, bv) => plan.execute(s, bv) };
}

function compileRecursive(name: string, ast: Statement, columnNames: readonly string[] | null, scope: Map<string, CtePlan>, compile: CompileWithCtes, dedupe: Dedupe): CtePlan {
  const branches: { ast: Statement; distinct: boolean }[] = [];
  for (let p: Statement | undefined = ast, op = ''; p; op = String(p.set_op ?? 'union').toLowerCase(), p = p._next) {
    branches.push({ ast: { ...p, _next: undefined, set_op: undefined, _orderby: undefined, _limit: undefined }, distinct: op !== '' && op !== 'union all' });
  }
  const anchors = branches.filter((b) => !readsTable(b.ast, name));
  const steps = branches.filter((b) => readsTable(b.ast, name));
  if (branches.length < 2 || anchors.length === 0) {
    throw sqlError([3573, 'HY000'], `Recursive Common Table Expression '${name}' should contain a UNION`);
  }
  if (branches.indexOf(steps[0]!) < anchors.length) {
    throw sqlError([3574, 'HY000'], `Recursive Common Table Expression '${name}' should have one or more non-recursive query blocks followed by one or more recursive ones`);
  }
  const distinct = branches.some((b) => b.distinct);
  const anchorPlans = anchors.map((b) => compile(b.ast, scope));
  const first = renameColumns(anchorPlans[0]!, columnNames);
  // The recursive branches read the previous round's rows through this reference.
  let current: SqlValue[][] = [];
  const self: CtePlan = { fields: first.fields, columnTypes: first.columnTypes, execute: () => current };
  const inner = new Map(scope);
  inner.set(name, self);
  const stepPlans = steps.map((b) => compile(b.ast, inner));
  for (const p of [...anchorPlans, ...stepPlans]) {
    if (p.fields.length !== first.fields.length) throw sqlError([1222, '21000'], 'The used SELECT statements have a different number of columns');
  }
  return {
    fields: first.fields,
    columnTypes: first.columnTypes,
    execute(session, bindVars) {
      const saved = current;
      try {
        let rows: SqlValue[][] = [];
        for (const p of anchorPlans) for (const r of p.execute(session, bindVars)) rows.push(r);
        if (distinct) rows = dedupe(rows);
        const max = maxRecursionDepth(session);
        let round = rows;
        for (let depth = 1n; round.length > 0; depth++) {
          if (depth > max) {
            throw sqlError([3636, 'HY000'], `Recursive query aborted after ${depth} iterations. Try increasing @@cte_max_recursion_depth to a larger value.`);
          }
          current = round;
          let next: SqlValue[][] = [];
          for (const p of stepPlans) for (const r of p.execute(session, bindVars)) next.push(r);
          if (distinct) {
            const before = rows.length;
            rows = dedupe([...rows, ...next]);
            next = rows.slice(before);
          } else for (const r of next) rows.push(r);
          round = next;
        }
        return rows;
      } finally {
        current = saved;
      }
    },
  };
}

function maxRecursionDepth(session: ExecSession): bigint {
  try {
    return toBigInt(session.systemVariable('cte_max_recursion_depth', 'session')) ?? DEFAULT_MAX_RECURSION_DEPTH;
  } catch {
    return DEFAULT_MAX_RECURSION_DEPTH;
  }
}

/** True if a FROM item anywhere in the query (subqueries included) names `table` without a database. */
function readsTable(root: unknown, table: string): boolean {
  if (root === null || typeof root !== 'object') return false;
  if (Array.isArray(root)) return root.some((x) => readsTable(x, table));
  const o = root as Record<string, unknown>;
  if (o.type === undefined && !o.db && typeof o.table === 'string' && o.table === table) return true;
  for (const k in o) if (k !== 'tableList' && k !== 'columnList' && readsTable(o[k], table)) return true;
  return false;
}
