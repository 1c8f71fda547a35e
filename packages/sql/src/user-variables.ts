/**
 * User variables (`@x`) as MySQL keeps them: a value of one of a few types taken from the expression
 * assigned to it (signed or unsigned integer, DECIMAL, DOUBLE, string or binary string; temporal and
 * JSON values become strings), which `select @x` reports. A DECIMAL's value is text, as a string's
 * is, so the type is recorded beside the value.
 */
import { Type, isFloat, type SqlValue } from '@vtsim/proto';
import { isDynamicType, isIntType, isUnsignedType, type SessionContext } from './compiled-expr.js';
import { typeOfValue } from './values.js';

/** The type a user variable takes when assigned `value`, the result of an expression of type `exprType`. */
export function userVariableTypeOf(exprType: Type, value: SqlValue): Type {
  if (value instanceof Uint8Array) return Type.VARBINARY;
  const t = isDynamicType(exprType) || (value !== null && exprType === Type.NULL_TYPE) ? typeOfValue(value) : exprType;
  if (isIntType(t)) return isUnsignedType(t) ? Type.UINT64 : Type.INT64;
  if (t === Type.DECIMAL) return Type.DECIMAL;
  if (isFloat(t)) return Type.FLOAT64;
  if (t === Type.VARBINARY || t === Type.BINARY || t === Type.BLOB) return Type.VARBINARY;
  return Type.VARCHAR;
}

/** Assigns `@name` (lower-case) a value and, where the session keeps them, the value's type. */
export function setUserVariable(session: SessionContext, name: string, value: SqlValue, exprType: Type): void {
  session.userVariables.set(name, value);
  session.userVariableTypes?.set(name, userVariableTypeOf(exprType, value));
}

/**
 * The type `select @name` reports: the one recorded at assignment, else the value's own; a variable
 * never assigned (or assigned NULL) reads as a string, as in MySQL.
 */
export function userVariableType(session: SessionContext, name: string): Type {
  const recorded = session.userVariableTypes?.get(name);
  if (recorded !== undefined) return recorded;
  const v = session.userVariables.get(name);
  return v === undefined || v === null ? Type.VARCHAR : userVariableTypeOf(Type.EXPRESSION, v);
}
