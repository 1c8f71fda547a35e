/**
 * SemiJoin: `[NOT] EXISTS (correlated subquery)` that cannot run inside the outer route (Vitess's
 * engine.SemiJoin): for each row of the outer side, the subquery runs with the row's correlated
 * columns as bind variables; the row is kept when the subquery returns a row (EXISTS) or none
 * (NOT EXISTS).
 */
import type { BindVars, Result, SqlValue } from '@vtsim/proto';
import type { PrimitiveDescription } from './plan-description.js';
import type { Primitive, VCursor } from './primitive.js';

/** What a semi-join needs; see {@link SemiJoin}. */
export interface SemiJoinOptions {
  /** Keep outer rows without subquery rows (NOT EXISTS) rather than with. */
  anti: boolean;
  left: Primitive;
  right: Primitive;
  /** Bind variables of the subquery: name → the outer column whose value it takes. */
  vars: Record<string, number>;
}

/** Outer rows filtered by the existence of subquery rows. */
export class SemiJoin implements Primitive {
  constructor(readonly opts: SemiJoinOptions) {}

  /** Runs the subquery once per outer row, one after the other (inside a transaction both may reach the same shard). */
  async execute(vc: VCursor, bindVars: BindVars): Promise<Result> {
    const o = this.opts;
    const lr = await o.left.execute(vc, bindVars);
    const rows: SqlValue[][] = [];
    for (const row of lr.rows) {
      const vars: BindVars = { ...bindVars };
      for (const name in o.vars) vars[name] = row[o.vars[name]!]!;
      const found = (await o.right.execute(vc, vars)).rows.length > 0;
      if (found !== o.anti) rows.push(row);
    }
    return { ...lr, rows };
  }

  describe(): PrimitiveDescription {
    const o = this.opts;
    return { OperatorType: 'SemiJoin', Variant: o.anti ? 'AntiJoin' : 'SemiJoin', JoinVars: o.vars, Inputs: [{ InputName: 'Outer', ...o.left.describe() }, { InputName: 'SubQuery', ...o.right.describe() }] };
  }
}
