/**
 * What MySQL does to every row an INSERT, UPDATE or ALTER TABLE stores: computes its generated
 * columns (VIRTUAL and STORED alike; vtsim stores both) and enforces the table's CHECK constraints.
 * Compiled once per TableSchema.
 */
import { SqlError, sqlError, ER, type SqlValue } from '@vtsim/proto';
import { compileExpr, isTrue, type CompiledExpr, type EvalEnv, type ExprScope, type SessionContext } from '@vtsim/sql';
import type { ColumnDef, TableSchema } from './table-schema.js';

/** Converts a computed value for its column (the caller's sql_mode and NOT NULL rules). */
export type StoreValue = (v: SqlValue, c: ColumnDef) => SqlValue;

interface CompiledRules {
  readonly generated: readonly { readonly index: number; readonly expr: CompiledExpr }[];
  readonly checks: readonly { readonly name: string; readonly expr: CompiledExpr }[];
}

const NO_RULES: CompiledRules = { generated: [], checks: [] };
const compiled = new WeakMap<TableSchema, CompiledRules>();

/**
 * Compiles a schema's generated columns and enforced CHECK constraints. Throws SqlError 1054 for
 * a generated column naming an unknown column, 3820 for a CHECK constraint doing so (both at DDL
 * time, as MySQL does).
 */
export function rowRulesOf(schema: TableSchema): CompiledRules {
  let rules = compiled.get(schema);
  if (rules !== undefined) return rules;
  const generated = schema.columns.flatMap((c, index) => (c.generated ? [{ index, expr: compileExpr(c.generated.expr, rowScope(schema, (column) => sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${column}' in 'generated column function'`))) }] : []));
  const checks = schema.checks
    .filter((k) => k.enforced)
    .map((k) => ({
      name: k.name,
      expr: compileExpr(k.expr, rowScope(schema, (column) => new SqlError(3820, 'HY000', `Check constraint '${k.name}' refers to non-existing column '${column}'.`))),
    }));
  rules = generated.length === 0 && checks.length === 0 ? NO_RULES : { generated, checks };
  compiled.set(schema, rules);
  return rules;
}

function rowScope(schema: TableSchema, unknown: (column: string) => SqlError): ExprScope {
  return {
    column(_table, name) {
      const index = schema.columnIndex(name);
      if (index < 0) throw unknown(name);
      return { index, type: schema.columns[index]!.columnType };
    },
  };
}

/**
 * Fills `row`'s generated columns (in column order, so one may use an earlier one) and checks the
 * enforced CHECK constraints: one that evaluates to false fails with SqlError 3819 `Check
 * constraint 'x' is violated.` (NULL passes, as in MySQL).
 */
export function applyRowRules(schema: TableSchema, row: SqlValue[], session: SessionContext, store: StoreValue): void {
  const rules = rowRulesOf(schema);
  if (rules === NO_RULES) return;
  const env: EvalEnv = { row, bindVars: {}, session };
  for (const g of rules.generated) row[g.index] = store(g.expr(env), schema.columns[g.index]!);
  for (const k of rules.checks) {
    if (isTrue(k.expr(env)) === false) throw new SqlError(3819, 'HY000', `Check constraint '${k.name}' is violated.`);
  }
}

/** SqlError 3105 for a value given to a generated column (other than DEFAULT). */
export function generatedColumnValueError(schema: TableSchema, column: ColumnDef): SqlError {
  return new SqlError(3105, 'HY000', `The value specified for generated column '${column.name}' in table '${schema.name}' is not allowed.`);
}
