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
   * 1, 2, … the right side's. They name the sides' planned columns; columns a side returns past
   * those (a table's `*`, known only from its fields) follow, the left side's then the right's.
   */
  cols: number[];
  /** Bind variables of the right side: name → the left column whose value it takes. */
  vars: Record<string, number>;
}

/** A nested-loop join of two primitives. */
export class Join implements Primitive {
  /** How many of each side's columns `cols` names (the rest are the side's tail). */
  private readonly leftPlanned: number;
  private readonly rightPlanned: number;

  constructor(readonly opts: JoinOptions) {
    this.leftPlanned = opts.cols.filter((c) => c < 0).length;
    this.rightPlanned = opts.cols.filter((c) => c > 0).length;
  }

  /**
   * Runs the join. The right side runs once per left row, one after the other (inside a
   * transaction both sides may reach the same shard); with no left rows it still runs once, with
   * NULL join values, for its fields.
   */
  async execute(vc: VCursor, bindVars: BindVars): Promise<Result> {
    const o = this.opts;
    const lr = await o.left.execute(vc, bindVars);
    const joined: { lrow: SqlValue[]; rrow?: SqlValue[] }[] = [];
    let rightFields: Field[] | undefined;
    for (const lrow of lr.rows) {
      const rr = await o.right.execute(vc, this.bind(bindVars, lrow));
      rightFields ??= rr.fields;
      if (rr.rows.length === 0) {
        if (o.opcode === 'left') joined.push({ lrow });
        continue;
      }
      for (const rrow of rr.rows) joined.push({ lrow, rrow });
    }
    rightFields ??= (await o.right.execute(vc, this.bind(bindVars, undefined))).fields;
    const leftTail = lr.fields.length - this.leftPlanned;
    const rightTail = rightFields.length - this.rightPlanned;
    const fields = [
      ...o.cols.map((c) => (c < 0 ? lr.fields[-c - 1]! : rightFields![c - 1]!)),
      ...lr.fields.slice(this.leftPlanned),
      ...rightFields.slice(this.rightPlanned),
    ];
    const nulls: SqlValue[] = new Array<SqlValue>(rightTail).fill(null);
    const rows = joined.map(({ lrow, rrow }) => {
      const row = o.cols.map((c) => (c < 0 ? lrow[-c - 1]! : rrow ? rrow[c - 1]! : null));
      if (leftTail > 0) for (let k = this.leftPlanned; k < lrow.length; k++) row.push(lrow[k]!);
      if (rightTail > 0) row.push(...(rrow ? rrow.slice(this.rightPlanned) : nulls));
      return row;
    });
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
}
