/**
 * The compiled-expression contract (scope, session, environment, closure) and the static type algebra
 * the compiler uses to pick MySQL semantics once, at compile time.
 */
import { Type, isBinary, isFloat, isIntegral, isText, isUnsigned, type BindVars, type SqlValue } from '@vtsim/proto';
import type { ColumnType } from './column-type.js';
import type { Expr, Statement } from './parse.js';

/** How a compiled expression resolves names; supplied by the statement being planned. */
export interface ExprScope {
  /** Resolves a column reference to its index in {@link EvalEnv.row}; throws SqlError 1054 (unknown) or 1052 (ambiguous). */
  column(table: string | null, name: string): { index: number; type: ColumnType | null };
  /**
   * Index in {@link EvalEnv.row} holding this aggregate call's value (see `aggregateCall` to decode the
   * node); absent → any aggregate is SqlError 1111 `Invalid use of group function`.
   */
  aggregate?(node: Expr): number;
  /** Compiles a subquery into a function returning its rows; absent → subqueries are SqlError 1235. */
  subquery?(ast: Statement): SubqueryRunner;
  /**
   * Resolves `VALUES(col)` inside `ON DUPLICATE KEY UPDATE` to the index in {@link EvalEnv.row} holding
   * the value the row would have inserted; absent → VALUES() is SqlError 1235.
   */
  insertValue?(column: string): { index: number; type: ColumnType | null };
  /**
   * Resolves `DEFAULT(col)` to a function giving the column's default value (SqlError 1364 when it
   * has none) and the column's type; absent → DEFAULT(col) is SqlError 1235.
   */
  columnDefault?(table: string | null, name: string): { value: (env: EvalEnv) => SqlValue; type: ColumnType };
  /** The session's current database at compile time, for error messages (`FUNCTION db.f does not exist`). */
  database?: string;
}

/**
 * A compiled subquery: returns its rows; `columnTypes` are its result columns' types where the
 * planner knows them (null or absent: known only per value).
 */
export type SubqueryRunner = ((env: EvalEnv) => SqlValue[][]) & { readonly columnTypes?: readonly (ColumnType | null)[] };

/** Per-connection state that expressions may read (DATABASE(), NOW(), @vars, @@vars, LAST_INSERT_ID()). */
export interface SessionContext {
  database: string;
  user: string;
  connectionId: number;
  /** LAST_INSERT_ID(); `LAST_INSERT_ID(x)` assigns it. */
  lastInsertId: bigint;
  /** Current time in ms since the epoch (from the injected clock). */
  now(): number;
  /** A number in [0, 1) from the seeded random source. */
  random(): number;
  userVariables: Map<string, SqlValue>;
  /** The types of the user variables (see user-variables.ts); absent where only values are kept. */
  userVariableTypes?: Map<string, Type>;
  /** A system variable's value; throws SqlError 1193 if unknown. */
  systemVariable(name: string, scope: 'session' | 'global'): SqlValue;
  /** Records a warning of the running statement (`SHOW WARNINGS`); absent where warnings are not kept. */
  warn?(code: number, message: string): void;
  /** ROW_COUNT(): rows the previous statement affected, -1 after one that returned rows. */
  readonly rowCount?: bigint;
  /** FOUND_ROWS(): rows the last SELECT returned. */
  readonly foundRows?: bigint;
  /** The server's named locks as this session takes them (GET_LOCK …); absent where there is no server. */
  readonly namedLocks?: NamedLockSession;
}

/** User-level named locks (GET_LOCK, RELEASE_LOCK, IS_FREE_LOCK, IS_USED_LOCK, RELEASE_ALL_LOCKS) as one session sees them. */
export interface NamedLockSession {
  /** Takes (or re-takes: locks nest) the lock; false when another session holds it. */
  get(name: string): boolean;
  /** Releases one level of the lock: true if this session held it, false if another does, null if nobody. */
  release(name: string): boolean | null;
  /** The connection id holding the lock, or null. */
  holder(name: string): number | null;
  /** Releases every lock this session holds; returns how many levels were released. */
  releaseAll(): number;
}

/** Everything a compiled expression reads when evaluated. */
export interface EvalEnv {
  row: readonly SqlValue[];
  bindVars: BindVars;
  session: SessionContext;
}

/**
 * A compiled expression: call it with an environment to get the value.
 * `type` is its result type; {@link Type.EXPRESSION} means the type is only known per value (bind
 * variables, user variables, subqueries): describe such a column with `typeOfValue` of its values.
 */
export interface CompiledExpr {
  (env: EvalEnv): SqlValue;
  readonly type: Type;
  readonly columnType?: ColumnType;
  /**
   * False when the value can never be NULL (a non-NULL literal, COUNT, `+ - *` of such values):
   * the result column then carries MySQL's NOT_NULL flag. True or absent: it may be NULL.
   */
  readonly nullable?: boolean;
  /**
   * For an expression of type {@link Type.EXPRESSION} whose type the environment may know (a user
   * variable's recorded type, arithmetic on one), that type; absent or EXPRESSION: the type of its
   * value (`typeOfValue`).
   */
  readonly valueType?: (env: EvalEnv) => Type;
}

