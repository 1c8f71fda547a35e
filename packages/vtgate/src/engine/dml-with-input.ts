/**
 * DMLWithInput: an UPDATE or DELETE that no single route can run as written (a multi-shard one
 * with ORDER BY … LIMIT) runs in two steps, as Vitess's engine.DMLWithInput: its input selects
 * the primary keys of the rows to change, then the DML runs on exactly those rows, with the keys
 * as a list bind variable that routes it by vindex.
 */
import { emptyResult, type BindVars, type Result } from '@vtsim/proto';
import type { PrimitiveDescription } from './plan-description.js';
import type { Primitive, VCursor } from './primitive.js';

/** The list bind variable the DML reads the selected keys from (Vitess's name). */
export const DML_VALS = 'dml_vals';

/** Selects the keys, then runs the DML on them (nothing when no row matched). */
export class DmlWithInput implements Primitive {
  constructor(
    readonly input: Primitive,
    readonly dml: Primitive,
  ) {}

  async execute(vc: VCursor, bindVars: BindVars): Promise<Result> {
    const keys = await this.input.execute(vc, bindVars);
    if (keys.rows.length === 0) return emptyResult();
    return this.dml.execute(vc, { ...bindVars, [DML_VALS]: keys.rows.map((row) => row[0]!) });
  }

  describe(): PrimitiveDescription {
    return { OperatorType: 'DMLWithInput', TargetTabletType: 'PRIMARY', BindVars: [DML_VALS], Inputs: [this.input.describe(), this.dml.describe()] };
  }
}
