/**
 * Projection: the select list evaluated in vtgate over rows no shard could project (a join's or
 * a vtgate aggregation's output), as Vitess's engine.Projection, then the statement's DISTINCT,
 * ORDER BY and LIMIT over the projected rows (Vitess's Distinct, MemorySort and Limit), and the
 * hidden ORDER BY columns dropped.
 */
import type { BindVars, Field, Result, SqlValue } from '@vtsim/proto';
import { isDynamicType, renderExpr, resultField, typeOfValue } from '@vtsim/sql';
import type { PrimitiveDescription } from './plan-description.js';
import type { Primitive, VCursor } from './primitive.js';
import type { RowExpr } from './row-layout.js';
import { mergeResults, type MergeSpec } from './scatter-merge.js';

/** One output column: its name, its expression, and the input column it copies when it is a bare column (its field is kept). */
export interface ProjectedColumn {
  name: string;
  expr: RowExpr;
  column?: number;
}

/** A select list over an input primitive. */
export class Projection implements Primitive {
  constructor(
    readonly input: Primitive,
    readonly columns: readonly ProjectedColumn[],
    readonly merge?: MergeSpec,
  ) {}

  async execute(vc: VCursor, bindVars: BindVars): Promise<Result> {
    const input = await this.input.execute(vc, bindVars);
    const exprs = this.columns.map((c) => c.expr.compiled(input.fields));
    const env = { row: [] as readonly SqlValue[], bindVars, session: vc.sessionContext };
    const rows = input.rows.map((row) => {
      env.row = row;
      return exprs.map((e) => e(env));
    });
    const fields: Field[] = this.columns.map((c, i) => {
      if (c.column !== undefined) return { ...input.fields[c.column]!, name: c.name };
      const e = exprs[i]!;
      const first = rows.find((r) => r[i] !== null)?.[i];
      const type = e.columnType ?? (isDynamicType(e.type) && first !== undefined ? typeOfValue(first) : e.type);
      return resultField(c.name, type, { notNull: e.nullable === false });
    });
    const result: Result = { fields, rows, rowsAffected: 0, insertId: 0n };
    return this.merge ? mergeResults(this.merge, [result], bindVars, vc.sessionContext) : result;
  }

  describe(): PrimitiveDescription {
    const d: PrimitiveDescription = { OperatorType: 'Projection', Expressions: this.columns.map((c) => `${renderExpr(c.expr.expr)} as ${c.name}`), Inputs: [this.input.describe()] };
    const m = this.merge;
    if (m && (m.distinct || m.orderBy.length > 0 || m.limit)) {
      return { OperatorType: m.limit ? 'Limit' : m.orderBy.length > 0 ? 'Sort' : 'Distinct', Inputs: [d] };
    }
    return d;
  }
}
