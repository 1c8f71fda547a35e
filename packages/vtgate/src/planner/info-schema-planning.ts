/**
 * Planning queries on information_schema and the other system schemas, as Vitess's
 * `InfoSchemaRouting` does: each top-level `col = value` predicate (WHERE and ON conjuncts) on a
 * schema-name column (`table_schema`, `constraint_schema`, `schema_name`, … MySQL 8's list) or a
 * table-name column (`table_name`, `referenced_table_name`) has its value replaced by a routing bind
 * variable (`:__vtschemaname`, `:table_name`, …) that the SystemTableRoute fills when it runs.
 * `database()` / `schema()` values stay as written: the tablet evaluates them against its own database.
 * The branches of a UNION are routed together (Vitess merges their routes when their schemas agree;
 * vtsim refuses branches naming different schemas at run time rather than running them apart).
 */
import { SqlLexer, Tok, type Expr, type Statement } from '@vtsim/sql';
import { SCHEMA_NAME_BIND_VAR, SystemTableRoute } from '../engine/system-table-route.js';
import type { ValueSource } from '../engine/value-source.js';
import { identName } from './ast.js';
import type { Plan, PlanContext } from './plan.js';
import { stripQualifiers } from './query-text.js';
import { SYSTEM_SCHEMAS } from './table-refs.js';
import { noDatabase } from './select-planner.js';
import { valueSource } from './vindex-predicates.js';

/** MySQL 8's information_schema columns that hold a schema name (Vitess's schemaColName80), lower-case. */
const SCHEMA_COLUMNS = new Set([
  'table_schema', 'constraint_schema', 'referenced_table_schema', 'unique_constraint_schema', 'event_schema', 'specific_schema',
  'routine_schema', 'schema_name', 'trigger_schema', 'event_object_schema', 'view_schema',
]);
const TABLE_COLUMNS = new Set(['table_name', 'referenced_table_name']);

/** Plans a SELECT naming a system schema: one shard of the keyspace its predicates pick, else of the default keyspace. */
export function planInformationSchema(ast: Statement, sql: string, ctx: PlanContext): Plan {
  const defaultKeyspace = ctx.keyspace || ctx.vschema.keyspaceNames()[0] || [...ctx.keyspaceNames][0];
  if (!defaultKeyspace) throw noDatabase();
  const renames = new Map<string, string>();
  const schemaValues: ValueSource[] = [];
  const tableValues: [string, ValueSource][] = [];
  // A UNION's branches are merged into one route, as Vitess merges information_schema routes.
  const predicates: Expr[] = [];
  for (let branch: Statement | undefined = ast; branch; branch = branch._next as Statement | undefined) {
    andTerms(branch.where as Expr, predicates);
    for (const f of (branch.from ?? []) as Expr[]) if (f.on) andTerms(f.on as Expr, predicates);
  }
  for (const p of predicates) {
    if (p.type !== 'binary_expr' || p.operator !== '=') continue;
    let col = p.left as Expr;
    let value = p.right as Expr;
    if (col.type !== 'column_ref') [col, value] = [value, col];
    if (col.type !== 'column_ref' || value.type !== 'param') continue;
    const name = String(identName(col.column)).toLowerCase();
    const src = valueSource(value);
    if (!src) continue;
    if (SCHEMA_COLUMNS.has(name)) {
      renames.set(String(value.value), SCHEMA_NAME_BIND_VAR);
      schemaValues.push(src);
    } else if (TABLE_COLUMNS.has(name)) {
      let bv = name;
      for (let i = 1; tableValues.some(([n]) => n === bv); i++) bv = `${name}${i}`;
      renames.set(String(value.value), bv);
      tableValues.push([bv, src]);
    }
  }
  const query = renameParams(stripQualifiers(sql, ctx.keyspaceNames), renames);
  return { type: 'select', write: false, primitive: new SystemTableRoute({ defaultKeyspace, sessionKeyspace: ctx.keyspace, query, schemaValues, tableValues, vschema: ctx.vschema, systemSchemas: SYSTEM_SCHEMAS }) };
}

/** The terms of an AND chain, parenthesized or not (Vitess's AST keeps no parentheses). */
function andTerms(e: Expr | null | undefined, out: Expr[]): void {
  if (!e) return;
  if (e.type === 'binary_expr' && String(e.operator).toUpperCase() === 'AND') {
    andTerms(e.left as Expr, out);
    andTerms(e.right as Expr, out);
  } else out.push(e);
}

/** The text with each `:old` bind variable in `renames` spelled `:new`. */
function renameParams(sql: string, renames: ReadonlyMap<string, string>): string {
  if (renames.size === 0) return sql;
  const lx = new SqlLexer(sql, false);
  let out = '';
  let last = 0;
  for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) {
    if (k !== Tok.PARAM) continue;
    const to = renames.get(lx.text().slice(1));
    if (to === undefined) continue;
    out += `${sql.slice(last, lx.start)}:${to}`;
    last = lx.end;
  }
  return out + sql.slice(last);
}
