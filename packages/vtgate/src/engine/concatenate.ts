/**
 * Concatenate: the branches of a UNION that cannot run as one route (Vitess's Concatenate, with
 * Distinct above it for UNION DISTINCT): each branch runs on its own plan, rows are appended in
 * branch order, duplicates are removed where a DISTINCT union says so, and the union's own
 * ORDER BY / LIMIT is applied last.
 */
import { sqlError, type BindVars, type Result, type SqlValue } from '@vtsim/proto';
import type { Primitive, VCursor } from './primitive.js';
import { columnComparators, distinct, mergeResults, type MergeSpec } from './scatter-merge.js';

/** A union of separately planned branches. */
export class Concatenate implements Primitive {
  /**
   * `distinct[i]` tells whether branch i + 1 joins with UNION [DISTINCT] (false: UNION ALL); a
   * DISTINCT union removes duplicates from every row before it, as MySQL does. `merge` holds the
   * union's ORDER BY and LIMIT.
   */
  constructor(
    readonly branches: readonly Primitive[],
    readonly distinct: readonly boolean[],
    readonly merge?: MergeSpec,
  ) {}

  async execute(vc: VCursor, bindVars: BindVars): Promise<Result> {
    // One branch after the other: inside a transaction, branches may reach the same shard.
    const results: Result[] = [];
    for (const b of this.branches) results.push(await b.execute(vc, bindVars));
    const fields = results[0]!.fields;
    const compare = columnComparators(fields);
    let rows: SqlValue[][] = results[0]!.rows.slice();
    for (let i = 1; i < results.length; i++) {
      const r = results[i]!;
      if (r.fields.length !== fields.length) throw sqlError([1222, '21000'], 'The used SELECT statements have a different number of columns');
      for (const row of r.rows) rows.push(row);
      if (this.distinct[i - 1]) rows = distinct(rows, fields.length, compare);
    }
    const union: Result = { fields, rows, rowsAffected: 0, insertId: 0n };
    return this.merge ? mergeResults(this.merge, [union], bindVars, vc.sessionContext) : union;
  }
}
