/**
 * LocalSelect: a SELECT without tables evaluated in vtgate itself (`select @@version`,
 * `select database()`, `select 1`), as Vitess answers such queries without a tablet.
 */
import type { BindVars, Result, SqlValue } from '@vtsim/proto';
import { isDynamicType, resultField, toBigInt, typeOfValue, type CompiledExpr } from '@vtsim/sql';
import type { PrimitiveDescription } from './plan-description.js';
import type { Primitive, VCursor } from './primitive.js';
import { evaluateValue, type ValueSource } from './value-source.js';

/** One output column: its name and compiled expression. */
export interface LocalColumn {
  name: string;
  expr: CompiledExpr;
}

/** A tableless SELECT (with an optional LIMIT). */
export class LocalSelect implements Primitive {
  constructor(
    readonly columns: LocalColumn[],
    readonly limit?: ValueSource,
  ) {}

  /**
   * Evaluates the row. A column whose type is known only per value takes the type the session
   * records (a user variable's, see `userVariableType`) or its value's, as MySQL types `select @x`
   * by what `@x` holds.
   */
  async execute(vc: VCursor, bindVars: BindVars): Promise<Result> {
    const env = { row: [] as SqlValue[], bindVars, session: vc.sessionContext };
    const sessionType = (c: LocalColumn, v: SqlValue) => {
      const t = c.expr.valueType?.(env);
      return t === undefined || isDynamicType(t) ? typeOfValue(v) : t;
    };
    const field = (c: LocalColumn, v?: SqlValue) =>
      resultField(c.name, c.expr.columnType ?? (v !== undefined && isDynamicType(c.expr.type) ? sessionType(c, v) : c.expr.type), { notNull: c.expr.nullable === false });
    if (this.limit && (toBigInt(evaluateValue(this.limit, bindVars, vc.sessionContext)) ?? 0n) <= 0n) {
      return { fields: this.columns.map((c) => field(c)), rows: [], rowsAffected: 0, insertId: 0n };
    }
    const row = this.columns.map((c) => c.expr(env));
    return { fields: this.columns.map((c, i) => field(c, row[i])), rows: [row], rowsAffected: 0, insertId: 0n };
  }

  describe(): PrimitiveDescription {
    return { OperatorType: 'Projection', Expressions: this.columns.map((c) => c.name), Inputs: [{ OperatorType: 'SingleRow' }] };
  }
}
