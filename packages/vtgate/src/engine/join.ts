/**
 * Join: a nested-loop join in vtgate (Vitess's engine.Join): runs the left side once, then the
 * right side once per left row with that row's join columns as bind variables (`Vars`), and
 * builds each output row from both sides' columns (`Cols`). A left join keeps a left row whose
 * right side returned nothing, with NULLs in the right columns.
 */
import type { BindVars, Field, Result, SqlValue } from '@vtsim/proto';
import type { PrimitiveDescription } from './plan-description.js';
import type { Primitive, VCursor } from './primitive.js';

/** Inner or left outer join. */
export type JoinOpcode = 'inner' | 'left';

/** What a join needs; see {@link Join}. */
export interface JoinOptions {
  opcode: JoinOpcode;
  left: Primitive;
  right: Primitive;
  /**
   * The output columns, as Vitess numbers them: -1, -2, … are the left side's columns 0, 1, …;
   * 1, 2, … the right side's.
   */
  cols: number[];
  /** Bind variables of the right side: name → the left column whose value it takes. */
  vars: Record<string, number>;
}

/** A nested-loop join of two primitives. */
export class Join implements Primitive {
  constructor(readonly opts: JoinOptions) {}

  /**
   * Runs the join. The right side runs once per left row, one after the other (inside a
   * transaction both sides may reach the same shard); with no left rows it still runs once, with
   * NULL join values, for its fields.
   */
  async execute(vc: VCursor, bindVars: BindVars): Promise<Result> {
    const o = this.opts;
    const lr = await o.left.execute(vc, bindVars);
    const rows: SqlValue[][] = [];
    let rightFields: Field[] | undefined;
    for (const lrow of lr.rows) {
      const rr = await o.right.execute(vc, this.bind(bindVars, lrow));
      rightFields ??= rr.fields;
      if (rr.rows.length === 0) {
        if (o.opcode === 'left') rows.push(this.row(lrow, undefined));
        continue;
      }
      for (const rrow of rr.rows) rows.push(this.row(lrow, rrow));
    }
    rightFields ??= (await o.right.execute(vc, this.bind(bindVars, undefined))).fields;
    const fields = o.cols.map((c) => (c < 0 ? lr.fields[-c - 1]! : rightFields![c - 1]!));
    return { fields, rows, rowsAffected: 0, insertId: 0n };
  }

  describe(): PrimitiveDescription {
    const o = this.opts;
    return {
      OperatorType: 'Join',
      Variant: o.opcode === 'left' ? 'LeftJoin' : 'Join',
      JoinColumnIndexes: o.cols.map((c) => (c < 0 ? `L:${-c - 1}` : `R:${c - 1}`)).join(','),
      JoinVars: o.vars,
      Inputs: [o.left.describe(), o.right.describe()],
    };
  }

  private bind(bindVars: BindVars, lrow: SqlValue[] | undefined): BindVars {
    const out: BindVars = { ...bindVars };
    for (const name in this.opts.vars) out[name] = lrow ? lrow[this.opts.vars[name]!]! : null;
    return out;
  }

  private row(lrow: SqlValue[], rrow: SqlValue[] | undefined): SqlValue[] {
    return this.opts.cols.map((c) => (c < 0 ? lrow[-c - 1]! : rrow ? rrow[c - 1]! : null));
  }
}
