/**
 * A tablet's results on the wire and back: query.QueryResult as the server sends it (MySQL's text
 * encoding of every value, see resultToWire) decoded into vtsim's value model by each column's type.
 */
import { Charset, Type, bitValue, isBinary, decodeRowBytes, isFloat, isIntegral, type Field, type QueryResultWire, type Result, type SqlValue } from '@vtsim/proto';

/** query.QueryResult as proto-loader decodes it (64-bit integers as strings, enums as numbers). */
export interface QueryResultDecoded {
  fields: Field[];
  rows_affected: string | number;
  insert_id: string | number;
  rows: QueryResultWire['rows'];
  info: string;
}

/**
 * The Result a query.QueryResult carries: integers (YEAR included) as bigint, floats as numbers,
 * BIT as its unsigned value, columns of the binary character set as bytes, the rest as text, NULL
 * as null.
 */
export function resultFromWire(wire: QueryResultDecoded): Result {
  const decoders = wire.fields.map(valueDecoder);
  const rows = wire.rows.map((row) => decodeRowBytes(row).map((b, i) => (b === null ? null : decoders[i]!(b))));
  const result: Result = { fields: wire.fields, rows, rowsAffected: Number(wire.rows_affected), insertId: BigInt(wire.insert_id) };
  if (wire.info) result.info = wire.info;
  return result;
}

function valueDecoder({ type, charset }: Field): (b: Buffer) => SqlValue {
  if (type === Type.BIT) return (b) => bitValue(b);
  if (isIntegral(type)) return (b) => BigInt(b.toString('latin1'));
  if (isFloat(type)) return (b) => Number(b.toString('latin1'));
  if (isBinary(type) && charset === Charset.BINARY) return (b) => Buffer.from(b);
  return (b) => b.toString('utf8');
}
