/**
 * Last primary keys of the copy phase on the wire: a query.QueryResult holding the PK fields and
 * one row, as LASTPK events carry them and clients hand them back in `table_last_p_ks`.
 */
import { Code, Type, VtError, bitValue, decodeRowBytes, encodeRow, isFloat, isIntegral, textEncoders, type Field, type QueryResultWire, type SqlValue } from '@vtsim/proto';

/** Builds the QueryResult of a last primary key, values in the copy phase's (MySQL text) form. */
export function lastPkResult(pkFields: Field[], values: readonly SqlValue[]): QueryResultWire {
  return {
    fields: pkFields,
    rows_affected: '0',
    insert_id: '0',
    rows: [encodeRow(values, textEncoders(pkFields))],
    info: '',
    session_state_changes: '',
    insert_id_changed: false,
  };
}

/**
 * Decodes a client's last primary key into values of the table's PK column types (`pkFields`),
 * or null when it holds no row (the copy of that table has not started). Throws VtError
 * INVALID_ARGUMENT when the row does not have one value per PK column.
 */
export function decodeLastPk(table: string, qr: QueryResultWire | null | undefined, pkFields: readonly Field[]): SqlValue[] | null {
  const row = qr?.rows?.[0];
  if (!row) return null;
  const bytes = decodeRowBytes(row);
  if (bytes.length !== pkFields.length) {
    throw new VtError(Code.INVALID_ARGUMENT, `lastpk for table ${table} has ${bytes.length} values, want ${pkFields.length}`);
  }
  return bytes.map((b, i) => (b === null ? null : valueOf(b, pkFields[i]!.type)));
}

/** A value's in-memory form from its wire bytes (see @vtsim/proto's SqlValue). */
function valueOf(b: Buffer, type: Type): SqlValue {
  if (type === Type.BIT) return bitValue(b);
  if (isIntegral(type)) return BigInt(b.toString('latin1'));
  if (isFloat(type)) return Number(b.toString('latin1'));
  if (type === Type.VARBINARY || type === Type.BINARY || type === Type.BLOB) return Uint8Array.from(b);
  return b.toString('utf8');
}
