/**
 * LocalSelect: a SELECT without tables evaluated in vtgate itself (`select @@version`,
 * `select database()`, `select 1`), as Vitess answers such queries without a tablet.
 */
import type { BindVars, Result, SqlValue } from '@vtsim/proto';
import { resultField, toBigInt, type CompiledExpr } from '@vtsim/sql';
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

  async execute(vc: VCursor, bindVars: BindVars): Promise<Result> {
    const fields = this.columns.map((c) => resultField(c.name, c.expr.columnType ?? c.expr.type, { notNull: c.expr.nullable === false }));
    if (this.limit && (toBigInt(evaluateValue(this.limit, bindVars, vc.sessionContext)) ?? 0n) <= 0n) {
      return { fields, rows: [], rowsAffected: 0, insertId: 0n };
    }
    const env = { row: [] as SqlValue[], bindVars, session: vc.sessionContext };
    const row = this.columns.map((c) => c.expr(env));
    return { fields, rows: [row], rowsAffected: 0, insertId: 0n };
  }
}
