/**
 * Route: sends one query to the shards a routing decision picks (Vitess's engine.Route) — the
 * single shard of an unsharded keyspace, the shard of a vindex value, the shards of an IN list,
 * any shard (reference tables) or every shard (scatter) — and merges multi-shard results.
 */
import { Code, ER, emptyResult, sqlError, type BindVars, type Result, type SqlValue } from '@vtsim/proto';
import type { ServingShard } from '../resolver.js';
import type { Vindex } from '@vtsim/vindexes';
import type { Primitive, QueryAccess, ShardQuery, VCursor } from './primitive.js';
import { mergeResults, type MergeSpec } from './scatter-merge.js';
import { describeValue, type PrimitiveDescription } from './plan-description.js';
import { evaluateValue, type ValueSource } from './value-source.js';

/** How a route picks its shards. */
export type RouteOpcode =
  /** The keyspace's only shard. */
  | 'unsharded'
  /** The shard of one vindex value. */
  | 'equal'
  /** The shards of a list of vindex values. */
  | 'in'
  /** One shard, any (reference tables: every shard holds the same rows). */
  | 'reference'
  /** Every shard. */
  | 'scatter';

/** What a route needs; see {@link Route}. */
export interface RouteOptions {
  keyspace: string;
  opcode: RouteOpcode;
  /** The query for a single shard (qualifiers stripped, otherwise as written). */
  query: string;
  /** The query for several shards (rewritten for the merge) and the merge; defaults to `query` and a plain concatenation. */
  scatterQuery?: string;
  merge?: MergeSpec;
  /** The vindex and values of `equal` and `in` routes. */
  vindex?: Vindex;
  values?: ValueSource[];
  access: QueryAccess;
  /**
   * Set when the query is only correct on a single shard: running it on several fails with 1235
   * `VT12001: unsupported: <this>`, or with this error itself.
   */
  multiShardError?: string | Error;
  /** For DML: sum rows affected across shards (false: reference-table writes, where every shard does the same). */
  sumRowsAffected?: boolean;
}

/** A routed query. */
export class Route implements Primitive {
  constructor(readonly opts: RouteOptions) {}

  async execute(vc: VCursor, bindVars: BindVars): Promise<Result> {
    const o = this.opts;
    const shards = this.pickShards(vc, bindVars);
    if (shards.length > 1 && o.multiShardError) {
      if (o.multiShardError instanceof Error) throw o.multiShardError;
      throw sqlError(ER.NOT_SUPPORTED_YET, `VT12001: unsupported: ${o.multiShardError}`, Code.UNIMPLEMENTED);
    }
    if (shards.length === 1) return vc.executeShard({ shard: shards[0]!, sql: o.query, bindVars }, o.access);
    if (shards.length === 0) {
      if (o.access.write) return emptyResult();
      const probe = await vc.executeShard({ shard: vc.resolver.shards(o.keyspace, vc.tabletType)[0]!, sql: o.query, bindVars }, o.access);
      return { ...probe, rows: [] };
    }
    const sql = o.scatterQuery ?? o.query;
    const queries: ShardQuery[] = shards.map((shard) => ({ shard, sql, bindVars }));
    const results = await vc.executeShards(queries, o.access);
    if (o.access.write) {
      let rowsAffected = 0;
      if (o.sumRowsAffected === false) rowsAffected = results[0]?.rowsAffected ?? 0;
      else for (const r of results) rowsAffected += r.rowsAffected;
      return { fields: [], rows: [], rowsAffected, insertId: 0n };
    }
    if (o.merge) return mergeResults(o.merge, results, bindVars, vc.sessionContext);
    return concatResults(results);
  }

  describe(): PrimitiveDescription {
    const o = this.opts;
    const d: PrimitiveDescription = {
      OperatorType: 'Route',
      Variant: ROUTE_VARIANTS[o.opcode],
      Keyspace: { Name: o.keyspace, Sharded: o.opcode !== 'unsharded' },
      Query: o.opcode === 'scatter' || o.opcode === 'in' ? (o.scatterQuery ?? o.query) : o.query,
      Table: o.access.tables.join(', '),
    };
    if (o.vindex) d.Vindex = o.vindex.type;
    if (o.values) d.Values = o.values.map(describeValue);
    const m = o.opcode === 'scatter' || o.opcode === 'in' ? o.merge : undefined;
    if (!m) return d;
    // The merge as the primitives Vitess puts above a scatter: its ORDER BY inside the route (a merge sort), then aggregation, DISTINCT, LIMIT.
    if (m.orderBy.length > 0 && !m.aggregation) d.OrderBy = m.orderBy.map((k) => `${'index' in k.column ? k.column.index : 'name' in k.column ? k.column.name : `-${k.column.fromEnd}`} ${k.desc ? 'DESC' : 'ASC'}`).join(', ');
    let top = d;
    if (m.aggregation) top = { OperatorType: 'Aggregate', Variant: m.aggregation.groupKeys.length > 0 ? 'Ordered' : 'Scalar', GroupBy: m.aggregation.groupKeys.join(', '), Inputs: [top] };
    if (m.distinct) top = { OperatorType: 'Distinct', Inputs: [top] };
    if (m.limit) top = { OperatorType: 'Limit', Count: describeValue(m.limit.count), ...(m.limit.offset ? { Offset: describeValue(m.limit.offset) } : {}), Inputs: [top] };
    return top;
  }

  private pickShards(vc: VCursor, bindVars: BindVars): ServingShard[] {
    const o = this.opts;
    const all = vc.resolver.shards(o.keyspace, vc.tabletType);
    switch (o.opcode) {
      case 'unsharded':
      case 'reference':
        return all.length > 0 ? [all[0]!] : [];
      case 'scatter':
        return all;
      case 'equal':
      case 'in': {
        // A list bind variable (a pulled-out `IN (subquery)`) routes by each of its values.
        const values: SqlValue[] = o.values!.flatMap((v) => {
          const list = v.kind === 'bind' ? bindVars[v.name] : undefined;
          return Array.isArray(list) ? list : [evaluateValue(v, bindVars, vc.sessionContext)];
        });
        const ksids = o.vindex!.map(values);
        const picked: ServingShard[] = [];
        for (const ksid of ksids) {
          if (!ksid) continue;
          const shard = vc.resolver.shardForKeyspaceId(o.keyspace, vc.tabletType, ksid);
          if (!picked.includes(shard)) picked.push(shard);
        }
        if (picked.length > 1) picked.sort((a, b) => all.indexOf(a) - all.indexOf(b));
        return picked;
      }
    }
  }
}

/** Vitess's names of the route opcodes. */
const ROUTE_VARIANTS: Record<RouteOpcode, string> = { unsharded: 'Unsharded', equal: 'EqualUnique', in: 'IN', reference: 'Reference', scatter: 'Scatter' };

/** Concatenates shard results (same fields), as a scatter without ORDER BY returns them. */
export function concatResults(results: Result[]): Result {
  if (results.length === 1) return results[0]!;
  const rows: SqlValue[][] = [];
  for (const r of results) for (const row of r.rows) rows.push(row);
  return { fields: results[0]?.fields ?? [], rows, rowsAffected: 0, insertId: 0n };
}
