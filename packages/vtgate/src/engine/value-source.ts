/**
 * Where a routing value comes from at execution time: a bind variable, a literal fixed at plan
 * time, or an expression compiled at plan time (Vitess's evalengine expressions in routes).
 */
import { ER, sqlError, type BindVars, type SqlValue } from '@vtsim/proto';
import type { CompiledExpr, SessionContext } from '@vtsim/sql';

/** A value known only when the plan runs. */
export type ValueSource =
  | { kind: 'bind'; name: string }
  | { kind: 'literal'; value: SqlValue }
  | { kind: 'expr'; expr: CompiledExpr };

const NO_ROW: readonly SqlValue[] = [];

/** Evaluates a value source; a missing bind variable is SqlError 1105 `missing bind var <name>`. */
export function evaluateValue(src: ValueSource, bindVars: BindVars, session: SessionContext): SqlValue {
  switch (src.kind) {
    case 'bind': {
      const v = bindVars[src.name];
      if (v === undefined) throw sqlError(ER.UNKNOWN_ERROR, `missing bind var ${src.name}`);
      if (Array.isArray(v)) throw sqlError(ER.UNKNOWN_ERROR, `bind var ${src.name} is a list, a single value was expected`);
      return v;
    }
    case 'literal':
      return src.value;
    case 'expr':
      return src.expr({ row: NO_ROW, bindVars, session });
  }
}
