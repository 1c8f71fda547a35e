/** Compiles expression ASTs into closures evaluated per row (Vitess's evalengine). */
import type { BindVars, SqlValue, Type } from '@vtsim/proto';
import type { ColumnType } from './column-type.js';
import type { Expr, Statement } from './parse.js';

/** How a compiled expression resolves names; supplied by the statement being planned. */
export interface ExprScope {
  /** Resolves a column reference to its index in {@link EvalEnv.row}; throws SqlError 1054 (unknown) or 1052 (ambiguous). */
  column(table: string | null, name: string): { index: number; type: ColumnType | null };
  /** Index in {@link EvalEnv.row} that holds this aggregate call's value; absent → aggregates are an error 1111. */
  aggregate?(node: Expr): number;
  /** Compiles a subquery into a function returning its rows; absent → subqueries are an error 1235. */
  subquery?(ast: Statement): (env: EvalEnv) => SqlValue[][];
}

/** Per-connection state that expressions may read (DATABASE(), NOW(), @vars, @@vars, LAST_INSERT_ID()). */
export interface SessionContext {
  database: string;
  user: string;
  connectionId: number;
  lastInsertId: bigint;
  /** Current time in ms since the epoch (from the injected clock). */
  now(): number;
  /** A number in [0, 1) from the seeded random source. */
  random(): number;
  userVariables: Map<string, SqlValue>;
  /** A system variable's value; throws SqlError 1193 if unknown. */
  systemVariable(name: string, scope: 'session' | 'global'): SqlValue;
}

/** Everything a compiled expression reads when evaluated. */
export interface EvalEnv {
  row: readonly SqlValue[];
  bindVars: BindVars;
  session: SessionContext;
}

/** A compiled expression: call it with an environment to get the value; `type` is its result type. */
export interface CompiledExpr {
  (env: EvalEnv): SqlValue;
  readonly type: Type;
  readonly columnType?: ColumnType;
}

/**
 * Compiles an expression AST once into a closure tree; evaluation walks no AST.
 *
 * Compile-time errors: 1054/1052 from the scope, 1305 `FUNCTION <db>.<name> does not exist`,
 * 1582 wrong argument count, 1111 aggregate without scope support. Evaluation errors: 1105
 * `missing bind var <name>`, 1690 BIGINT out of range, 1242 subquery returns more than 1 row.
 */
export function compileExpr(ast: Expr, scope: ExprScope): CompiledExpr {
  throw new Error(`compileExpr: not implemented yet ${ast.type} ${typeof scope}`);
}
