/**
 * Concatenate: the branches of a UNION that cannot run as one route (Vitess's Concatenate, with
 * Distinct above it for UNION DISTINCT): each branch runs on its own plan, rows are appended in
 * branch order, duplicates are removed where a DISTINCT union says so, and the union's own
 * ORDER BY / LIMIT is applied last.
 */
import { MySqlFlag, sqlError, type BindVars, type Field, type Result, type SqlValue } from '@vtsim/proto';
import { isTextType, toText, unifyTypes } from '@vtsim/sql';
import type { PrimitiveDescription } from './plan-description.js';
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
    for (const r of results) {
      if (r.fields.length !== results[0]!.fields.length) throw sqlError([1222, '21000'], 'The used SELECT statements have a different number of columns');
    }
    const fields = unionFields(results.map((r) => r.fields));
    const compare = columnComparators(fields);
    // Numbers in a column that became a string compare (and deduplicate) as their text.
    const asText = fields.flatMap((f, i) => (isTextType(f.type) && results.some((r) => !isTextType(r.fields[i]!.type)) ? [i] : []));
    const convert = (row: SqlValue[]): SqlValue[] => {
      if (asText.length === 0) return row;
      const out = row.slice();
      for (const i of asText) if (typeof out[i] === 'bigint' || typeof out[i] === 'number') out[i] = toText(out[i]!);
      return out;
    };
    let rows: SqlValue[][] = results[0]!.rows.map(convert);
    for (let i = 1; i < results.length; i++) {
      for (const row of results[i]!.rows) rows.push(convert(row));
      if (this.distinct[i - 1]) rows = distinct(rows, fields.length, compare);
    }
    const union: Result = { fields, rows, rowsAffected: 0, insertId: 0n };
    return this.merge ? mergeResults(this.merge, [union], bindVars, vc.sessionContext) : union;
  }

  describe(): PrimitiveDescription {
    const concat: PrimitiveDescription = { OperatorType: 'Concatenate', Inputs: this.branches.map((b) => b.describe()) };
    const d = this.distinct.some(Boolean) ? { OperatorType: 'Distinct', Inputs: [concat] } : concat;
    return this.merge ? { OperatorType: this.merge.limit ? 'Limit' : 'Sort', Inputs: [d] } : d;
  }
}

/**
 * The union's fields: the first branch's names, each column's type unified over the branches as
 * MySQL aggregates them (numbers widen, any string makes a string: `select 1 union select 'a'` is
 * VARCHAR), with the widest length.
 */
function unionFields(branches: Field[][]): Field[] {
  return branches[0]!.map((first, i) => {
    const column = branches.map((fields) => fields[i]!);
    const type = unifyTypes(column.map((f) => f.type));
    const length = Math.max(...column.map((f) => f.column_length));
    if (type === first.type) return length === first.column_length ? first : { ...first, column_length: length };
    const text = column.find((f) => f.type === type) ?? column.find((f) => isTextType(f.type));
    return { ...first, type, column_length: length, charset: text?.charset ?? first.charset, decimals: Math.max(...column.map((f) => f.decimals)), flags: first.flags & ~NUMERIC_FLAGS };
  });
}

/** UNSIGNED and ZEROFILL, which a column unified with another type no longer has. */
const NUMERIC_FLAGS = MySqlFlag.UNSIGNED_FLAG | MySqlFlag.ZEROFILL_FLAG;
