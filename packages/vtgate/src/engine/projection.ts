/**
 * Projection: the select list evaluated in vtgate over rows no shard could project (a join's or
 * a vtgate aggregation's output), as Vitess's engine.Projection, then the statement's DISTINCT,
 * ORDER BY and LIMIT over the projected rows (Vitess's Distinct, MemorySort and Limit), and the
 * hidden ORDER BY columns dropped.
 */
import type { BindVars, Field, Result, SqlValue } from '@vtsim/proto';
import { isDynamicType, renderExpr, resultField, typeOfValue, type CompiledExpr } from '@vtsim/sql';
import type { PrimitiveDescription } from './plan-description.js';
import type { Primitive, VCursor } from './primitive.js';
import type { RowExpr } from './row-layout.js';
import { mergeResults, type MergeSpec } from './scatter-merge.js';

/**
 * One output column: its name, its expression, and the input column it copies when it is a bare
 * column (its field is kept); or a table's `*`: the input columns past the `planned` ones whose
 * field names that table (as written in the query), in order.
 */
export type ProjectedColumn = { name: string; expr: RowExpr; column?: number } | { star: string; planned: number };

/** A select list over an input primitive. */
export class Projection implements Primitive {
  constructor(
    readonly input: Primitive,
    readonly columns: readonly ProjectedColumn[],
    readonly merge?: MergeSpec,
  ) {}

  async execute(vc: VCursor, bindVars: BindVars): Promise<Result> {
    const input = await this.input.execute(vc, bindVars);
    const out: { name: string; column?: number; expr?: CompiledExpr }[] = [];
    for (const c of this.columns) {
      if ('star' in c) {
        for (let k = c.planned; k < input.fields.length; k++) if (input.fields[k]!.table === c.star) out.push({ name: input.fields[k]!.name, column: k });
      } else out.push({ name: c.name, column: c.column, expr: c.expr.compiled(input.fields) });
    }
    const env = { row: [] as readonly SqlValue[], bindVars, session: vc.sessionContext };
    const rows = input.rows.map((row) => {
      env.row = row;
      return out.map((o) => (o.expr ? o.expr(env) : row[o.column!]!));
    });
    const fields: Field[] = out.map((c, i) => {
      if (c.column !== undefined) return { ...input.fields[c.column]!, name: c.name };
      const e = c.expr!;
      const first = rows.find((r) => r[i] !== null)?.[i];
      const type = e.columnType ?? (isDynamicType(e.type) && first !== undefined ? typeOfValue(first) : e.type);
      return resultField(c.name, type, { notNull: e.nullable === false });
    });
    const result: Result = { fields, rows, rowsAffected: 0, insertId: 0n };
    return this.merge ? mergeResults(this.merge, [result], bindVars, vc.sessionContext) : result;
  }

  describe(): PrimitiveDescription {
    const d: PrimitiveDescription = { OperatorType: 'Projection', Expressions: this.columns.map((c) => ('star' in c ? `${c.star}.*` : `${renderExpr(c.expr.expr)} as ${c.name}`)), Inputs: [this.input.describe()] };
    const m = this.merge;
    if (m && (m.distinct || m.orderBy.length > 0 || m.limit)) {
      return { OperatorType: m.limit ? 'Limit' : m.orderBy.length > 0 ? 'Sort' : 'Distinct', Inputs: [d] };
    }
    return d;
  }
}
