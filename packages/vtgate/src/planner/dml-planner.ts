/**
 * Planning UPDATE and DELETE: unsharded keyspaces get the statement as written; sharded tables are
 * routed by a vindex predicate or scattered (rows affected summed); changing a vindex column is
 * refused as Vitess refuses it.
 */
import type { Expr, Statement } from '@vtsim/sql';
import type { QueryAccess } from '../engine/primitive.js';
import { Route } from '../engine/route.js';
import { identName, unsupported } from './ast.js';
import type { Plan, PlanContext } from './plan.js';
import { stripQualifiers } from './query-text.js';
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
