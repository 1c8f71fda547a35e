/**
 * Planning UPDATE and DELETE: unsharded keyspaces get the statement as written; sharded tables are
 * routed by a vindex predicate or scattered (rows affected summed), a multi-shard one with LIMIT
 * as a DMLWithInput; changing a vindex column is refused as Vitess refuses it.
 */
import { parseStatement, SqlLexer, Tok, type Expr, type Statement } from '@vtsim/sql';
import { DML_VALS, DmlWithInput } from '../engine/dml-with-input.js';
import type { QueryAccess } from '../engine/primitive.js';
import { Route } from '../engine/route.js';
import { SchemaTrackingNeeded } from '../schema-tracker.js';
import type { TableModel } from '../vschema.js';
import { identName, unsupported } from './ast.js';
import type { Plan, PlanContext } from './plan.js';
import { quoteIdent, stripQualifiers } from './query-text.js';
import { planSelect } from './select-planner.js';
import { collectTables, resolveTables } from './table-refs.js';
import { findVindexRoute, type ScopedTable } from './vindex-predicates.js';

/** Plans an UPDATE or DELETE. `sql` is the normalized text the AST was parsed from. */
export function planDml(ast: Statement, sql: string, ctx: PlanContext): Plan {
  const type = ast.type === 'update' ? 'update' : 'delete';
  const refs = collectTables(ast);
  const resolved = resolveTables(refs, ctx.vschema, ctx.keyspace, ctx.tabletType);
  if (resolved.length === 0) throw unsupported(`${type} without a table`);
  const ks = resolved[0]!.table.keyspace;
  if (resolved.some((r) => r.table.keyspace !== ks)) throw unsupported('cross-keyspace query');
  const qualifiers = new Set(refs.map((r) => r.db).filter((d): d is string => d !== null && ctx.keyspaceNames.has(d)));
  const text = stripQualifiers(sql, qualifiers);
  const access: QueryAccess = { tables: [...new Set(resolved.map((r) => r.table.name))], write: true };
  const plan = (route: Route): Plan => ({ type, primitive: route, write: true });
  if (!ks.sharded) return plan(new Route({ keyspace: ks.name, opcode: 'unsharded', query: text, access }));

  const top = resolved.filter((r) => !r.ref.nested);
  const target = top[0]!.table;
  if (target.type === 'reference') {
    return plan(new Route({ keyspace: ks.name, opcode: 'scatter', query: text, access, sumRowsAffected: false }));
  }
  if (type === 'update') {
    for (const set of (ast.set ?? []) as Expr[]) {
      const column = String(identName(set.column)).toLowerCase();
      const cv = target.columnVindexes.find((c) => c.column === column);
      if (cv) throw unsupported(`You can't update primary vindex columns. Invalid update on vindex: ${cv.vindex.name}`);
    }
  }
  let multiShardError: string | undefined;
  if (top.length > 1 || resolved.some((r) => r.ref.nested && r.table.type !== 'reference')) multiShardError = `multi-table ${type} across shards`;
  const scoped: ScopedTable[] = top.map((r) => ({ alias: r.ref.alias, table: r.table }));
  const route = multiShardError ? undefined : findVindexRoute(ast.where as Expr, scoped);
  if (!route && !multiShardError && (ast.limit?.value?.length ?? 0) > 0) {
    const withInput = planDmlWithInput(type, text, target, ctx);
    if (withInput) return { type, primitive: withInput, write: true };
  }
  if (!route && (ast.limit?.value?.length ?? 0) > 0) multiShardError ??= `multi shard ${type.toUpperCase()} with LIMIT`;
  return plan(
    new Route({
      keyspace: ks.name,
      opcode: route?.opcode ?? 'scatter',
      query: text,
      vindex: route?.vindex,
      values: route?.values,
      access,
      multiShardError,
    }),
  );
}

/**
 * A multi-shard UPDATE/DELETE with LIMIT as Vitess's DMLWithInput: `select pk from t [where …]
 * [order by …] limit …` across the shards, then the DML with `where pk in (:dml_vals)` instead of
 * its WHERE/ORDER BY/LIMIT. Needs the table's one-column primary key from the schema tracker
 * (undefined without one: the statement is refused as a multi-shard DML with LIMIT).
 */
function planDmlWithInput(type: 'update' | 'delete', text: string, target: TableModel, ctx: PlanContext): DmlWithInput | undefined {
  const schema = ctx.schema;
  if (!schema) return undefined;
  const ks = target.keyspace.name;
  if (!schema.loaded(ks)) throw new SchemaTrackingNeeded(ks, unsupported(`multi shard ${type.toUpperCase()} with LIMIT`));
  const pk = schema.primaryKey(ks, target.name);
  if (!pk || pk.length !== 1) return undefined;
  const parts = dmlParts(type, text);
  if (!parts) return undefined;
  const key = quoteIdent(pk[0]!);
  const selectSql = `select ${key} from ${parts.table} ${parts.tail}`;
  const dmlSql = `${text.slice(0, parts.tailStart).trimEnd()} where ${key} in (:${DML_VALS})`;
  return new DmlWithInput(planSelect(parseStatement(selectSql), selectSql, ctx).primitive, planDml(parseStatement(dmlSql), dmlSql, ctx).primitive);
}

/** The table text of an UPDATE (before SET) or DELETE (after FROM), and where its WHERE/ORDER BY/LIMIT tail starts. */
function dmlParts(type: 'update' | 'delete', text: string): { table: string; tail: string; tailStart: number } | undefined {
  const lx = new SqlLexer(text);
  let depth = 0;
  let tableStart = -1;
  let tableEnd = -1;
  for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) {
    if (k === Tok.PUNCT && lx.isPunct('(')) depth++;
    else if (k === Tok.PUNCT && lx.isPunct(')')) depth--;
    else if (depth === 0 && (k === Tok.WORD || k === Tok.QUOTED_IDENT)) {
      if (tableStart < 0) {
        if (type === 'update' ? lx.isWord('UPDATE') || lx.isWord('LOW_PRIORITY') || lx.isWord('IGNORE') : !lx.isWord('FROM')) continue;
        if (type === 'delete') {
          tableStart = lx.end;
          continue;
        }
        tableStart = lx.start;
      }
      if (type === 'update' && tableEnd < 0 && lx.isWord('SET')) tableEnd = lx.start;
      else if (lx.isWord('WHERE') || lx.isWord('ORDER') || lx.isWord('LIMIT')) {
        if (type === 'delete') tableEnd = lx.start;
        if (tableEnd < 0) return undefined;
        return { table: text.slice(tableStart, tableEnd).trim(), tail: text.slice(lx.start), tailStart: lx.start };
      }
    }
  }
  return undefined;
}
