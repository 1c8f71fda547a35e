/**
 * Filter: keeps the rows of its input for which a predicate is true (Vitess's engine.Filter), for
 * the predicates of a join that no route can evaluate and for HAVING above a vtgate aggregation.
 */
import { isTrue, renderExpr } from '@vtsim/sql';
import type { BindVars, Result } from '@vtsim/proto';
import type { PrimitiveDescription } from './plan-description.js';
import type { Primitive, VCursor } from './primitive.js';
import type { RowExpr } from './row-layout.js';

/** Rows of the input that satisfy the predicate. */
export class Filter implements Primitive {
  constructor(
    readonly input: Primitive,
    readonly predicate: RowExpr,
  ) {}

  async execute(vc: VCursor, bindVars: BindVars): Promise<Result> {
    const r = await this.input.execute(vc, bindVars);
    const pred = this.predicate.compiled(r.fields);
    const session = vc.sessionContext;
    const rows = r.rows.filter((row) => isTrue(pred({ row, bindVars, session })) === true);
    return { ...r, rows };
  }

  describe(): PrimitiveDescription {
    return { OperatorType: 'Filter', Predicate: renderExpr(this.predicate.expr), Inputs: [this.input.describe()] };
  }
}