/** The body of a compiled expression. */
export type EvalFn = (env: EvalEnv) => SqlValue;

/** Attaches the static type (and declared column type, and whether it may be NULL: by default it may) to an evaluation closure. */
export function typed(fn: EvalFn, type: Type, columnType?: ColumnType, nullable = true): CompiledExpr {
  const f = fn as EvalFn & { type: Type; columnType?: ColumnType; nullable: boolean };
  f.type = type;
  if (columnType) f.columnType = columnType;
  f.nullable = nullable;
  return f;
}

/** A compiled constant (nullable only if it is NULL). */
export function constant(v: SqlValue, type: Type): CompiledExpr {
  return typed(() => v, type, undefined, v === null);
}

/** Integer types, including YEAR and BIT. */
export function isIntType(t: Type): boolean {
  return isIntegral(t) || t === Type.BIT;
}

/** Numeric types: integers, DECIMAL, FLOAT, DOUBLE. */
export function isNumericType(t: Type): boolean {
  return isIntType(t) || t === Type.DECIMAL || isFloat(t);
}

/** Character-string types (CHAR, VARCHAR, TEXT, ENUM, SET). */
export function isTextType(t: Type): boolean {
  return isText(t) || t === Type.ENUM || t === Type.SET;
}

/** Binary-string types (BINARY, VARBINARY, BLOB); JSON and temporal types are excluded. */
export function isBinaryType(t: Type): boolean {
  return t === Type.BINARY || t === Type.VARBINARY || t === Type.BLOB;
}

/** DATE, DATETIME, TIMESTAMP, TIME. */
export function isTemporalType(t: Type): boolean {
  return t === Type.DATE || t === Type.DATETIME || t === Type.TIMESTAMP || t === Type.TIME;
}

/** True when the type is only known per value. */
export function isDynamicType(t: Type): boolean {
  return t === Type.EXPRESSION;
}

/** Unsigned integer types. */
export function isUnsignedType(t: Type): boolean {
  return isUnsigned(t) && isIntType(t) && t !== Type.YEAR;
}

/** True for binary-collated strings, used to switch LIKE/REGEXP/comparison to byte semantics. */
export function isBinaryCollated(t: Type): boolean {
  return isBinary(t) && !isTemporalType(t) && t !== Type.JSON && !isNumericType(t);
}

/**
 * The arithmetic result type of two operand types: DOUBLE if either is a float or a string, DECIMAL if
 * either is DECIMAL, else a signed or unsigned BIGINT; EXPRESSION if either is only known at run time.
 */
export function arithmeticType(a: Type, b: Type): Type {
  if (a === Type.NULL_TYPE) return b === Type.NULL_TYPE ? Type.INT64 : arithmeticType(b, b);
  if (b === Type.NULL_TYPE) return arithmeticType(a, a);
  if (isDynamicType(a) || isDynamicType(b)) return Type.EXPRESSION;
  if (!isNumericType(a) || !isNumericType(b) || isFloat(a) || isFloat(b)) return Type.FLOAT64;
  if (a === Type.DECIMAL || b === Type.DECIMAL) return Type.DECIMAL;
  return isUnsignedType(a) || isUnsignedType(b) ? Type.UINT64 : Type.INT64;
}

/**
 * The type of a value chosen among branches (CASE, IF, COALESCE, GREATEST…): identical types stay;
 * numbers widen (int → DECIMAL → DOUBLE; BIGINT UNSIGNED with a signed integer → DECIMAL); temporal types merge to DATETIME; any string makes VARCHAR
 * (VARBINARY if any branch is binary); NULL branches are ignored.
 */
export function unifyTypes(types: Type[]): Type {
  const ts = types.filter((t) => t !== Type.NULL_TYPE);
  if (ts.length === 0) return Type.NULL_TYPE;
  if (ts.some(isDynamicType)) return Type.EXPRESSION;
  const first = ts[0]!;
  if (ts.every((t) => t === first)) return first;
  if (ts.every(isNumericType)) {
    if (ts.some((t) => isFloat(t))) return Type.FLOAT64;
    if (ts.some((t) => t === Type.DECIMAL)) return Type.DECIMAL;
    if (ts.every(isUnsignedType)) return Type.UINT64;
    // BIGINT UNSIGNED with a signed integer: no 64-bit integer holds both ranges, so DECIMAL, as MySQL merges them.
    return ts.some((t) => t === Type.UINT64) ? Type.DECIMAL : Type.INT64;
  }
  if (ts.every(isTemporalType)) return ts.every((t) => t === Type.DATE || t === Type.DATETIME || t === Type.TIMESTAMP) ? Type.DATETIME : Type.VARCHAR;
  if (ts.some(isBinaryType)) return Type.VARBINARY;
  return Type.VARCHAR;
}
