/**
 * Bind variables on the wire (`query.BindVariable`, `query.Value`) and vtsim's value model: a
 * typed value's bytes are its text for numbers and strings (Vitess's sqltypes encoding) and its
 * raw bytes for binary types.
 */
import { Type, isBinary, isFloat, isIntegral } from './query.js';
import { valueToBytes, type BindVars, type SqlValue } from './sqltypes.js';

/** query.Value as decoded (enums as numbers). */
export interface ValueWire {
  type: Type;
  value: Uint8Array;
}

/** query.BindVariable as decoded: a single value, or `values` for a TUPLE. */
export interface BindVariableWire extends ValueWire {
  values: ValueWire[];
}

const INT64_MAX = 0x7fffffffffffffffn;
const EMPTY = Buffer.alloc(0);

/** Decodes one typed value. Throws SyntaxError for an integer whose text does not parse. */
export function valueFromWire(v: ValueWire): SqlValue {
  const t = v.type;
  if (t === Type.NULL_TYPE) return null;
  const bytes = Buffer.from(v.value.buffer, v.value.byteOffset, v.value.byteLength);
  if (isIntegral(t)) return BigInt(bytes.toString('latin1'));
  if (isFloat(t)) return Number(bytes.toString('latin1'));
  if (isBinary(t) || t === Type.BIT) return bytes;
  return bytes.toString('utf8');
}

/** Decodes a bind variable: a TUPLE becomes a list of values. */
export function bindVariableFromWire(bv: BindVariableWire): SqlValue | SqlValue[] {
  return bv.type === Type.TUPLE ? bv.values.map(valueFromWire) : valueFromWire(bv);
}

/** Decodes a BoundQuery's bind variables. */
export function bindVarsFromWire(map: Record<string, BindVariableWire> | null | undefined): BindVars {
  const out: BindVars = {};
  if (map) for (const [name, bv] of Object.entries(map)) out[name] = bindVariableFromWire(bv);
  return out;
}

/** Encodes one value as a bind variable typed by its JS type (INT64/UINT64, FLOAT64, VARCHAR, VARBINARY, NULL). */
export function bindVariableToWire(v: SqlValue): BindVariableWire {
  let type: Type;
  if (v === null) type = Type.NULL_TYPE;
  else if (typeof v === 'bigint') type = v > INT64_MAX ? Type.UINT64 : Type.INT64;
  else if (typeof v === 'number') type = Type.FLOAT64;
  else if (typeof v === 'string') type = Type.VARCHAR;
  else type = Type.VARBINARY;
  return { type, value: valueToBytes(v) ?? EMPTY, values: [] };
}
