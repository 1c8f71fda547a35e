/**
 * UncorrelatedSubquery: a subquery that reads nothing of the outer query runs first and its
 * answer reaches the outer query as bind variables (Vitess's engine.UncorrelatedSubquery with its
 * pullout opcodes): a scalar subquery's value, an IN subquery's values as a list with a
 * has-values flag, an EXISTS subquery's has-values flag.
 */
import { ER, Type, sqlError, type BindVars, type Result } from '@vtsim/proto';
import type { PrimitiveDescription } from './plan-description.js';
import type { Primitive, VCursor } from './primitive.js';

/** How the subquery's rows become bind variables. */
export type PulloutOpcode =
  /** A scalar subquery: its one value (NULL without rows); more than one row is SqlError 1242. */
  | 'value'
  /** `x [NOT] IN (subquery)`: the first column of every row as a list, and whether there were rows. */
  | 'in'
  /** `[NOT] EXISTS (subquery)`: whether there were rows. */
  | 'exists';

/** What the pullout needs; see {@link UncorrelatedSubquery}. */
export interface UncorrelatedSubqueryOptions {
  opcode: PulloutOpcode;
  /** The bind variable holding the value or list (`__sq1`). */
  subqueryName: string;
  /** The bind variable holding 1 when the subquery returned rows, else 0 (`__sq_has_values1`). */
  hasValuesName: string;
  subquery: Primitive;
  outer: Primitive;
  /**
   * For a scalar subquery: the outer query with the value written into its text as a literal,
   * used when the value is a DECIMAL, whose type a bind variable cannot carry (as Vitess's typed
   * bind variables reach MySQL as literals).
   */
  outerWithLiteral?: (literal: string) => Primitive;
}

/** Vitess's names of the pullout opcodes. */
const PULLOUT_VARIANTS: Record<PulloutOpcode, string> = { value: 'PulloutValue', in: 'PulloutIn', exists: 'PulloutExists' };

/** How many literal-specialised outer plans a pullout keeps. */
const LITERAL_PLANS = 64;

/** A pulled-out subquery, run before the outer query. */
export class UncorrelatedSubquery implements Primitive {
  private readonly literalPlans = new Map<string, Primitive>();

  constructor(readonly opts: UncorrelatedSubqueryOptions) {}

  async execute(vc: VCursor, bindVars: BindVars): Promise<Result> {
    const o = this.opts;
    const r = await o.subquery.execute(vc, bindVars);
    const vars: BindVars = { ...bindVars, [o.hasValuesName]: r.rows.length > 0 ? 1n : 0n };
    if (o.opcode !== 'exists' && r.fields.length !== 1) throw sqlError(ER.OPERAND_COLUMNS, 'Operand should contain 1 column(s)');
    if (o.opcode === 'value') {
      if (r.rows.length > 1) throw sqlError(ER.SUBQUERY_NO_1_ROW, 'Subquery returns more than 1 row');
      const value = r.rows[0]?.[0] ?? null;
      vars[o.subqueryName] = value;
      if (o.outerWithLiteral && typeof value === 'string' && r.fields[0]!.type === Type.DECIMAL) return this.literalPlan(value).execute(vc, vars);
    } else if (o.opcode === 'in') {
      vars[o.subqueryName] = r.rows.map((row) => row[0]!);
    }
    return o.outer.execute(vc, vars);
  }

  describe(): PrimitiveDescription {
    const o = this.opts;
    return {
      OperatorType: 'UncorrelatedSubquery',
      Variant: PULLOUT_VARIANTS[o.opcode],
      PulloutVars: o.opcode === 'value' ? [o.subqueryName] : o.opcode === 'in' ? [o.hasValuesName, o.subqueryName] : [o.hasValuesName],
      Inputs: [{ InputName: 'SubQuery', ...o.subquery.describe() }, { InputName: 'Outer', ...o.outer.describe() }],
    };
  }

  private literalPlan(decimal: string): Primitive {
    let plan = this.literalPlans.get(decimal);
    if (!plan) {
      plan = this.opts.outerWithLiteral!(decimal);
      if (this.literalPlans.size >= LITERAL_PLANS) this.literalPlans.delete(this.literalPlans.keys().next().value!);
      this.literalPlans.set(decimal, plan);
    }
    return plan;
  }
}
