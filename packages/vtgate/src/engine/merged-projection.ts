/**
 * MergedProjection: an expression over aggregates (`1 + count(*)`, `avg(x) + 1`) evaluated in
 * vtgate on a row whose aggregates were merged across shards (Vitess's Projection above an
 * OrderedAggregate). Types come from the shards' fields, so the expression computes as MySQL
 * would on the whole table (a SUM's DECIMAL stays exact).
 */
import { ER, sqlError, type Field } from '@vtsim/proto';
import { compileExpr, type CompiledExpr, type Expr } from '@vtsim/sql';
import { fieldColumnType, type AggregateProjection } from './scatter-merge.js';

/** Where the expression's parts are among the merged result columns (each -1 or undefined when absent). */
export interface MergedColumns {
  /** The merged column of an aggregate call. */
  aggregate(node: Expr): number | undefined;
  /** A plain column reference outside aggregates (a GROUP BY key). */
  column(table: string | null, name: string): number;
  /** A merged aggregate whose argument is this column, whose field tells the argument's type (MIN/MAX keep it; SUM/AVG imply it). */
  argument(table: string | null, name: string): number;
}

/** An expression over merged aggregate columns; compiled once per shape of the shard fields. */
export class MergedProjection implements AggregateProjection {
  private readonly cache = new Map<string, CompiledExpr>();

  constructor(
    readonly expr: Expr,
    readonly columns: MergedColumns,
  ) {}

  compiled(fields: readonly Field[]): CompiledExpr {
    const shape = fields.map((f) => `${f.type}/${f.charset}/${f.decimals}/${f.flags}`).join(',');
    let compiled = this.cache.get(shape);
    if (!compiled) {
      const cols = this.columns;
      compiled = compileExpr(this.expr, {
        column: (table, name) => {
          let index = cols.column(table, name);
          if (index < 0) index = cols.argument(table, name);
          if (index < 0) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${name}' in 'field list'`);
          return { index, type: fieldColumnType(fields[index]!) };
        },
        aggregate: (node) => {
          const index = cols.aggregate(node);
          if (index === undefined) throw sqlError(ER.INVALID_GROUP_FUNC_USE, 'Invalid use of group function');
          return index;
        },
      });
      this.cache.set(shape, compiled);
    }
    return compiled;
  }
}
