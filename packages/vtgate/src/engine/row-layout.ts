/**
 * RowLayout: what each column of a result computed in vtgate holds (a table's column, then the
 * aggregates of a grouping), and expressions compiled against it (Vitess's evalengine
 * expressions over a join's or an aggregation's output). Column types come from the result's
 * fields, so an expression is compiled once per shape of the fields and computes as MySQL would.
 */
import { ER, sqlError, type Field } from '@vtsim/proto';
import { compileExpr, type CompiledExpr, type Expr } from '@vtsim/sql';
import { fieldColumnType } from './scatter-merge.js';

/** One column of a vtgate-side result: the table (by alias) and column it came from. */
export interface LayoutColumn {
  table: string;
  name: string;
}

/** The columns of a vtgate-side result, and after them the aggregates (by structural key) of a grouping. */
export interface RowLayout {
  columns: readonly LayoutColumn[];
  /** Keys (see the planner's exprKey) of the aggregate calls held after the columns, in order. */
  aggregates?: readonly string[];
  /** The structural key of an aggregate node (the planner's exprKey). */
  aggregateKey?: (node: Expr) => string;
}

/**
 * The index of a column: among the layout's columns, then among the columns past them (a table's
 * `*`, before any aggregates), found by their fields' table and name. An unqualified name of
 * several tables is SqlError 1052, an unknown one 1054.
 */
function layoutColumn(layout: RowLayout, fields: readonly Field[], table: string | null, name: string): number {
  const lower = name.toLowerCase();
  let found = -1;
  let foundTable = '';
  const consider = (i: number, t: string, n: string): void => {
    if (n.toLowerCase() !== lower || (table !== null && t !== table)) return;
    if (found >= 0 && foundTable !== t) throw sqlError(ER.NON_UNIQ_ERROR, `Column '${name}' in field list is ambiguous`);
    if (found < 0) [found, foundTable] = [i, t];
  };
  layout.columns.forEach((c, i) => consider(i, c.table, c.name));
  const end = fields.length - (layout.aggregates?.length ?? 0);
  for (let i = layout.columns.length; i < end; i++) consider(i, fields[i]!.table, fields[i]!.name);
  if (found < 0) throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${table ? `${table}.` : ''}${name}' in 'field list'`);
  return found;
}

/** An expression over a layout's rows, compiled once per shape of the result fields. */
export class RowExpr {
  private readonly cache = new Map<string, CompiledExpr>();

  constructor(
    readonly expr: Expr,
    readonly layout: RowLayout,
  ) {}

  /** The compiled expression for rows with these fields. */
  compiled(fields: readonly Field[]): CompiledExpr {
    const shape = fields.map((f) => `${f.type}/${f.charset}/${f.decimals}/${f.flags}/${f.column_length}`).join(',');
    let compiled = this.cache.get(shape);
    if (!compiled) {
      const layout = this.layout;
      compiled = compileExpr(this.expr, {
        column: (table, name) => {
          const index = layoutColumn(layout, fields, table, name);
          return { index, type: fieldColumnType(fields[index]!) };
        },
        aggregate: (node) => {
          const k = layout.aggregates && layout.aggregateKey ? layout.aggregates.indexOf(layout.aggregateKey(node)) : -1;
          if (k < 0) throw sqlError(ER.INVALID_GROUP_FUNC_USE, 'Invalid use of group function');
          return fields.length - layout.aggregates!.length + k;
        },
      });
      this.cache.set(shape, compiled);
    }
    return compiled;
  }
}
